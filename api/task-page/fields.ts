/**
 * The pieces every task form is made of: flat form values in, escaped HTML fields out. A field's
 * `id` is its `name`; a field with errors gets class "invalid" and its messages right after it.
 * Every value passes through hono's `html`, which escapes it; `raw` is used only for markup
 * written here.
 */
import { html, raw } from 'hono/html';
import type { HtmlEscapedString } from 'hono/utils/html';
import type { FieldIssue } from '../../contract';
import type { PageStrings } from '../../i18n';

export type Piece = HtmlEscapedString | Promise<HtmlEscapedString>;

/** What a form posts: field name → text (checkboxes: present when ticked). */
export type FormValues = Record<string, string>;

/** Field name → messages. "form" holds the errors that belong to no single field. */
export type FieldErrors = Map<string, string[]>;

/** The result of reading a posted form. */
export interface ParsedForm {
  /** The submission as the kind's schema expects it (numbers parsed, empty rows dropped). */
  submission: unknown;
  /** Problems the form itself finds before the schema runs; `path` is a form field name. */
  issues: FieldIssue[];
  /** Schema path ("scores.1.score") → form field name ("kr12.score"); "form" when none fits. */
  fieldName(path: string): string;
}

/** Trimmed text of a field ('' when absent). */
export const text = (values: FormValues, name: string) => (values[name] ?? '').trim();

/** A number from a field: undefined when empty, the text itself when it is not a number (so the schema says so). */
export function numberOf(raw: string): number | string | undefined {
  if (raw === '') return undefined;
  const n = Number(raw.replace(',', '.'));
  return Number.isFinite(n) ? n : raw;
}

/** A checkbox is ticked when the browser sent it at all (any value but an explicit "off"). */
export const ticked = (values: FormValues, name: string) => name in values && values[name] !== 'off' && values[name] !== 'false';

/** Form errors from schema issues (mapped through `fieldName`) and the form's own issues. */
export function fieldErrors(parsed: Pick<ParsedForm, 'fieldName' | 'issues'>, schemaIssues: FieldIssue[]): FieldErrors {
  const errors: FieldErrors = new Map();
  const add = (name: string, message: string) => {
    const list = errors.get(name) ?? [];
    if (!list.includes(message)) list.push(message);
    errors.set(name, list);
  };
  for (const i of parsed.issues) add(i.path, i.message);
  for (const i of schemaIssues) add(parsed.fieldName(i.path), i.message);
  return errors;
}

/** Shortens a number for display (0.7, 12.5, 1,200). */
export function formatNumber(n: number | null | undefined, locale: string): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return '—';
  return new Intl.NumberFormat(locale, { maximumFractionDigits: 2 }).format(n);
}

type Attrs = Record<string, string | number | boolean | undefined>;

/** Extra attributes; names are written by our code, values are escaped. */
function attributes(attrs: Attrs | undefined): Piece[] {
  return Object.entries(attrs ?? {})
    .filter(([, value]) => value !== undefined && value !== false)
    .map(([key, value]) => (value === true ? html` ${raw(key)}` : html` ${raw(key)}="${String(value)}"`));
}

/** A field's label: plain words, or words with a row number that follows the row ("Key result #"). */
export type Label = string | { text: string; num: string };
const labelText = (label: Label) => (typeof label === 'string' ? label : label.text);

/** "Key result #" → "Key result 2". */
export const numbered = (template: string, n: number): Label => ({ text: template.replace('#', String(n)), num: template });

export interface Option {
  value: string;
  label: string;
}

