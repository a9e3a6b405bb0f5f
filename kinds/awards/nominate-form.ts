/**
 * nominate: up to 3 rows "nom<n>.objective" (an objective id) or "nom<n>.email" (a person),
 * each with "nom<n>.citation". Empty rows are dropped; no rows at all is a valid answer.
 */
import { html } from 'hono/html';
import type { FieldIssue, Locale } from '../../contract';
import { pageStrings } from '../../i18n/pages';
import type { KindContext } from '../types';
import { type FieldKit, type FormValues, formatNumber, numberOf, text } from '../../api/task-page/fields';
import { awardWords } from '../../i18n/awards';
import { type TaskForm, list, prop, scalar } from '../form';

export const NOMINATION_SLOTS = 3;
const FIELD_OF: Record<string, string> = { objectiveId: 'objective', personEmail: 'email', citation: 'citation' };

/**
 * The picker: a search by name and, for each person found, their objectives with scores and a
 * button that puts the person or an objective into the first empty row. Its buttons submit the
 * form by GET to the same link (kinds/awards/picker.ts reads it back), so it needs no JavaScript
 * and keeps what was typed; the submit button of the form stays the one that records.
 */
function picker(kit: FieldKit, context: KindContext) {
  const locale = kit.locale === 'zh-CN' ? 'zh-CN' : 'en';
  const w = awardWords(locale).picker;
  const found = context.nomineeSearch;
  const score = (s: number | null) => (s === null ? '' : html` <span class="ev-score">${w.score(formatNumber(s, locale))}</span>`);
  return html`<section class="picker" aria-labelledby="picker-h"><h2 id="picker-h">${w.title}</h2>
<div class="picker-search">${kit.input('q', w.query, { type: 'search', maxlength: 100, autocomplete: 'off' })}<button type="submit" class="secondary" formmethod="get" formnovalidate name="find" value="1">${w.search}</button></div>
${
  found && found.query
    ? html`<p class="muted" role="status">${w.results(found.results.length, found.query)}</p>
<ul class="picker-results">${found.results.map(
        (p) => html`<li><div><strong>${p.name}</strong>${p.department ? html` <span class="muted">${p.department}</span>` : ''}${score(p.score)}
<button type="submit" class="secondary" formmethod="get" formnovalidate name="pick" value="p:${p.personId}">${w.person(p.name)}</button></div>
${
  p.objectives.length
    ? html`<ul>${p.objectives.map(
        (o) =>
          html`<li>${o.title}${score(o.score)} <button type="submit" class="secondary" formmethod="get" formnovalidate name="pick" value="o:${o.objectiveId}" aria-label="${w.objective}: ${o.title}">${w.objective}</button></li>`,
      )}</ul>`
    : html`<p class="muted">${w.noObjectives}</p>`
}</li>`,
      )}</ul>`
    : ''
}</section>`;
}

export const nominateForm: TaskForm = {
  parse(values: FormValues, _context: KindContext, locale: Locale = 'en') {
    const w = pageStrings(locale).awards;
    const nominations: unknown[] = [];
    const slots: number[] = [];
    const issues: FieldIssue[] = [];
    for (let n = 0; n < NOMINATION_SLOTS; n++) {
      const p = `nom${n}`;
      const objective = text(values, `${p}.objective`);
      const email = text(values, `${p}.email`).toLowerCase();
      const citation = text(values, `${p}.citation`);
      if (!objective && !email && !citation) continue;
      if (objective && email) issues.push({ path: `${p}.email`, message: w.notBoth });
      if (!objective && !email) {
        issues.push({ path: `${p}.objective`, message: w.chooseOne });
        continue;
      }
      nominations.push(objective ? { objectiveId: numberOf(objective), citation } : { personEmail: email, citation });
      slots.push(n);
    }
    return {
      submission: { nominations },
      issues,
      fieldName(path) {
        const [head, index, field] = path.split('.');
        if (head !== 'nominations' || index === undefined) return 'form';
        const slot = slots[Number(index)];
        if (slot === undefined) return 'form';
        return `nom${slot}.${FIELD_OF[field ?? ''] ?? 'objective'}`;
      },
    };
  },

  toValues(submission) {
    const values: FormValues = {};
    list(submission, 'nominations')
      .slice(0, NOMINATION_SLOTS)
      .forEach((nomination, n) => {
        for (const [key, field] of Object.entries(FIELD_OF)) {
          const value = scalar(prop(nomination, key));
          if (value !== undefined) values[`nom${n}.${field}`] = value;
        }
      });
    return values;
  },

  fields(kit: FieldKit, context: KindContext) {
    const w = kit.s.awards;
    const people = context.people ?? [];
    const objectives = context.objectives.map((o) => ({ value: String(o.id), label: o.title }));
    const row = (n: number) => {
      const p = `nom${n}`;
      return html`<fieldset><legend>${kit.s.optional(w.nomination(n + 1))}</legend>
  <div class="pair">
    <div>${kit.select(`${p}.objective`, w.objective, objectives, { placeholder: w.none })}</div>
    <div>${kit.input(`${p}.email`, w.orPerson, { type: 'email', maxlength: 254, autocomplete: 'off', list: people.length ? 'people' : undefined })}</div>
  </div>
  ${kit.textarea(`${p}.citation`, w.citation, { maxlength: 2000, rows: 3 })}
</fieldset>`;
    };
    return html`${picker(kit, context)}${Array.from({ length: NOMINATION_SLOTS }, (_, n) => row(n))}${
      people.length ? html`<datalist id="people">${people.map((p) => html`<option value="${p.email}">${p.name}</option>`)}</datalist>` : ''
    }`;
  },
};
