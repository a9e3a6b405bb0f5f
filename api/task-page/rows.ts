/**
 * Rows a person can add and remove (objectives, key results, execution items) without
 * JavaScript and better with it. A block of rows has a base name ("o0.kr"): its rows are
 * "o0.kr0", "o0.kr1", … and a hidden "o0.kr.count" says how many are shown. Its buttons are plain
 * submit buttons named "action" ("add:o0.kr", "remove:o0.kr1"): without JavaScript the route
 * re-renders the page with the row added or removed (`editRows`), the other values kept; with
 * JavaScript /assets/task-page.js does the same in place, on the same markup.
 */
import { html } from 'hono/html';
import type { FormValues, Piece } from './fields';

export interface RowsSpec {
  /** "o" for objectives, "o0.kr" for the first objective's key results, "item" for execution items. */
  base: string;
  min: number;
  max: number;
  /** Rows shown when nothing says otherwise. */
  initial: number;
}

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const countField = (base: string) => `${base}.count`;

/** Matches field names of a row of the block: group 1 is the row index, group 2 the rest. */
const rowKey = (base: string) => new RegExp(`^${escapeRe(base)}(\\d+)((?:\\..*)?)$`);

/** How many rows to show: the count field, at least every row with a value, within min and max. */
export function rowCount(values: FormValues, spec: RowsSpec, errorNames: Iterable<string> = []): number {
  const explicit = Number.parseInt(values[countField(spec.base)] ?? '', 10);
  let count = Number.isFinite(explicit) ? explicit : spec.initial;
  const re = rowKey(spec.base);
  const used = (name: string) => {
    const m = re.exec(name);
    if (m) count = Math.max(count, Number(m[1]) + 1);
  };
  for (const [name, value] of Object.entries(values)) if (value.trim() !== '') used(name);
  for (const name of errorNames) used(name);
  return Math.min(spec.max, Math.max(spec.min, count));
}

/**
 * A posted "action" applied to the values: "add:<base>" shows one more row, "remove:<row>" drops
 * the row and moves the later ones up. Null when the action is not one of these.
 */
export function editRows(values: FormValues, action: string): FormValues | null {
  const add = /^add:([A-Za-z][\w.]*)$/.exec(action);
  if (add) {
    const base = add[1]!;
    const current = Number.parseInt(values[countField(base)] ?? '', 10);
    const count = Math.max(Number.isFinite(current) ? current : 0, highestRow(values, base) + 1);
    return { ...withoutAction(values), [countField(base)]: String(count + 1) };
  }
  const remove = /^remove:([A-Za-z][\w.]*?)(\d+)$/.exec(action);
  if (remove) {
    const base = remove[1]!;
    const index = Number(remove[2]);
    const re = rowKey(base);
    const next: FormValues = {};
    for (const [name, value] of Object.entries(withoutAction(values))) {
      const m = re.exec(name);
      if (!m) next[name] = value;
      else if (Number(m[1]) < index) next[name] = value;
      else if (Number(m[1]) > index) next[`${base}${Number(m[1]) - 1}${m[2]}`] = value;
    }
    const current = Number.parseInt(values[countField(base)] ?? '', 10);
    const count = Math.max(Number.isFinite(current) ? current : 0, highestRow(values, base) + 1);
    next[countField(base)] = String(Math.max(0, count - 1));
    return next;
  }
  return null;
}

/** The row an "add:<base>" action just made ("o0.kr2"), to put the focus in; undefined for other actions. */
export function addedRow(edited: FormValues, action: string): string | undefined {
  const add = /^add:([A-Za-z][\w.]*)$/.exec(action);
  if (!add) return undefined;
  const count = Number.parseInt(edited[countField(add[1]!)] ?? '', 10);
  return Number.isFinite(count) && count > 0 ? `${add[1]}${count - 1}` : undefined;
}

function highestRow(values: FormValues, base: string): number {
  const re = rowKey(base);
  let highest = -1;
  for (const [name, value] of Object.entries(values)) {
    const m = re.exec(name);
    if (m && value.trim() !== '') highest = Math.max(highest, Number(m[1]));
  }
  return highest;
}

function withoutAction(values: FormValues): FormValues {
  const { action: _action, ...rest } = values;
  return rest;
}

export interface RowsBlock {
  spec: RowsSpec;
  count: number;
  /** The add button's words ("Add a key result"). */
  addLabel: string;
  /** The remove button's words. */
  removeLabel: string;
  /** One row; `remove` is its remove button (to place inside the row). */
  row(index: number, prefix: string, remove: Piece): Piece;
  /** An id for the block (where errors about the whole list point). */
  id?: string;
}

/** The rows, the hidden count, and the add button; JavaScript finds them by their data attributes. */
export function rowsBlock(b: RowsBlock): Piece {
  const { spec, count } = b;
  const rows = Array.from({ length: count }, (_, i) => {
    const prefix = `${spec.base}${i}`;
    const remove = html`<button type="submit" class="remove" name="action" value="remove:${prefix}" formnovalidate${count <= spec.min ? html` hidden` : ''}>${b.removeLabel}</button>`;
    return b.row(i, prefix, remove);
  });
  return html`<div class="rows" data-rows="${spec.base}" data-min="${spec.min}" data-max="${spec.max}" data-initial="${spec.initial}"${b.id ? html` id="${b.id}"` : ''}>
<input type="hidden" name="${countField(spec.base)}" value="${count}">
${rows}
<button type="submit" class="add" name="action" value="add:${spec.base}" formnovalidate${count >= spec.max ? html` hidden` : ''}>${b.addLabel}</button>
</div>`;
}
