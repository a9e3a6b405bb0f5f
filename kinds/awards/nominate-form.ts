/**
 * nominate: up to 3 rows "nom<n>.objective" (an objective id) or "nom<n>.email" (a person),
 * each with "nom<n>.citation". Empty rows are dropped; no rows at all is a valid answer.
 */
import { html } from 'hono/html';
import type { FieldIssue, Locale } from '../../contract';
import { pageStrings } from '../../i18n/pages';
import type { KindContext } from '../types';
import { type FieldKit, type FormValues, numberOf, text } from '../../api/task-page/fields';
import { type TaskForm, list, prop, scalar } from '../form';

export const NOMINATION_SLOTS = 3;
const FIELD_OF: Record<string, string> = { objectiveId: 'objective', personEmail: 'email', citation: 'citation' };

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
    return html`${Array.from({ length: NOMINATION_SLOTS }, (_, n) => row(n))}${
      people.length ? html`<datalist id="people">${people.map((p) => html`<option value="${p.email}">${p.name}</option>`)}</datalist>` : ''
    }`;
  },
};
