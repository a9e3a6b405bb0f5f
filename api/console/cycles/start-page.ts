/**
 * "Start a cycle": the form (dates, time zone, schedule, participants) and the preview of the
 * whole cycle under it. Pure: data → HTML. The form posts to itself; "Preview" renders the plan,
 * "Start" starts the cycle with the same body as POST /api/cycles.
 */
import { html, raw } from 'hono/html';
import { type Locale, PLANNING_PHASES, type PlanningPhase, type StartCycleInput, type TaskKind, fitIssues, startCycleSchema } from '../../../contract';
import type { CyclePreview } from '../../../core/cycle-preview';
import { translateIssue } from '../../../i18n';
import { kindLabel } from '../../../kinds';
import { spanIn } from '../../../i18n/validation';
import { type CycleWords, cycleWordsFor } from '../../../i18n/console-cycles';
import { formatDue } from '../../../mail/templates/format';
import { awardsRunWords } from '../../../i18n/awards-runs';
import { dayBars, timeline } from './charts';

/** The cycle pages' own stylesheet (a body link: the console frame links only its own). */
export const CYCLES_CSS = html`<link rel="stylesheet" href="/console/assets/cycles.css">`;

/** What the form holds, as posted (strings), so a refused form comes back as it was typed. */
export interface StartForm {
  key: string;
  title: string;
  startsOn: string;
  endsOn: string;
  timeZone: string;
  strategy: string;
  drafting: string;
  review: string;
  weekday: string;
  hour: string;
  window: string;
  scoring: string;
  awards: string;
  /** No awards phase: the awards are chosen in a yearly awards run. */
  noAwards: boolean;
  reminders: string;
  fit: boolean;
  /** Planning opens when the cycle starts instead of at its planned dates before startsOn. */
  atOnce: boolean;
  who: 'all' | 'departments';
  departments: string[];
}

export const EMPTY_FORM: StartForm = {
  key: '',
  title: '',
  startsOn: '',
  endsOn: '',
  timeZone: 'UTC',
  strategy: '5d',
  drafting: '7d',
  review: '5d',
  weekday: '1',
  hour: '10',
  window: '2d',
  scoring: '7d',
  awards: '9d',
  noAwards: false,
  reminders: '3d, 1d',
  fit: false,
  atOnce: false,
  who: 'all',
  departments: [],
};

/** Reads the posted form (every field a string; absent ones from the defaults). */
export function readStartForm(body: Record<string, string | File | (string | File)[]>): StartForm {
  const one = (k: keyof StartForm) => {
    const v = body[k];
    const s = Array.isArray(v) ? v[0] : v;
    return typeof s === 'string' ? s.trim() : String(EMPTY_FORM[k]);
  };
  const deps = body.departments;
  const departments = (Array.isArray(deps) ? deps : deps === undefined ? [] : [deps]).filter((d): d is string => typeof d === 'string');
  return {
    key: one('key'),
    title: one('title'),
    startsOn: one('startsOn'),
    endsOn: one('endsOn'),
    timeZone: one('timeZone') || 'UTC',
    ...(Object.fromEntries(PLANNING_PHASES.map((p) => [p, one(p)])) as Record<PlanningPhase, string>),
    weekday: one('weekday'),
    hour: one('hour'),
    window: one('window'),
    scoring: one('scoring'),
    awards: one('awards'),
    noAwards: body.noAwards === 'on',
    reminders: one('reminders'),
    fit: body.fit === 'on',
    atOnce: body.atOnce === 'on',
    who: body.who === 'departments' ? 'departments' : 'all',
    departments,
  };
}

/** The start request the form describes (participants resolved by the caller), or the issues in the person's language. */
export function startInput(form: StartForm, participants: string[] | undefined, locale: Locale): { input: StartCycleInput } | { issues: string[] } {
  const num = (s: string) => (s === '' ? undefined : Number(s));
  const candidate = {
    key: form.key,
    title: form.title,
    startsOn: form.startsOn,
    endsOn: form.endsOn,
    ...(participants ? { participants } : {}),
    schedule: {
      timeZone: form.timeZone,
      strategy: form.strategy,
      drafting: form.drafting,
      review: form.review,
      checkIns: { weekday: num(form.weekday), hour: num(form.hour), window: form.window },
      scoring: form.scoring,
      awards: form.noAwards ? false : form.awards,
      reminders: form.reminders.split(/[,，\s]+/).filter(Boolean),
      ...(form.fit ? { fitBeforeStart: true } : {}),
      ...(form.atOnce ? { planning: 'at-once' as const } : {}),
    },
  };
  const parsed = startCycleSchema.safeParse(candidate);
  const say = (i: Parameters<typeof translateIssue>[1]) => cycleWordsFor(locale).start.badField(i.path.join('.'), translateIssue(locale, i));
  if (!parsed.success) return { issues: parsed.error.issues.map(say) };
  // The calendar's rule that depends on today (planning that must fit before startsOn), worded by its code.
  const late = fitIssues({ startsOn: parsed.data.startsOn, endsOn: parsed.data.endsOn, schedule: parsed.data.schedule, startedAt: new Date().toISOString() });
  return late.length ? { issues: late.map(say) } : { input: parsed.data };
}

