import { ApplicationFailure } from '@temporalio/common';
import { type CompletionRefusal, ErrorCode, type FieldIssue, UNSTORABLE_TEXT_MESSAGE, isStorableText } from '../contract';
import { AppError } from '../core/errors';

/** A business failure: retrying cannot help, so Temporal must not retry it. */
export function businessFailure(code: ErrorCode, message: string, issues?: FieldIssue[]): ApplicationFailure {
  return ApplicationFailure.create({ type: code, message, nonRetryable: true, details: issues ? [{ issues }] : [] });
}

const CODES = new Set<string>(Object.values(ErrorCode));

/** A business failure as data (the refusal of one item among several); undefined for any other error. */
export function asRefusal(error: unknown): Pick<CompletionRefusal, 'error'> | undefined {
  if (!(error instanceof ApplicationFailure) || !error.type || !CODES.has(error.type)) return undefined;
  const issues = (error.details?.[0] as { issues?: FieldIssue[] } | undefined)?.issues;
  return { error: { type: error.type as ErrorCode, message: error.message, ...(issues ? { issues } : {}) } };
}

/**
 * For `.catch(orBusinessFailure)` after a repository call that throws an AppError (e.g.
 * `requireCycleByKey`): the same code and message as a non-retryable failure; other errors pass.
 */
export function orBusinessFailure(error: unknown): never {
  if (error instanceof AppError) throw businessFailure(error.code, error.message, (error.details as { issues?: FieldIssue[] } | undefined)?.issues);
  throw error;
}

const INT4_MAX = 2_147_483_647;

/** SQLSTATE class 22 (data exception: bad text, a number out of range, bad JSON) or 23514 (a check). */
function isDataError(error: unknown): error is Error & { code: string } {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^(22[0-9A-Z]{3}|23514)$/.test(code);
}

/** The dotted paths of the values in `value` that `bad` picks out. */
function pathsWhere(value: unknown, bad: (v: unknown) => boolean, at: string[] = []): string[] {
  if (bad(value)) return [at.join('.')];
  if (Array.isArray(value)) return value.flatMap((v, i) => pathsWhere(v, bad, [...at, String(i)]));
  if (value && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => pathsWhere(v, bad, [...at, k]));
  return [];
}

/**
 * A submission PostgreSQL refused to store, as that item's refusal: the fields holding text it
 * cannot store or whole numbers beyond its integers, else the submission as a whole. Undefined
 * for any other error (an outage is not the person's fault and must be retried).
 */
export function asDataRefusal(error: unknown, submission: unknown): Pick<CompletionRefusal, 'error'> | undefined {
  if (!isDataError(error)) return undefined;
  const text = pathsWhere(submission, (v) => typeof v === 'string' && !isStorableText(v)).map((path) => ({ path, message: UNSTORABLE_TEXT_MESSAGE }));
  const numbers = /integer/i.test(error.message)
    ? pathsWhere(submission, (v) => typeof v === 'number' && Number.isInteger(v) && Math.abs(v) > INT4_MAX).map((path) => ({
        path,
        message: `must be at most ${INT4_MAX}`,
      }))
    : [];
  const issues: FieldIssue[] = [...text, ...numbers];
  return {
    error: {
      type: ErrorCode.validation,
      message: 'the submission is not valid',
      issues: issues.length ? issues : [{ path: '', message: 'holds a value that cannot be stored' }],
    },
  };
}
