/** The application's one error type: a code from the contract, a message for people, details for programs. */
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { ErrorCode, type FieldIssue } from '../contract';

const STATUS: Record<ErrorCode, ContentfulStatusCode> = {
  VALIDATION_FAILED: 400,
  NOT_FOUND: 404,
  CONFLICT: 409,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  TASK_CLOSED: 410,
  TASK_ALREADY_COMPLETED: 409,
  SERVICE_UNAVAILABLE: 503,
  RATE_LIMITED: 429,
  PAYLOAD_TOO_LARGE: 413,
  METHOD_NOT_ALLOWED: 405,
  INTERNAL: 500,
};

export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'AppError';
  }
  get status(): ContentfulStatusCode {
    return STATUS[this.code];
  }
}

export function validationError(issues: FieldIssue[], what = 'the request'): AppError {
  const summary = issues
    .slice(0, 5)
    .map((i) => `${i.path || '(root)'}: ${i.message}`)
    .join('; ');
  return new AppError(ErrorCode.validation, `${what} is not valid: ${summary}${issues.length > 5 ? ` (and ${issues.length - 5} more)` : ''}`, { issues });
}

