/**
 * One error vocabulary for the API, the workflows and the activities. The API maps each code
 * to an HTTP status in one place (api/errors.ts); activities throw non-retryable
 * ApplicationFailures whose `type` is one of these codes.
 */
export const ErrorCode = {
  validation: 'VALIDATION_FAILED',
  notFound: 'NOT_FOUND',
  conflict: 'CONFLICT',
  unauthorized: 'UNAUTHORIZED',
  forbidden: 'FORBIDDEN',
  taskClosed: 'TASK_CLOSED',
  taskAlreadyCompleted: 'TASK_ALREADY_COMPLETED',
  unavailable: 'SERVICE_UNAVAILABLE',
  rateLimited: 'RATE_LIMITED',
  payloadTooLarge: 'PAYLOAD_TOO_LARGE',
  methodNotAllowed: 'METHOD_NOT_ALLOWED',
  internal: 'INTERNAL',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** A field-level problem: `path` is the dotted path of the field ("objectives.0.title"). */
export interface FieldIssue {
  path: string;
  /** In English; `code` (with `params`) lets other languages say the same (i18n/validation.ts). */
  message: string;
  /** For rules the database checks: the rule's code (kinds/rules.ts), so every language can say it. */
  code?: string;
  /** Values the message names (a person's name, a bound). */
  params?: Record<string, string | number>;
}

/** Turns zod issues into field issues with dotted paths. */
export function toFieldIssues(issues: readonly { path: readonly PropertyKey[]; message: string }[]): FieldIssue[] {
  return issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message }));
}