export const field = (name: string, label: string, value: string, type = 'text', extra = '') =>
  html`<div><label for="f-${name}">${label}</label><input id="f-${name}" name="${name}" type="${type}" value="${value}"${raw(extra)}></div>`;

export interface StartPageData {
  locale: Locale;
  form: StartForm;
  departments: { department: string; people: number }[];
  everyone: number;
  issues: string[];
  preview: CyclePreview | undefined;
}

export function startPageBody(d: StartPageData) {
  const w = cycleWordsFor(d.locale);
  const f = d.form;
  const participantsCount = d.preview?.audience.participants ?? d.everyone;
  return html`${CYCLES_CSS}<h1>${w.start.title}</h1><p class="muted">${w.start.intro}</p>
${d.issues.length ? html`<div class="banner" role="alert" id="form-errors"><ul>${d.issues.map((i) => html`<li>${i}</li>`)}</ul></div>` : ''}
<form method="post" action="/console/cycles/new" class="card">
<div class="inline">${field('key', w.start.key, f.key, 'text', ' required maxlength="64" autocomplete="off"')}${field('title', w.start.name, f.title, 'text', ' required maxlength="200"')}</div>
<div class="inline">${field('startsOn', w.start.startsOn, f.startsOn, 'date', ' required')}${field('endsOn', w.start.endsOn, f.endsOn, 'date', ' required')}${field('timeZone', w.start.timeZone, f.timeZone, 'text', ' required')}</div>
<fieldset><legend>${w.start.schedule}</legend>
<div class="inline">${PLANNING_PHASES.map((p) => field(p, w.start[p], f[p]))}</div>
<div class="inline"><div><label for="f-weekday">${w.start.weekday}</label><select id="f-weekday" name="weekday">${w.start.weekdays.map(
    (name, i) => html`<option value="${i + 1}"${String(i + 1) === f.weekday ? raw(' selected') : ''}>${name}</option>`,
  )}</select></div>${field('hour', w.start.hour, f.hour, 'number', ' min="0" max="23"')}${field('window', w.start.window, f.window)}</div>
<div class="inline">${field('scoring', w.start.scoring, f.scoring)}${field('awards', w.start.awards, f.awards)}${field('reminders', w.start.reminders, f.reminders)}</div>
<label class="check"><input type="checkbox" name="noAwards"${f.noAwards ? raw(' checked') : ''}> ${awardsRunWords(d.locale).noAwards}</label>
<label class="check"><input type="checkbox" name="fit"${f.fit ? raw(' checked') : ''}> ${w.start.fit}</label>
<label class="check"><input type="checkbox" name="atOnce"${f.atOnce ? raw(' checked') : ''}> ${w.start.atOnce}</label>
</fieldset>
<fieldset><legend>${w.start.participants}</legend>
<label class="check"><input type="radio" name="who" value="all"${f.who === 'all' ? raw(' checked') : ''}> ${w.start.everyone} (${w.start.people(d.everyone)})</label>
<label class="check"><input type="radio" name="who" value="departments"${f.who === 'departments' ? raw(' checked') : ''}> ${w.start.departments}</label>
<ul class="choices">${d.departments.map(
    (dep) =>
      html`<li><label class="check"><input type="checkbox" name="departments" value="${dep.department}"${f.departments.includes(dep.department) ? raw(' checked') : ''}> ${dep.department} (${w.start.people(dep.people)})</label></li>`,
  )}</ul>
</fieldset>
<p class="inline"><button type="submit" name="do" value="preview" class="secondary">${w.start.preview}</button>
<button type="submit" name="do" value="start" data-confirm="${w.start.confirmStart(participantsCount)}">${w.start.submit}</button></p>
</form>
${d.preview ? previewSection(d.preview, d.locale, w) : ''}`;
}

