/**
 * The cycle dashboard page (pure: aggregates → HTML): timeline with today marked, completion of the
 * open step by department and by manager (kept live by /console/assets/cycles-live.js polling the
 * JSON), overdue people with their actions, HR's controls, alignment, confidence, scores, awards and
 * the exports. Every action is a plain form; the page works without JavaScript.
 */
import { html } from 'hono/html';
import { AWARDS_RUN_PHASES, type CyclePlan, type Locale, PHASES, type TaskKind } from '../../../contract';
import type { CycleDashboard } from '../../../core/cycle-dashboard';
import type { CompletionRow } from '../../../db/dashboard';
import { EXPORTS, EXPORT_FORMATS } from '../../../core/exports';
import { awardWords } from '../../../i18n/awards';
import { type CycleWords, cycleWordsFor } from '../../../i18n/console-cycles';
import { formatDue } from '../../../mail/templates/format';
import { kindLabel } from '../../../kinds';
import { histogram, timeline } from './charts';
import { CYCLES_CSS } from './start-page';
import { awardsRunWords } from '../../../i18n/awards-runs';

/** The managers shown in the chart: the largest teams. */
export const MANAGER_ROWS = 20;

export interface DashboardPageData {
  locale: Locale;
  board: CycleDashboard;
  timeZone: string;
  plan: CyclePlan | undefined;
  workflowUrl: string | null;
  /** A known message key after an action (never free text from the request). */
  done?: string;
}

const enc = encodeURIComponent;

/** Completion per group: a bar (a native progress element: readable on any screen, kept live) and the counts. */
function completionTable(rows: CompletionRow[], none: string, w: CycleWords, id: string, caption: string) {
  return html`<div class="table-wrap"><table class="stack completion" data-table="${id}"><caption class="muted small">${caption}</caption><thead><tr><th scope="col">${w.board.group}</th><th scope="col">${w.board.done}</th><th scope="col">${w.board.open}</th><th scope="col">${w.board.overdue}</th><th scope="col">${w.board.expired}</th></tr></thead><tbody>
${rows.map(
  (r) =>
    html`<tr data-group="${r.group ?? ''}"><th scope="row">${r.label ?? none}</th><td data-label="${w.board.done}"><progress data-cell="progress" max="${Math.max(1, r.total)}" value="${r.completed}" aria-label="${r.label ?? none}: ${w.board.done}"></progress> <span data-cell="completed">${r.completed} / ${r.total}</span></td><td data-label="${w.board.open}" data-cell="open">${r.open}</td><td data-label="${w.board.overdue}" data-cell="overdue">${r.overdue}</td><td data-label="${w.board.expired}" data-cell="expired">${r.expired}</td></tr>`,
)}</tbody></table></div>`;
}

