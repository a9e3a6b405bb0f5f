/**
 * The drafting form (draft and strategy) as flat HTML fields ("o0.title", "o0.kr1.target", …)
 * and back. Empty slots are dropped before validation; `fieldName` maps a schema path of the
 * compacted draft back to the input it came from, so errors land next to the right field.
 */
import { type FormValues, numberOf as num } from '../../api/task-page/fields';

export type { FormValues };

export const OBJECTIVE_SLOTS = 5;
export const KEY_RESULT_SLOTS = 5;

export interface ParsedDraftForm {
  /** The draft as the schema expects it (numbers parsed, empty slots dropped). */
  draft: unknown;
  /** Schema path ("objectives.1.keyResults.0.target") → form field name ("o2.kr0.target"). */
  fieldName(path: string): string;
}

const str = (v: FormValues, k: string) => (v[k] ?? '').trim();

/** `parents: false` (strategy: company objectives align to nothing) ignores any "oN.parent" field. */
export function parseDraftForm(values: FormValues, options: { parents?: boolean } = {}): ParsedDraftForm {
  const withParents = options.parents ?? true;
  const objectiveSlots: number[] = [];
  const krSlots: number[][] = [];
  const objectives: unknown[] = [];
  for (let o = 0; o < OBJECTIVE_SLOTS; o++) {
    const title = str(values, `o${o}.title`);
    const keyResults: unknown[] = [];
    const slots: number[] = [];
    for (let k = 0; k < KEY_RESULT_SLOTS; k++) {
      const p = `o${o}.kr${k}`;
      const krTitle = str(values, `${p}.title`);
      if (!krTitle) continue;
      const kind = str(values, `${p}.kind`) || 'numeric';
      const kr: Record<string, unknown> = { kind, title: krTitle };
      if (kind !== 'milestone') {
        const start = num(str(values, `${p}.start`));
        const target = num(str(values, `${p}.target`));
        if (start !== undefined) kr.start = start;
        if (target !== undefined) kr.target = target;
      }
      if (kind === 'numeric') kr.unit = str(values, `${p}.unit`);
      keyResults.push(kr);
      slots.push(k);
    }
    if (!title && keyResults.length === 0) continue;
    const parent = withParents ? str(values, `o${o}.parent`) : '';
    objectives.push({ title, keyResults, ...(parent ? { parentObjectiveId: num(parent) } : {}) });
    objectiveSlots.push(o);
    krSlots.push(slots);
  }
  return {
    draft: { objectives },
    fieldName(path) {
      const parts = path.split('.');
      if (parts[0] !== 'objectives' || parts.length < 2) return 'form';
      const oi = Number(parts[1]);
      const o = objectiveSlots[oi] ?? oi;
      if (parts.length === 2) return `o${o}`;
      if (parts[2] === 'parentObjectiveId') return `o${o}.parent`;
      if (parts[2] !== 'keyResults') return `o${o}.${parts[2]}`;
      if (parts.length === 3) return `o${o}.krs`;
      const k = krSlots[oi]?.[Number(parts[3])] ?? Number(parts[3]);
      return parts.length === 4 ? `o${o}.kr${k}` : `o${o}.kr${k}.${parts[4]}`;
    },
  };
}

/** The form fields that show an existing draft (to pre-fill a page). */
export function draftToFormValues(draft: unknown): FormValues {
  const values: FormValues = {};
  const objectives = (draft as { objectives?: unknown[] } | null)?.objectives ?? [];
  objectives.slice(0, OBJECTIVE_SLOTS).forEach((raw, o) => {
    const obj = raw as { title?: string; parentObjectiveId?: number; keyResults?: Record<string, unknown>[] };
    values[`o${o}.title`] = obj.title ?? '';
    if (obj.parentObjectiveId !== undefined) values[`o${o}.parent`] = String(obj.parentObjectiveId);
    (obj.keyResults ?? []).slice(0, KEY_RESULT_SLOTS).forEach((kr, k) => {
      for (const f of ['title', 'kind', 'start', 'target', 'unit']) {
        if (kr[f] !== undefined && kr[f] !== null) values[`o${o}.kr${k}.${f}`] = String(kr[f]);
      }
    });
  });
  return values;
}
