/** The smaller cycle pages (pure: data → HTML): the list, a control's confirmation, the alignment tree. */
import { html, raw } from 'hono/html';
import type { HtmlEscapedString } from 'hono/utils/html';
import type { Locale, Phase } from '../../../contract';
import type { AlignmentTree, TreeNode } from '../../../core/cycle-dashboard';
import type { CycleSummary } from '../../../core/cycles';
import { cycleWordsFor } from '../../../i18n/console-cycles';
import { CYCLES_CSS } from './start-page';
import { AWARDS_RUN_PATH } from './awards-run-page';
import { awardsRunWords } from '../../../i18n/awards-runs';

const enc = encodeURIComponent;

export function listBody(cycles: CycleSummary[], locale: Locale) {
  const w = cycleWordsFor(locale);
  const rw = awardsRunWords(locale);
  return html`${CYCLES_CSS}<h1>${w.list.title}</h1><p class="inline"><a class="button" href="/console/cycles/new">${w.list.start}</a> <a class="button secondary" href="${AWARDS_RUN_PATH}">${rw.start}</a></p>
${
  cycles.length
    ? html`<div class="table-wrap"><table class="stack"><thead><tr><th scope="col">${w.list.name}</th><th scope="col">${w.list.key}</th><th scope="col">${w.list.dates}</th><th scope="col">${w.list.status}</th><th scope="col">${w.list.participants}</th></tr></thead><tbody>
${cycles.map(
  (c) =>
    html`<tr><td><a href="/console/cycles/${enc(c.key)}">${c.title}</a>${c.kind === 'awards-run' ? html` <span class="tag">${rw.kind}</span>` : ''}</td><td data-label="${w.list.key}">${c.key}</td><td data-label="${w.list.dates}">${c.startsOn} – ${c.endsOn}</td><td data-label="${w.list.status}">${w.status[c.status] ?? c.status}</td><td data-label="${w.list.participants}">${c.participantCount}</td></tr>`,
)}</tbody></table></div>`
    : html`<p class="muted">${w.list.none}</p>`
}`;
}

export type ControlAction = 'advance' | 'extend' | 'cancel' | 'end-week';

export interface ConfirmData {
  locale: Locale;
  key: string;
  title: string;
  action: ControlAction;
  phase: Phase;
  openTasks: number;
  participants: number;
  /** A refused try comes back with its reason. */
  error?: string;
  /** end-week: the check-in week it ends, and when the next one opens (formatted), if known. */
  week?: number;
  nextWeekOpens?: string;
  /** advance of a planning phase still waiting for its date (formatted): when it would open, and its due time. */
  waiting?: { opensAt: string; dueAt: string };
}

/** What the control will do, in words, and the form that does it. */
export function confirmBody(d: ConfirmData) {
  const w = cycleWordsFor(d.locale);
  const phase = w.phase[d.phase];
  if (d.action === 'end-week') return endWeekBody(d);
  const says =
    d.action === 'advance' && d.waiting
      ? w.confirm.openNow(phase, d.waiting.opensAt, d.waiting.dueAt)
      : d.action === 'advance'
        ? w.confirm.advance(phase, d.openTasks)
        : d.action === 'extend'
          ? w.confirm.extend(phase, d.openTasks)
          : w.confirm.cancel(d.participants, d.openTasks);
  const heading =
    d.action === 'advance'
      ? d.waiting
        ? w.board.openNow(phase, d.waiting.opensAt)
        : w.board.advance(phase)
      : d.action === 'extend'
        ? w.board.extendPhase(phase)
        : w.board.cancel;
  return html`${CYCLES_CSS}<h1>${heading}</h1><p class="muted">${d.title}</p>
${d.error ? html`<p class="banner" role="alert">${d.error}</p>` : ''}
<p class="card">${says}</p>
<form method="post" action="/console/cycles/${enc(d.key)}/${d.action}" class="card">
<input type="hidden" name="phase" value="${d.phase}">
${d.action === 'extend' ? html`<label for="until">${w.confirm.until}</label><input id="until" name="until" type="datetime-local" required>` : ''}
${d.action === 'cancel' ? html`<label for="reason">${w.confirm.reason}</label><textarea id="reason" name="reason" required minlength="3" maxlength="500"></textarea>` : ''}
<p class="inline"><button type="submit"${d.action === 'cancel' ? raw(' class="danger"') : ''}>${w.confirm.go}</button> <a href="/console/cycles/${enc(d.key)}">${w.confirm.back}</a></p>
</form>`;
}

/** Ending one check-in week (not the phase): what it does, and the form that does it. */
function endWeekBody(d: ConfirmData) {
  const w = cycleWordsFor(d.locale);
  const week = d.week ?? 1;
  return html`${CYCLES_CSS}<h1>${w.board.endWeek(week)}</h1><p class="muted">${d.title}</p>
${d.error ? html`<p class="banner" role="alert">${d.error}</p>` : ''}
<p class="card">${w.confirm.endWeek(week, d.openTasks, d.nextWeekOpens ?? null)}</p>
<form method="post" action="/console/cycles/${enc(d.key)}/end-week" class="card">
<input type="hidden" name="phase" value="checkins">
<p class="inline"><button type="submit">${w.confirm.go}</button> <a href="/console/cycles/${enc(d.key)}">${w.confirm.back}</a></p>
</form>`;
}

/** Children shown per objective; the rest are counted. */
export const TREE_CHILDREN = 50;

export function treeBody(key: string, title: string, tree: AlignmentTree, locale: Locale) {
  const w = cycleWordsFor(locale);
  const node = (n: TreeNode, depth: number): HtmlEscapedString | Promise<HtmlEscapedString> => {
    const label = html`${n.title}${n.owner ? html` <span class="muted small">— ${n.owner.name}${n.owner.isManager ? html` <span class="tag">${w.tree.manager}</span>` : ''}</span>` : ''}`;
    if (!n.children.length) return html`<li>${label}</li>`;
    const shown = n.children.slice(0, TREE_CHILDREN);
    const rest = n.children.length - shown.length;
    return html`<li><details${depth < 1 ? ' open' : ''}><summary>${label} (${n.children.length})</summary><ul>${shown.map((c) => node(c, depth + 1))}${rest > 0 ? html`<li class="muted">${w.tree.more(rest)}</li>` : ''}</ul></details></li>`;
  };
  const list = (nodes: TreeNode[]) => (nodes.length ? html`<ul>${nodes.map((n) => node(n, 0))}</ul>` : html`<p class="muted">${w.tree.none}</p>`);
  return html`${CYCLES_CSS}<h1>${w.tree.title}</h1><p class="muted">${title} · <a href="/console/cycles/${enc(key)}">${w.confirm.back}</a></p><p>${w.tree.intro}</p>
<p>${w.board.coverage(`${tree.objectives ? Math.round((tree.aligned / tree.objectives) * 100) : 0}%`, tree.aligned, tree.objectives)}</p>
<h2>${w.tree.company}</h2>${list(tree.company)}
<h2>${w.tree.unaligned}</h2><div class="banner">${list(tree.unaligned)}</div>`;
}