export function dashboardBody(d: DashboardPageData) {
  const w = cycleWordsFor(d.locale);
  const rw = awardsRunWords(d.locale);
  const { board } = d;
  const c = board.cycle;
  const key = c.key;
  const when = (at: string) => formatDue(at, d.locale, d.timeZone);
  const kindWord = (k: TaskKind) => kindLabel(k, d.locale);
  const phase = c.state?.phase ?? null;
  const now = Date.parse(board.now);
  const states = c.state?.phases ?? [];
  // A planning phase waiting for its planned date: HR can open it now (not close it, nor extend it).
  const waiting = states.find((x) => x.phase === phase)?.opensAt;
  const run = c.kind === 'awards-run';
  // The phases this cycle goes through: a yearly awards run has only awards; a cycle may leave awards out.
  const shown = run ? AWARDS_RUN_PHASES : PHASES.filter((p) => !states.length || states.some((x) => x.phase === p));
  const phases = shown.map((p) => {
    const s = states.find((x) => x.phase === p);
    const planned = d.plan?.phases.find((x) => x.phase === p);
    const start = Date.parse(s?.openedAt ?? s?.opensAt ?? planned?.opensAt ?? board.now);
    const end = Date.parse(s?.closedAt ?? s?.dueAt ?? planned?.dueAt ?? board.now);
    return { label: w.phase[p], start, end: Math.max(end, start), state: s?.status ?? ('pending' as const) };
  });
  const step = board.step;
  const messages: Record<string, string> = { reminded: w.board.reminded, extended: w.board.extended, removed: w.board.removed, control: w.board.controlDone };
  return html`${CYCLES_CSS}<h1>${c.title}</h1>
<p class="muted">${run ? html`<span class="tag">${rw.kind}</span> ` : ''}${key} · ${c.startsOn} – ${c.endsOn} · ${w.status[c.status] ?? c.status} · ${w.list.participants}: ${c.participantCount}${d.workflowUrl ? html` · <a href="${d.workflowUrl}">${w.board.workflow}</a>` : ''}</p>
${run && c.covers?.length ? html`<p>${rw.covers}: ${c.covers.map((k, i) => html`${i ? ', ' : ''}<a href="/console/cycles/${enc(k)}">${k}</a>`)}</p>` : ''}
${d.done && messages[d.done] ? html`<p class="ok" role="status">${messages[d.done]}</p>` : ''}
${c.workflowError ? html`<p class="banner" role="alert">${w.board.workflowError} ${c.workflowError}</p>` : ''}
<section aria-labelledby="tl-h"><h2 id="tl-h">${w.board.timeline}</h2>${timeline(phases, now, w.board.today, w.board.chartLabel(w.board.timeline))}</section>

<section aria-labelledby="step-h" id="live" data-live-url="/api/cycles/${enc(key)}/dashboard" data-step="${step ? `${step.kind}:${step.round}` : ''}">
<h2 id="step-h">${step ? w.board.openStep(kindWord(step.kind), step.round) : w.board.noStep}</h2>
${
  step
    ? html`<p class="stat" data-live="total">${w.board.completed(step.total.completed, step.total.total)}</p><p class="muted small">${w.board.live}</p>
<h3>${w.board.byDepartment}</h3>${completionTable(step.byDepartment, w.board.noDepartment, w, 'department', w.board.chartLabel(w.board.byDepartment))}
<h3>${w.board.byManager}</h3>${completionTable(step.byManager.slice(0, MANAGER_ROWS), w.board.noManager, w, 'manager', w.board.chartLabel(w.board.byManager))}`
    : ''
}
</section>

<section aria-labelledby="od-h"><h2 id="od-h">${w.board.overduePeople}</h2>
${
  board.overdue.total === 0
    ? html`<p class="muted">${w.board.noOverdue}</p>`
    : html`${board.overdue.total > board.overdue.rows.length ? html`<p class="muted">${w.board.overdueMore(board.overdue.rows.length, board.overdue.total)}</p>` : ''}
<div class="table-wrap"><table class="stack"><thead><tr><th scope="col">${w.board.person}</th><th scope="col">${w.board.task}</th><th scope="col">${w.board.dueAt}</th><th scope="col">${w.board.actions}</th></tr></thead><tbody>
${board.overdue.rows.map(
  (r) => html`<tr><td>${r.name}<br><span class="muted small">${r.email}${r.department ? ` · ${r.department}` : ''}</span></td>
<td data-label="${w.board.task}">${kindWord(r.kind)}${r.round > 1 ? ` (${r.round})` : ''}</td><td data-label="${w.board.dueAt}">${when(r.dueAt)}</td>
<td data-label="${w.board.actions}" class="actions"><form method="post" action="/console/cycles/${enc(key)}/tasks/${r.taskId}/remind"><button type="submit" class="secondary">${w.board.remind}</button></form>
<form method="post" action="/console/cycles/${enc(key)}/tasks/${r.taskId}/extend" class="inline"><div><label for="until-${r.taskId}">${w.board.extendTask}</label><input id="until-${r.taskId}" name="until" type="datetime-local" required></div><button type="submit" class="secondary">${w.board.extend}</button></form>
<form method="post" action="/console/cycles/${enc(key)}/participants/remove"><input type="hidden" name="email" value="${r.email}"><button type="submit" class="link" data-confirm="${w.board.confirmRemove(r.name)}">${w.board.remove}</button></form></td></tr>`,
)}</tbody></table></div>`
}
</section>

${
  c.status === 'running' && phase
    ? html`<section aria-labelledby="ctl-h"><h2 id="ctl-h">${w.board.controls}</h2><p class="inline">
${phase === 'checkins' ? html`<a class="button" href="/console/cycles/${enc(key)}/confirm/end-week">${w.board.endWeek(states.find((p) => p.phase === 'checkins')?.round ?? 1)}</a>` : ''}
${
  waiting
    ? html`<a class="button" href="/console/cycles/${enc(key)}/confirm/advance">${w.board.openNow(w.phase[phase], when(waiting))}</a>`
    : html`<a class="button" href="/console/cycles/${enc(key)}/confirm/advance">${w.board.advance(w.phase[phase])}</a>
<a class="button" href="/console/cycles/${enc(key)}/confirm/extend">${w.board.extendPhase(w.phase[phase])}</a>`
}
<a class="button danger" href="/console/cycles/${enc(key)}/confirm/cancel">${w.board.cancel}</a></p></section>`
    : ''
}

${run ? '' : okrSections(d, w)}

<section aria-labelledby="aw-h"><h2 id="aw-h">${w.board.awards}</h2>
${
  board.nominations.length
    ? html`<div class="table-wrap"><table class="stack"><thead><tr><th scope="col">${w.board.nominee}</th><th scope="col">${w.board.by}</th><th scope="col">${w.board.citation}</th><th scope="col">${w.board.votes}</th></tr></thead><tbody>
${board.nominations.map(
  (n) =>
    html`<tr><td>${n.personName ?? `${n.objectiveTitle ?? ''}${n.objectiveOwner ? ` (${n.objectiveOwner})` : ''}`}${n.winner ? html` <span class="tag new">${w.board.winner}</span>` : ''}</td><td data-label="${w.board.by}">${n.nominatorName}</td><td data-label="${w.board.citation}">${n.citation}</td><td data-label="${w.board.votes}">${n.votes}</td></tr>`,
)}</tbody></table></div>`
    : html`<p class="muted">${w.board.noNominations}</p>`
}${board.nominations.some((n) => n.winner) ? html`<p><a href="/console/cycles/${enc(key)}/awards">${awardWords(d.locale).console.open}</a></p>` : ''}</section>

${run ? '' : exportsSection(key, w)}`;
}

