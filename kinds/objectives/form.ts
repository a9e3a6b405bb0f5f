/**
 * draft and strategy: objectives with key results ("o0.title", "o0.parent", "o0.kr1.target", …).
 * The page starts with one objective of two key results; people add and remove objectives and
 * key results (api/task-page/rows.ts). Each key result shows the fields its kind uses: a number
 * has start, target and unit; a percentage start and target; a milestone neither.
 */
import { html } from 'hono/html';
import type { KindContext } from '../types';
import { draftToFormValues, parseDraftForm } from './draft-form';
import { type FieldKit, type FormValues, numbered } from '../../api/task-page/fields';
import { type RowsSpec, rowCount, rowsBlock } from '../../api/task-page/rows';
import type { TaskForm } from '../form';
import { KEY_RESULT_SLOTS, OBJECTIVE_SLOTS } from './draft-form';

const OBJECTIVES: RowsSpec = { base: 'o', min: 1, max: OBJECTIVE_SLOTS, initial: 1 };
const keyResultsOf = (o: number): RowsSpec => ({ base: `o${o}.kr`, min: 1, max: KEY_RESULT_SLOTS, initial: 2 });

/** Which kinds use a field: shown for these, hidden (and ignored) for the others. */
const USED_BY = { start: 'numeric percent', target: 'numeric percent', unit: 'numeric' } as const;

function objectivesFields(kit: FieldKit, context: KindContext, withParents: boolean) {
  const { s, errs } = kit;
  const w = s.objectives;
  const keyResult = (p: string, k: number, remove: unknown) => {
    const kind = kit.v(`${p}.kind`) || 'numeric';
    kit.labels.set(p, w.keyResult(k + 1));
    const field = (f: keyof typeof USED_BY, label: string, attrs: Record<string, string | number>) =>
      html`<div data-kinds="${USED_BY[f]}"${USED_BY[f].split(' ').includes(kind) ? '' : html` hidden`}>${kit.input(`${p}.${f}`, label, attrs)}</div>`;
    return html`<div class="kr" data-row="${p}" id="${p}">
  <div>${kit.input(`${p}.title`, numbered(w.keyResult('#'), k + 1), { placeholder: k === 0 ? w.measuredBy : '', maxlength: 200 })}</div>
  <div>${kit.select(
    `${p}.kind`,
    w.measure,
    [
      { value: 'numeric', label: w.numeric },
      { value: 'percent', label: w.percent },
      { value: 'milestone', label: w.milestone },
    ],
    { 'data-kind': true },
  )}</div>
  ${field('start', w.start, { inputmode: 'decimal' })}
  ${field('target', w.target, { inputmode: 'decimal' })}
  ${field('unit', w.unit, { maxlength: 20 })}
  <div>${remove}</div>
  ${kit.invalid(p) ? html`<div class="rowerr">${errs(p)}</div>` : ''}
</div>`;
  };
  const objective = (o: number, prefix: string, remove: unknown) => {
    const parent = withParents
      ? kit.select(
          `${prefix}.parent`,
          w.alignedTo,
          context.parents.map((p) => ({ value: String(p.id), label: w.parentOption(p.owner, p.title) })),
          { placeholder: w.notAligned },
        )
      : '';
    const spec = keyResultsOf(o);
    kit.labels.set(prefix, w.objective(o + 1));
    return html`<fieldset class="objective${kit.invalid(prefix) ? ' invalid' : ''}" data-row="${prefix}" id="${prefix}"><legend data-num="${w.objective('#')}">${w.objective(o + 1)}</legend>
  ${errs(prefix)}
  ${kit.input(`${prefix}.title`, w.achieve, { maxlength: 200 })}
  ${parent}
  ${rowsBlock({
    spec,
    count: rowCount(kit.values, spec, kit.errorNames()),
    addLabel: w.addKeyResult,
    removeLabel: w.remove,
    id: `${prefix}.krs`,
    row: (k, p, removeKr) => keyResult(p, k, removeKr),
  })}${errs(`${prefix}.krs`)}
  <p>${remove}</p>
</fieldset>`;
  };
  return rowsBlock({
    spec: OBJECTIVES,
    count: rowCount(kit.values, OBJECTIVES, kit.errorNames()),
    addLabel: w.addObjective,
    removeLabel: w.removeObjective,
    row: objective,
  });
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
