/**
 * One error type for the API and one place that turns errors into responses:
 * `{ "error": { "code", "message", "details"? } }` with the status for the code.
 */
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { HTTPException } from 'hono/http-exception';
import { ErrorCode, toFieldIssues } from '../contract';
import { AppError, validationError } from '../core/errors';

export { AppError, validationError };

/** The HTTP status of each error code: the one place the API decides it. */
export const HTTP_STATUS: Record<ErrorCode, ContentfulStatusCode> = {
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

/** The HTTP status an AppError answers with. */
export function statusOf(error: AppError): ContentfulStatusCode {
  return HTTP_STATUS[error.code];
}

export function errorBody(code: ErrorCode, message: string, details?: unknown) {
  return { error: { code, message, ...(details !== undefined ? { details } : {}) } };
}

/** The app's onError: AppErrors as they are, Hono's HTTP exceptions by status, the rest as 500. */
export function handleError(err: Error, c: Context, log?: { error: (o: object, m: string) => void }) {
  if (err instanceof AppError) return c.json(errorBody(err.code, err.message, err.details), statusOf(err));
  if (err instanceof HTTPException) {
    const status = err.status;
    const code = status === 401 ? ErrorCode.unauthorized : status === 403 ? ErrorCode.forbidden : status === 404 ? ErrorCode.notFound : ErrorCode.validation;
    return c.json(errorBody(code, err.message || 'bad request'), status as ContentfulStatusCode);
  }
  if (isDatabaseUnavailable(err)) {
    log?.error({ err: err.message }, 'database unavailable');
    return c.json(errorBody(ErrorCode.unavailable, 'the database is not reachable right now; nothing was changed, please try again'), 503);
  }
  log?.error({ err }, 'unhandled error');
  return c.json(errorBody(ErrorCode.internal, 'internal error'), 500);
}

/** The zod-openapi validation hook: the same envelope, with field paths. */
export function validationHook(
  result: { success: boolean; error?: { issues: readonly { path: readonly PropertyKey[]; message: string }[] }; target?: string },
  c: Context,
) {
  if (!result.success && result.error) {
    const err = validationError(toFieldIssues(result.error.issues), `the ${result.target === 'json' ? 'request body' : (result.target ?? 'request')}`);
    return c.json(errorBody(err.code, err.message, err.details), statusOf(err));
  }
  return undefined;
}

const CONNECTION_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', '57P01', '57P02', '57P03', '08000', '08003', '08006']);

/** A lost or refused database connection (pg error codes of class 08 and 57P, socket errors). */
function isDatabaseUnavailable(err: Error): boolean {
  const code = (err as { code?: string }).code;
  if (code && CONNECTION_CODES.has(code)) return true;
  return /Connection terminated|connection timeout|timeout exceeded when trying to connect|Client has encountered a connection error/i.test(err.message);
}
