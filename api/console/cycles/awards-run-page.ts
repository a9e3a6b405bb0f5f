/**
 * "Start a yearly awards run": the form (key, title, year, the cycles it looks at, length and
 * reminders) and the preview of its steps. Pure: data → HTML. The form posts to itself;
 * "Preview" shows what the run would cover and when each step is due, "Start" starts it with the
 * same body as POST /api/awards-runs.
 */
import { html, raw } from 'hono/html';
import { type Locale, type StartAwardsRunInput, startAwardsRunSchema } from '../../../contract';
import type { AwardsRunPreview } from '../../../core/awards-runs';
import type { CycleSummary } from '../../../core/cycles';
import { translateIssue } from '../../../i18n';
import { awardsRunWords } from '../../../i18n/awards-runs';
import { kindLabel } from '../../../kinds';
import { formatDue } from '../../../mail/templates/format';
import { CYCLES_CSS, field } from './start-page';

export const AWARDS_RUN_PATH = '/console/cycles/new-awards-run';

/** What the form holds, as posted (strings), so a refused form comes back as it was typed. */
export interface AwardsRunForm {
  key: string;
  title: string;
  year: string;
  timeZone: string;
  length: string;
  reminders: string;
  cycles: string[];
}

export function emptyAwardsRunForm(now = new Date()): AwardsRunForm {
  const year = String(now.getUTCFullYear());
  return { key: `awards-${year}`, title: '', year, timeZone: 'UTC', length: '21d', reminders: '3d, 1d', cycles: [] };
}

export function readAwardsRunForm(body: Record<string, string | File | (string | File)[]>): AwardsRunForm {
  const empty = emptyAwardsRunForm();
  const one = (k: Exclude<keyof AwardsRunForm, 'cycles'>) => {
    const v = body[k];
    const s = Array.isArray(v) ? v[0] : v;
    return typeof s === 'string' ? s.trim() : empty[k];
  };
  const ticked = body.cycles;
  const cycles = (Array.isArray(ticked) ? ticked : ticked === undefined ? [] : [ticked]).filter((c): c is string => typeof c === 'string');
  return {
    key: one('key'),
    title: one('title'),
    year: one('year'),
    timeZone: one('timeZone') || 'UTC',
    length: one('length'),
    reminders: one('reminders'),
    cycles,
  };
}

/** The start request the form describes, or the issues in the person's language. */
export function awardsRunInput(form: AwardsRunForm, locale: Locale): { input: StartAwardsRunInput } | { issues: string[] } {
  const candidate = {
    key: form.key,
    title: form.title,
    year: /^\d{1,4}$/.test(form.year) ? Number(form.year) : form.year,
    ...(form.cycles.length ? { cycles: form.cycles } : {}),
    schedule: { timeZone: form.timeZone, awards: form.length, reminders: form.reminders.split(/[,，\s]+/).filter(Boolean) },
  };
  const parsed = startAwardsRunSchema.safeParse(candidate);
  if (parsed.success) return { input: parsed.data };
  return { issues: parsed.error.issues.map((i) => refusalLine(locale, i.path.join('.'), translateIssue(locale, i))) };
}

/** One refused field as a line: the field's name in the person's language ("cycles.1" → "Cycles 2"), then why. */
export function refusalLine(locale: Locale, path: string, why: string): string {
  const w = awardsRunWords(locale);
  const parts = path.split('.').filter((p) => p !== 'schedule');
  const name = w.fields[parts[0] ?? ''] ?? path;
  const index = parts[1] !== undefined && /^\d+$/.test(parts[1]) ? ` ${Number(parts[1]) + 1}` : '';
  return w.badField(`${name}${index}`, why);
}

export interface AwardsRunPageData {
  locale: Locale;
  form: AwardsRunForm;
  /** Quarterly cycles HR can choose from (not cancelled), newest first. */
  cycles: CycleSummary[];
  issues: string[];
  preview: AwardsRunPreview | undefined;
}

export function awardsRunPageBody(d: AwardsRunPageData) {
  const w = awardsRunWords(d.locale);
  const f = d.form;
  return html`${CYCLES_CSS}<h1>${w.title}</h1><p class="muted">${w.intro}</p>
${d.issues.length ? html`<div class="banner" role="alert" id="form-errors"><ul>${d.issues.map((i) => html`<li>${i}</li>`)}</ul></div>` : ''}
${d.cycles.length ? '' : html`<p class="banner" role="status">${w.noCycles}</p>`}
<form method="post" action="${AWARDS_RUN_PATH}" class="card">
<div class="inline">${field('key', w.key, f.key, 'text', ' required maxlength="64" autocomplete="off"')}${field('title', w.name, f.title, 'text', ' required maxlength="200"')}</div>
<div class="inline">${field('year', w.year, f.year, 'number', ' required min="2000" max="2100"')}${field('timeZone', w.timeZone, f.timeZone, 'text', ' required')}${field('length', w.length, f.length, 'text', ' required')}</div>
<div class="inline">${field('reminders', w.reminders, f.reminders)}</div>
<fieldset><legend>${w.cycles}</legend><p class="muted small">${w.cyclesHint}</p>
<ul class="choices">${d.cycles.map(
    (c) =>
      html`<li><label class="check"><input type="checkbox" name="cycles" value="${c.key}"${f.cycles.includes(c.key) ? raw(' checked') : ''}> <span>${c.title} <span class="muted">(${c.key} · ${c.startsOn} – ${c.endsOn})</span></span></label></li>`,
  )}</ul>
</fieldset>
<p class="inline"><button type="submit" name="do" value="preview" class="secondary">${w.preview}</button>
<button type="submit" name="do" value="start"${d.preview ? raw(` data-confirm="${w.confirm(d.preview.participants)}"`) : ''}>${w.submit}</button></p>
</form>
${d.preview ? previewSection(d.preview, d.locale) : ''}`;
}

function previewSection(p: AwardsRunPreview, locale: Locale) {
  const w = awardsRunWords(locale);
  const when = (at: string) => formatDue(at, locale, p.timeZone);
  return html`<section aria-labelledby="preview-h" id="preview"><h2 id="preview-h">${w.previewHeading}</h2>
<p>${w.participants(p.participants)}</p>
<h3>${w.covers}</h3><ul>${p.covers.map((c) => html`<li><a href="/console/cycles/${encodeURIComponent(c.key)}">${c.title}</a> <span class="muted">(${c.startsOn} – ${c.endsOn})</span></li>`)}</ul>
<div class="table-wrap"><table class="stack"><thead><tr><th scope="col">${w.step}</th><th scope="col">${w.opens}</th><th scope="col">${w.due}</th></tr></thead><tbody>
${p.steps.map((s) => html`<tr><td>${capitalized(kindLabel(s.step, locale))}</td><td data-label="${w.opens}">${when(s.opensAt)}</td><td data-label="${w.due}">${when(s.dueAt)}</td></tr>`)}
</tbody></table></div></section>`;
}

const capitalized = (label: string) => label.charAt(0).toUpperCase() + label.slice(1);
