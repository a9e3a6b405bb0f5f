/** draft and strategy: objectives with key results ("o0.title", "o0.parent", "o0.kr1.target", …). */
import { html, raw } from 'hono/html';
import type { KindContext } from '../types';
import { KEY_RESULT_SLOTS, OBJECTIVE_SLOTS, draftToFormValues, parseDraftForm } from './draft-form';
import type { FieldKit, FormValues } from '../../api/task-page/fields';
import type { TaskForm } from '../form';

function objectivesFields(kit: FieldKit, context: KindContext, withParents: boolean) {
  const { s, errs } = kit;
  const w = s.objectives;
  const keyResult = (o: number, k: number) => {
    const p = `o${o}.kr${k}`;
    return html`<div class="kr">
  <div>${kit.input(`${p}.title`, w.keyResult(k + 1), { placeholder: k === 0 ? w.measuredBy : '', maxlength: 200 })}</div>
  <div>${kit.select(`${p}.kind`, w.measure, [
    { value: 'numeric', label: w.numeric },
    { value: 'percent', label: w.percent },
    { value: 'milestone', label: w.milestone },
  ])}</div>
  <div>${kit.input(`${p}.start`, w.start, { inputmode: 'decimal' })}</div>
  <div>${kit.input(`${p}.target`, w.target, { inputmode: 'decimal' })}</div>
  <div>${kit.input(`${p}.unit`, w.unit, { maxlength: 20 })}</div>
</div>${errs(p)}`;
  };
  const objective = (o: number) => {
    const parent = withParents
      ? kit.select(
          `o${o}.parent`,
          w.alignedTo,
          context.parents.map((p) => ({ value: String(p.id), label: `${p.owner}: ${p.title}` })),
          { placeholder: w.notAligned },
        )
      : '';
    const fields = html`<fieldset><legend>${w.objective(o + 1)}</legend>
  ${kit.input(`o${o}.title`, w.achieve, { maxlength: 200 })}${errs(`o${o}`)}
  ${parent}
  ${Array.from({ length: KEY_RESULT_SLOTS }, (_, k) => keyResult(o, k))}${errs(`o${o}.krs`)}
</fieldset>`;
    return o === 0 ? fields : html`<details${kit.touched(`o${o}.`) || kit.invalid(`o${o}`) ? raw(' open') : ''}><summary>${s.optional(w.objective(o + 1))}</summary>${fields}</details>`;
  };
  return html`${Array.from({ length: OBJECTIVE_SLOTS }, (_, o) => objective(o))}`;
}

function objectivesForm(withParents: boolean): TaskForm {
  return {
    parse(values: FormValues) {
      const parsed = parseDraftForm(values, { parents: withParents });
      return { submission: parsed.draft, issues: [], fieldName: parsed.fieldName };
    },
    toValues(submission) {
      const values = draftToFormValues(submission);
      if (!withParents) for (const k of Object.keys(values)) if (k.endsWith('.parent')) delete values[k];
      return values;
    },
    fields: (kit, context) => objectivesFields(kit, context, withParents),
  };
}

/** A participant's draft: each objective may align to a company or manager objective. */
export const draftForm = objectivesForm(true);
/** The company's draft: the same form without "aligned to". */
export const strategyForm = objectivesForm(false);
