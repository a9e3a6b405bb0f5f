/**
 * checkin: per key result "kr<id>.value" (numeric, percent) or "kr<id>.done" (milestone
 * checkbox); "confidence" (1–10, never chosen for the person); execution items
 * "item<n>.kr|kind|title|status" in rows the person adds and removes (one to start with, or last
 * week's carried forward); "report".
 */
import { html } from 'hono/html';
import type { KindContext } from '../types';
import { type FieldKit, type FormValues, numberOf, text, ticked } from '../../api/task-page/fields';
import { progressText, withObjectiveHeadings } from '../progress';
import { type TaskForm, list, prop, scalar } from '../form';
import { type RowsSpec, rowCount, rowsBlock } from '../../api/task-page/rows';

export const ITEM_SLOTS = 10;
const ITEMS: RowsSpec = { base: 'item', min: 1, max: ITEM_SLOTS, initial: 1 };
const ITEM_FIELDS: Record<string, string> = { keyResultId: 'kr', kind: 'kind', title: 'title', status: 'status' };

export const checkinForm: TaskForm = {
  parse(values: FormValues, context: KindContext) {
    const rows = context.keyResults;
    const keyResults = rows.map((kr) => {
      if (kr.kind === 'milestone') return { keyResultId: kr.keyResultId, done: ticked(values, `kr${kr.keyResultId}.done`) };
      const value = numberOf(text(values, `kr${kr.keyResultId}.value`));
      return value === undefined ? { keyResultId: kr.keyResultId } : { keyResultId: kr.keyResultId, value };
    });
    const items: unknown[] = [];
    const itemSlots: number[] = [];
    for (let n = 0; n < ITEM_SLOTS; n++) {
      const p = `item${n}`;
      const keyResultId = numberOf(text(values, `${p}.kr`));
      const title = text(values, `${p}.title`);
      if (keyResultId === undefined && !title) continue; // an empty row
      const status = text(values, `${p}.status`);
      items.push({ keyResultId, kind: text(values, `${p}.kind`), title, ...(status ? { status } : {}) });
      itemSlots.push(n);
    }
    const submission: Record<string, unknown> = { keyResults, items, report: text(values, 'report') };
    const confidence = numberOf(text(values, 'confidence'));
    if (confidence !== undefined) submission.confidence = confidence;
    return {
      submission,
      issues: [],
      fieldName(path) {
        const [head, index, field] = path.split('.');
        if (head === 'confidence' || head === 'report') return head;
        if (head === 'keyResults' && index !== undefined) {
          const kr = rows[Number(index)];
          return kr ? `kr${kr.keyResultId}.${kr.kind === 'milestone' ? 'done' : 'value'}` : 'form';
        }
        if (head === 'items' && index !== undefined) {
          const slot = itemSlots[Number(index)];
          if (slot === undefined) return 'form';
          return `item${slot}.${ITEM_FIELDS[field ?? ''] ?? 'title'}`;
        }
        return 'form';
      },
    };
  },

  toValues(submission, context) {
    const values: FormValues = {};
    const given = new Map(list(submission, 'keyResults').map((k) => [prop(k, 'keyResultId'), k]));
    for (const kr of context.keyResults) {
      const entry = given.get(kr.keyResultId);
      if (kr.kind === 'milestone') {
        const done = entry !== undefined ? prop(entry, 'done') === true : kr.done === true;
        if (done) values[`kr${kr.keyResultId}.done`] = 'on';
      } else {
        const value = scalar(prop(entry, 'value')) ?? scalar(kr.current) ?? scalar(kr.start);
        if (value !== undefined) values[`kr${kr.keyResultId}.value`] = value;
      }
    }
    const confidence = scalar(prop(submission, 'confidence'));
    if (confidence !== undefined) values.confidence = confidence;
    const report = scalar(prop(submission, 'report'));
    if (report) values.report = report;
    list(submission, 'items')
      .slice(0, ITEM_SLOTS)
      .forEach((item, n) => {
        for (const [key, field] of Object.entries(ITEM_FIELDS)) {
          const value = scalar(prop(item, key));
          if (value !== undefined) values[`item${n}.${field}`] = value;
        }
      });
    return values;
  },

  fields(kit: FieldKit, context: KindContext) {
    const { s } = kit;
    const w = s.checkin;
    const progress = context.keyResults.length
      ? withObjectiveHeadings(context.keyResults).map(({ kr, heading }) => {
          const name = `kr${kr.keyResultId}`;
          const unit = kr.kind === 'percent' ? '%' : (kr.unit ?? '');
          const input =
            kr.kind === 'milestone'
              ? kit.checkbox(`${name}.done`, s.progress.done)
              : kit.input(`${name}.value`, unit ? s.progress.currentIn(unit) : s.progress.current, { inputmode: 'decimal' });
          return html`${heading !== null ? html`<h2>${heading}</h2>` : ''}<div class="row"><div><strong>${kr.title}</strong><p class="muted">${progressText(kr, s)}</p></div><div>${input}</div></div>`;
        })
      : html`<p class="muted">${w.noKeyResults}</p>`;
    const krOptions = context.keyResults.map((kr) => ({ value: String(kr.keyResultId), label: kr.title }));
    const item = (n: number, p: string, remove: unknown) => {
      kit.labels.set(p, w.item(n + 1));
      return html`<div class="item" data-row="${p}" id="${p}">
  <div>${kit.select(`${p}.kr`, w.keyResult, krOptions, { placeholder: '—' })}</div>
  <div>${kit.select(`${p}.kind`, w.kind, [
    { value: 'project', label: w.project },
    { value: 'task', label: w.task },
  ])}</div>
  <div>${kit.input(`${p}.title`, w.title, { maxlength: 200 })}</div>
  <div>${kit.select(`${p}.status`, w.status, [
    { value: 'in-progress', label: w.inProgress },
    { value: 'planned', label: w.planned },
    { value: 'done', label: w.statusDone },
  ])}</div>
  <div>${remove}</div>
</div>`;
    };
    const confidence = Array.from({ length: 10 }, (_, i) => ({ value: String(i + 1), label: String(i + 1) }));
    return html`<fieldset><legend>${w.progress}</legend>${progress}</fieldset>
<fieldset><legend>${w.confidence}</legend>
  <p class="hint">${w.confidenceHint}</p>
  ${kit.select('confidence', null, confidence, { placeholder: w.choose, 'aria-label': w.confidence })}
</fieldset>
<fieldset><legend>${s.optional(w.items)}</legend>${rowsBlock({ spec: ITEMS, count: rowCount(kit.values, ITEMS, kit.errorNames()), addLabel: w.addItem, removeLabel: w.remove, row: item })}</fieldset>
${kit.textarea('report', w.report, { maxlength: 5000, rows: 6, placeholder: w.reportHint })}`;
  },
};
