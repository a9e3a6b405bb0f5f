/**
 * The application's one error type: a code from the contract, a message for people, details for
 * programs. It knows nothing of HTTP: the API maps codes to statuses (api/errors.ts), activities
 * turn it into a non-retryable failure with the same code (activities/failures.ts).
 */
import { ErrorCode, type FieldIssue } from '../contract';

export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'AppError';
  }
}

export function validationError(issues: FieldIssue[], what = 'the request'): AppError {
  const summary = issues
    .slice(0, 5)
    .map((i) => `${i.path || '(root)'}: ${i.message}`)
    .join('; ');
  return new AppError(ErrorCode.validation, `${what} is not valid: ${summary}${issues.length > 5 ? ` (and ${issues.length - 5} more)` : ''}`, { issues });
}
