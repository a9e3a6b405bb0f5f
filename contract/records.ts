/**
 * Values the database stores in text columns and the API shows, that no submission schema
 * defines: the life of an email, an objective, a stalled step, and the roles of API keys.
 * db/schema.ts types its columns with these, so a value outside them does not compile.
 */

/** queued → sent, or failed (5xx; retried or skipped by an operator) → queued | skipped. */
export const EMAIL_STATUSES = ['queued', 'sent', 'failed', 'skipped'] as const;
export type EmailStatus = (typeof EMAIL_STATUSES)[number];

/**
 * draft → approved | changes-requested; a new round of the same owner's objectives supersedes
 * the earlier ones. "Current" objectives are the ones not superseded (db/objectives.ts).
 */
export const OBJECTIVE_STATUSES = ['draft', 'approved', 'changes-requested', 'superseded'] as const;
export type ObjectiveStatus = (typeof OBJECTIVE_STATUSES)[number];

/** Where a participant who is not approved stands: no objective yet, or the status of their furthest-behind objective. */
export const NOT_APPROVED_STATUSES = ['no-draft', 'draft', 'changes-requested'] as const satisfies readonly ('no-draft' | ObjectiveStatus)[];
export type NotApprovedStatus = (typeof NOT_APPROVED_STATUSES)[number];

/** stalled → retried | skipped (an operator) | auto-retried (the workflow's own retry). */
export const STALL_STATUSES = ['stalled', 'retried', 'skipped', 'auto-retried'] as const;
export type StallStatus = (typeof STALL_STATUSES)[number];

/** hr: people and cycles; admin: keys, stalled steps, and reading everything. */
export const API_KEY_ROLES = ['hr', 'admin'] as const;
export type ApiKeyRole = (typeof API_KEY_ROLES)[number];
