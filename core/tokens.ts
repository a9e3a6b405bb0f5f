/**
 * Task link tokens. A token is HMAC-SHA256(secret, the task's business identity): 256 bits that
 * only this installation can produce, re-derivable for reminder emails, so the plain token is
 * never stored — the database keeps only its SHA-256 hash, and the API finds a task by hashing
 * the token it is given. Tokens never enter workflow payloads or logs.
 */
import { createHash, createHmac } from 'node:crypto';

export interface TaskIdentity {
  cycleId: number;
  kind: string;
  round: number;
  personId: number;
  /** Reviews and calibrations are about another person; one link per subject. */
  subjectPersonId?: number | null;
}

const TOKEN_RE = /^[A-Za-z0-9_-]{43}$/;

export function taskToken(secret: string, task: TaskIdentity): string {
  return createHmac('sha256', secret)
    .update(`task-link:v1:${task.cycleId}:${task.kind}:${task.round}:${task.personId}${task.subjectPersonId ? `:${task.subjectPersonId}` : ''}`)
    .digest('base64url');
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** Cheap shape check before any database work; malformed tokens are answered like unknown ones. */
export function isWellFormedToken(token: string): boolean {
  return TOKEN_RE.test(token);
}

export function taskLink(publicBaseUrl: string, token: string): string {
  return `${publicBaseUrl}/t/${token}`;
}