/** The exports of the cycle's OKRs (a yearly awards run has none of its own). */
function exportsSection(key: string, w: CycleWords) {
  return html`<section aria-labelledby="ex-h"><h2 id="ex-h">${w.board.exports}</h2><p class="muted">${w.board.exportsIntro}</p><ul class="exports">${EXPORTS.map(
    (e) =>
      html`<li><span class="export-name">${w.board.export[e]}</span> ${EXPORT_FORMATS.map(
        (f, i) =>
          html`${i ? ' · ' : ''}<a href="/console/cycles/${enc(key)}/exports/${e}.${f}" download><span class="vh">${w.board.export[e]} </span>${w.board.formats[f]}</a>`,
      )}</li>`,
  )}</ul></section>`;
}

/** What the OKRs of the cycle say: alignment, confidence, scores (a yearly awards run has no OKRs of its own). */
function okrSections(d: DashboardPageData, w: CycleWords) {
  const { board } = d;
  const key = board.cycle.key;
  return html`<section aria-labelledby="al-h"><h2 id="al-h">${w.board.alignment}</h2>
<p>${w.board.coverage(`${Math.round(board.alignment.coverage * 100)}%`, board.alignment.linkedToStrategy, board.alignment.objectives)} ${w.board.notApproved(board.alignment.notApproved)}</p>
<p><a href="/console/cycles/${enc(key)}/alignment">${w.board.tree}</a></p></section>

<section aria-labelledby="cf-h"><h2 id="cf-h">${board.confidence.week ? w.board.confidence(board.confidence.week) : w.board.confidenceTitle}</h2>
${
  board.confidence.week
    ? histogram(
        board.confidence.counts,
        board.confidence.counts.map((_, i) => String(i + 1)),
        w.board.chartLabel(w.board.confidence(board.confidence.week)),
      )
    : html`<p class="muted">${w.board.noConfidence}</p>`
}</section>

<section aria-labelledby="sc-h"><h2 id="sc-h">${w.board.scores}</h2>
${
  board.scores.some((n) => n > 0)
    ? histogram(
        board.scores,
        board.scores.map((_, i) => (i / 10).toFixed(1)),
        w.board.chartLabel(w.board.scores),
        '#1a7f37',
      )
    : html`<p class="muted">${w.board.noScores}</p>`
}</section>`;
}
