/**
 * Reply keys: the per-task part of a reply address, `tasks+<key>@<MAIL_REPLY_DOMAIN>`.
 *
 * key = `<taskId>.<first 16 bytes of HMAC-SHA256(TOKEN_SECRET, "reply:v1:<taskId>"), base64url>`
 *
 * The task id makes the key cheap to look up; the 128-bit MAC makes it impossible to guess or to
 * alter (a changed id needs a new MAC). It is a different derivation from the task link token, so
 * a reply address never reveals or equals the link. Rotating TOKEN_SECRET invalidates both.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

const MAC_BYTES = 16;
const KEY_RE = /^([1-9][0-9]{0,14})\.([A-Za-z0-9_-]{22})$/;
const ADDRESS_RE = /^tasks\+([^@\s]+)@([^@\s]+)$/i;

function mac(secret: string, taskId: number): Buffer {
  return createHmac('sha256', secret).update(`reply:v1:${taskId}`).digest().subarray(0, MAC_BYTES);
}

export function replyKey(secret: string, taskId: number): string {
  if (!Number.isSafeInteger(taskId) || taskId <= 0) throw new Error(`not a task id: ${taskId}`);
  return `${taskId}.${mac(secret, taskId).toString('base64url')}`;
}

/** The task id a key stands for, or null for anything forged, altered or malformed. Constant time in the MAC. */
export function verifyReplyKey(secret: string, key: string): number | null {
  const m = KEY_RE.exec(key);
  if (!m) return null;
  const taskId = Number(m[1]);
  if (!Number.isSafeInteger(taskId)) return null;
  // Compare the text, not decoded bytes: base64url's last character has spare bits, so several
  // spellings decode to the same MAC; only the canonical one is the key.
  const given = Buffer.from(m[2]!, 'latin1');
  const expected = Buffer.from(mac(secret, taskId).toString('base64url'), 'latin1');
  return given.length === expected.length && timingSafeEqual(given, expected) ? taskId : null;
}

export function replyAddress(secret: string, taskId: number, domain: string): string {
  return `tasks+${replyKey(secret, taskId)}@${domain}`;
}

/**
 * The key part of `tasks+<key>@<domain>` when the address has that shape and domain (the domain
 * compared case-insensitively, the key exactly); null for any other address. Does not verify the key.
 */
export function keyOfReplyAddress(address: string, domain: string): string | null {
  const m = ADDRESS_RE.exec(address.trim());
  if (!m || m[2]!.toLowerCase() !== domain.toLowerCase()) return null;
  return m[1]!;
}
