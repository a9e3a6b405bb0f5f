/** What each kind of task brings to the page: its fields, how to read them back, how to pre-fill them. */
import type { Locale } from '../contract';
import type { KindContext } from './types';
import type { FieldKit, FormValues, ParsedForm, Piece } from '../api/task-page/fields';

export interface TaskForm {
  /** Posted fields → the submission for the kind's schema, and schema paths → field names. */
  parse(values: FormValues, context: KindContext, locale?: Locale): ParsedForm;
  /** A submission (stored or pre-filled, possibly partial or null) → the fields that show it. */
  toValues(submission: unknown, context: KindContext): FormValues;
  /** The fields inside the page's `<form>` (the frame adds heading, notes, banner and button). */
  fields(kit: FieldKit, context: KindContext): Piece;
}

/** Reads a property of an unknown value without trusting its shape. */
export function prop(value: unknown, key: string): unknown {
  return value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined;
}

/** An array property of an unknown value ([] when absent). */
export function list(value: unknown, key: string): unknown[] {
  const found = prop(value, key);
  return Array.isArray(found) ? found : [];
}

/** String form of a scalar, or undefined. */
export function scalar(value: unknown): string | undefined {
  return typeof value === 'number' || typeof value === 'string' ? String(value) : undefined;
}
