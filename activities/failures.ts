import { ApplicationFailure } from '@temporalio/common';
import { ErrorCode, type FieldIssue } from '../contract';

/** A business failure: retrying cannot help, so Temporal must not retry it. */
export function businessFailure(code: ErrorCode, message: string, issues?: FieldIssue[]): ApplicationFailure {
  return ApplicationFailure.create({ type: code, message, nonRetryable: true, details: issues ? [{ issues }] : [] });
}