/** The preview: a picture of the phases, then every date and how many emails on each day. */
export function previewSection(p: CyclePreview, locale: Locale, w: CycleWords = cycleWordsFor(locale)) {
  const when = (at: string) => formatDue(at, locale, p.timeZone);
  const now = Date.parse(p.phases[0]?.opensAt ?? new Date().toISOString());
  const kindWord = (k: TaskKind | undefined) => (k ? kindLabel(k, locale) : '');
  const what = (e: CyclePreview['events'][number]) =>
    e.type === 'invite'
      ? w.preview.event.invite(kindWord(e.kind))
      : e.type === 'reminder'
        ? w.preview.event.reminder(kindWord(e.kind))
        : e.type === 'escalation'
          ? w.preview.event.escalation(kindWord(e.kind), w.preview.to[e.to ?? 'manager'] ?? '')
          : e.type === 'digest'
            ? w.preview.event.digest
            : w.preview.event.announcement;
  return html`<section aria-labelledby="preview-h" id="preview"><h2 id="preview-h">${w.preview.heading}</h2>
<p class="${p.planningFits ? 'ok' : 'banner'}">${p.planningFits ? w.preview.planningFits : w.preview.planningLate(spanIn(locale, p.planningLateByMs))} ${w.preview.audience(p.audience.participants, p.audience.managers)}</p>
<p>${w.preview.totals(p.totals.certain, p.totals.atMost)}</p>
${timeline(
  p.phases.map((ph) => ({ label: w.phase[ph.phase], start: Date.parse(ph.opensAt), end: Date.parse(ph.dueAt), state: 'pending' as const })),
  now,
  w.board.today,
  w.board.chartLabel(w.board.timeline),
)}
<h3>${w.preview.phases}</h3>
<div class="table-wrap"><table class="stack"><thead><tr><th scope="col">${w.preview.phases}</th><th scope="col">${w.preview.opens}</th><th scope="col">${w.preview.due}</th></tr></thead><tbody>
${p.phases.map((ph) => html`<tr><td>${w.phase[ph.phase]}</td><td data-label="${w.preview.opens}">${when(ph.opensAt)}</td><td data-label="${w.preview.due}">${when(ph.dueAt)}</td></tr>`)}
</tbody></table></div>
<h3>${w.preview.perDay}</h3>
${dayBars(p.emailsByDay, w.board.chartLabel(w.preview.perDay))}
<details><summary>${w.preview.weeks} (${p.checkinWeeks.length})</summary>
<div class="table-wrap"><table class="stack"><thead><tr><th scope="col">${w.preview.weeks}</th><th scope="col">${w.preview.opens}</th><th scope="col">${w.preview.due}</th></tr></thead><tbody>
${p.checkinWeeks.map((wk) => html`<tr><td>${w.preview.week(wk.week)}</td><td data-label="${w.preview.opens}">${when(wk.opensAt)}</td><td data-label="${w.preview.due}">${when(wk.dueAt)}</td></tr>`)}
</tbody></table></div></details>
<details><summary>${w.preview.perDay} (${p.emailsByDay.length})</summary>
<div class="table-wrap"><table class="stack"><thead><tr><th scope="col">${w.preview.day}</th><th scope="col">${w.preview.certain}</th><th scope="col">${w.preview.atMost}</th></tr></thead><tbody>
${p.emailsByDay.map((d) => html`<tr><td>${d.day}</td><td data-label="${w.preview.certain}">${d.certain}</td><td data-label="${w.preview.atMost}">${d.atMost}</td></tr>`)}
</tbody></table></div></details>
<details><summary>${w.preview.events} (${p.events.length})</summary>
<div class="table-wrap"><table class="stack"><thead><tr><th scope="col">${w.preview.when}</th><th scope="col">${w.preview.what}</th><th scope="col">${w.preview.emails}</th></tr></thead><tbody>
${p.events.map((e) => html`<tr><td>${when(e.at)}</td><td data-label="${w.preview.what}">${what(e)}${e.week ? ` · ${w.preview.week(e.week)}` : ''}</td><td data-label="${w.preview.emails}">${e.atMost ? `≤ ${e.emails}` : e.emails}</td></tr>`)}
</tbody></table></div></details></section>`;
}
