/**
 * Durations in schedules are short strings: "14d", "36h", "90m", "30s", "1500ms", "2w".
 * Workflow-safe (no Node imports), so the workflow and the API parse them the same way.
 */
import { z } from 'zod';

const UNIT_MS = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 } as const;
const DURATION_RE = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h|d|w)$/;

/** The longest duration a schedule may hold: a year and a day (a date beyond it is a typo). */
export const MAX_DURATION_MS = 366 * UNIT_MS.d;

/** Milliseconds, or undefined when `text` is not a duration. Never throws (schemas use it). */
export function parseDuration(text: string): number | undefined {
  const m = DURATION_RE.exec(text.trim());
  if (!m) return undefined;
  return Math.round(Number(m[1]) * UNIT_MS[m[2] as keyof typeof UNIT_MS]);
}

/** Milliseconds of a duration that a schema has already accepted; throws on anything else. */
export function durationToMs(text: string): number {
  const ms = parseDuration(text);
  if (ms === undefined) throw new Error(`not a duration: ${JSON.stringify(text)}`);
  return ms;
}

const LENGTH_MESSAGE = 'at most 366d (a year and a day)';

export const durationSchema = z
  .string()
  .regex(DURATION_RE, 'a duration such as "14d", "36h", "90m" or "30s"')
  .refine((v) => (parseDuration(v) ?? 1) > 0, 'must be longer than zero')
  .refine((v) => (parseDuration(v) ?? 0) <= MAX_DURATION_MS, LENGTH_MESSAGE);

/** A duration that may be zero ("0s": at once), e.g. an escalation at the due time. */
export const nonNegativeDurationSchema = z
  .string()
  .regex(DURATION_RE, 'a duration such as "1d", "36h" or "0s"')
  .refine((v) => (parseDuration(v) ?? 0) <= MAX_DURATION_MS, LENGTH_MESSAGE);
