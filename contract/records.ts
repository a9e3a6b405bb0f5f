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

/** Where a person's objectives stand in the homes: none yet, drafted, in review (a review task is open), changes requested, approved. */
export const APPROVAL_STATES = ['none', 'draft', 'in-review', 'changes-requested', 'approved'] as const;
export type ApprovalState = (typeof APPROVAL_STATES)[number];

/** The approval state of current objectives with these statuses (one objective's, or all of a person's). */
export function approvalState(statuses: readonly ObjectiveStatus[], inReview: boolean): ApprovalState {
  if (!statuses.length) return 'none';
  if (statuses.every((s) => s === 'approved')) return 'approved';
  if (statuses.some((s) => s === 'changes-requested')) return 'changes-requested';
  return inReview ? 'in-review' : 'draft';
}

/** Where an execution item came from: a check-in, or an integration through the API. */
export const EXECUTION_ITEM_SOURCES = ['checkin', 'api'] as const;
export type ExecutionItemSource = (typeof EXECUTION_ITEM_SOURCES)[number];

/** Where a participant who is not approved stands: no objective yet, or the status of their furthest-behind objective. */
export const NOT_APPROVED_STATUSES = ['no-draft', 'draft', 'changes-requested'] as const satisfies readonly ('no-draft' | ObjectiveStatus)[];
export type NotApprovedStatus = (typeof NOT_APPROVED_STATUSES)[number];

/** stalled → retried | skipped (an operator) | auto-retried (the workflow's own retry). */
export const STALL_STATUSES = ['stalled', 'retried', 'skipped', 'auto-retried'] as const;
export type StallStatus = (typeof STALL_STATUSES)[number];

/** hr: people and cycles; admin: keys, stalled steps, and reading everything. */
export const API_KEY_ROLES = ['hr', 'admin'] as const;
export type ApiKeyRole = (typeof API_KEY_ROLES)[number];