/** Renders fields bound to the values and errors of one page. */
export interface FieldKit {
  s: PageStrings;
  locale: string;
  /** Everything the page shows (typed or pre-filled). */
  values: FormValues;
  v(name: string): string;
  /** True when the field has errors. */
  invalid(name: string): boolean;
  /** "invalid" when the field has errors, else ''. */
  cls(name: string): string;
  /** The messages of these fields, each in a `<p class="err">`. */
  errs(...names: string[]): Piece[];
  /** True when any value or error starts with the prefix (to open an optional row). */
  touched(prefix: string): boolean;
  /** Names of the fields that have errors (to show enough rows). */
  errorNames(): string[];
  /** Field name → the label it was rendered with (for the error summary). */
  labels: Map<string, string>;
  input(name: string, label: Label | null, attrs?: Attrs): Piece;
  textarea(name: string, label: Label | null, attrs?: Attrs): Piece;
  select(name: string, label: Label | null, options: Option[], attrs?: Attrs & { placeholder?: string }): Piece;
  checkbox(name: string, label: Piece | string, attrs?: Attrs): Piece;
  radio(name: string, value: string, label: string): Piece;
}

/** `focusRow`: the first field of this row ("o0.kr2") gets `autofocus` (the row just added without JavaScript). */
export function fieldKit(values: FormValues, errors: FieldErrors, s: PageStrings, focusRow?: string): FieldKit {
  const v = (name: string) => values[name] ?? '';
  const invalid = (name: string) => errors.has(name);
  const cls = (name: string) => (invalid(name) ? 'invalid' : '');
  let focusPending = focusRow !== undefined;
  const focus = (name: string): Attrs => {
    if (!focusPending || !name.startsWith(`${focusRow}.`)) return {};
    focusPending = false;
    return { autofocus: true };
  };
  const aria = (name: string): Attrs => ({ ...focus(name), ...(invalid(name) ? { 'aria-invalid': 'true', 'aria-describedby': `${name}.err` } : {}) });
  const errs = (...names: string[]) =>
    names.flatMap((name) => (errors.get(name) ?? []).map((m, i) => html`<p class="err"${i === 0 ? html` id="${name}.err"` : ''}>${m}</p>`));
  const labels = new Map<string, string>();
  const labelFor = (name: string, label: Label | null) => {
    if (label === null) return '';
    labels.set(name, labelText(label));
    return typeof label === 'string' ? html`<label for="${name}">${label}</label>` : html`<label for="${name}" data-num="${label.num}">${label.text}</label>`;
  };
  return {
    s,
    values,
    labels,
    errorNames: () => [...errors.keys()],
    locale: s.lang,
    v,
    invalid,
    cls,
    errs,
    touched: (prefix) => Object.keys(values).some((k) => k.startsWith(prefix) && values[k]) || [...errors.keys()].some((k) => k.startsWith(prefix)),
    input: (name, label, attrs) =>
      html`${labelFor(name, label)}<input id="${name}" name="${name}" value="${v(name)}" class="${cls(name)}"${attributes({ ...attrs, ...aria(name) })}>${errs(name)}`,
    textarea: (name, label, attrs) =>
      html`${labelFor(name, label)}<textarea id="${name}" name="${name}" class="${cls(name)}"${attributes({ rows: 4, ...attrs, ...aria(name) })}>${v(name)}</textarea>${errs(name)}`,
    select: (name, label, options, attrs) => {
      const { placeholder, ...rest } = attrs ?? {};
      const current = v(name);
      return html`${labelFor(name, label)}<select id="${name}" name="${name}" class="${cls(name)}"${attributes({ ...rest, ...aria(name) })}>${
        placeholder !== undefined ? html`<option value="">${String(placeholder)}</option>` : ''
      }${options.map((o) => html`<option value="${o.value}"${o.value === current ? raw(' selected') : ''}>${o.label}</option>`)}</select>${errs(name)}`;
    },
    checkbox: (name, label, attrs) => {
      if (typeof label === 'string') labels.set(name, label);
      return html`<label class="check"><input type="checkbox" id="${name}" name="${name}" value="on" class="${cls(name)}"${ticked(values, name) ? raw(' checked') : ''}${attributes(
        {
          ...attrs,
          ...aria(name),
        },
      )}> ${label}</label>${errs(name)}`;
    },
    radio: (name, value, label) =>
      html`<label class="check"><input type="radio" id="${name}.${value}" name="${name}" value="${value}" class="${cls(name)}"${v(name) === value ? raw(' checked') : ''}> ${label}</label>`,
  };
}
