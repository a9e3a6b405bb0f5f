/**
 * Free text that people type (titles, names, comments, reasons). PostgreSQL cannot store U+0000,
 * and a lone UTF-16 surrogate is not text at all: both are refused here, at the edge, with the
 * field's path, so they never reach a transaction (where one of them would fail a whole group of
 * completions or an audit row). Workflow-safe.
 */
import { z } from 'zod';

// A NUL, a high surrogate not followed by a low one, or a low surrogate not preceded by a high one.
const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Stable code of the refusal, so pages and replies can say it in the person's language. */
export const UNSTORABLE_TEXT = 'text.unstorable';
export const UNSTORABLE_TEXT_MESSAGE = 'must not contain the character U+0000 or broken Unicode';

export function isStorableText(value: string): boolean {
  return !UNSTORABLE.test(value);
}

/** A string schema that refuses text PostgreSQL cannot store; chain `.trim().min().max()` on it. */
export function text() {
  return z.string().refine(isStorableText, { message: UNSTORABLE_TEXT_MESSAGE, params: { code: UNSTORABLE_TEXT } });
}
