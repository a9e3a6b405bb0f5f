import { ApplicationFailure } from '@temporalio/common';
import { type CompletionRefusal, ErrorCode, type FieldIssue } from '../contract';
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
