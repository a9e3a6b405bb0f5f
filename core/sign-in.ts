/**
 * Signing in to the console without a password: a one-time link sent by email opens a
 * server-side session.
 *
 * - A link's token is HMAC-SHA256(secret, "sign-in:v1:" + a random salt stored with the link):
 *   only its SHA-256 is stored, and only this installation can derive it again (to resend).
 *   It works once (the use is a conditional UPDATE, so one of two concurrent uses wins) and for
 *   15 minutes.
 * - Asking for a link answers the same, and as fast, whether or not the address belongs to
 *   someone (no enumeration): the page answers first, then the link is made and emailed, with a
 *   few retries, each attempt recorded on the link (sent_at, last_error).
 * - A session token is 256 random bits in an HttpOnly cookie; the database keeps its SHA-256,
 *   its last-seen time (the idle limit) and its absolute end.
 */
import { createHmac, randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Locale } from '../contract';
import { writeAudit } from '../db/audit';
import { findPersonByEmail } from '../db/people';
import type { DB } from '../db/schema';
import { type SessionPerson, endSession, insertSession, touchSession } from '../db/sessions';
import { countRecentSignInLinks, findUsableSignInLink, insertSignInLink, recordSignInSend, useSignInLink } from '../db/sign-in-links';
import { consoleWords } from '../i18n/console';
import { renderHtml, renderText } from '../mail/templates/layout';
import { type Mailer, messageIdFor } from '../mail/mailer';
import type { Logger } from '../runtime/logger';
import { hashToken } from './tokens';

export const SIGN_IN_LINK_TTL_MS = 15 * 60_000;
/** Links one address may be sent per LINK_TTL (across API replicas: counted in the database). */
export const MAX_LINKS_PER_ADDRESS = 5;
const TOKEN_RE = /^[A-Za-z0-9_-]{43}$/;

export interface SessionPolicy {
  /** A session unused for this long ends. */
  idleMs: number;
  /** A session ends this long after sign-in, however it is used. */
  absoluteMs: number;
}

export const DEFAULT_SESSION_POLICY: SessionPolicy = { idleMs: 8 * 3_600_000, absoluteMs: 7 * 24 * 3_600_000 };

export interface SignInDeps {
  db: Kysely<DB>;
  tokenSecret: string;
  publicBaseUrl: string;
  /** Sends the sign-in email; absent: links are created but not sent (logged). */
  mailer: Mailer | undefined;
  log: Logger;
  /** Milliseconds between send attempts (tests shorten them). */
  retryDelaysMs?: number[];
}

export function signInToken(secret: string, salt: string): string {
  return createHmac('sha256', secret).update(`sign-in:v1:${salt}`).digest('base64url');
}

export function signInUrl(publicBaseUrl: string, token: string): string {
  return `${publicBaseUrl}/console/sign-in/${token}`;
}

export const isWellFormedSignInToken = (token: string) => TOKEN_RE.test(token);

/** A new one-time link for a person (also for `npm start`'s printed link). */
export async function createSignInLink(db: Kysely<DB>, tokenSecret: string, publicBaseUrl: string, personId: number, now = new Date()) {
  const salt = randomBytes(24).toString('base64url');
  const token = signInToken(tokenSecret, salt);
  const row = await insertSignInLink(db, { personId, salt, tokenHash: hashToken(token), expiresAt: new Date(now.getTime() + SIGN_IN_LINK_TTL_MS) });
  return { id: row.id, url: signInUrl(publicBaseUrl, token) };
}

export function renderSignInEmail(locale: Locale, name: string, url: string) {
  const w = consoleWords(locale).mail;
  const blocks = [{ p: w.hello(name) }, { p: w.body }, { textOnly: url }, { button: w.button, href: url }, { muted: w.notYou }];
  return { subject: w.subject, text: renderText(locale, blocks), html: renderHtml(locale, w.subject, blocks) };
}

/**
 * Someone asks for a link for `email` (`returnTo`: a console path, already checked, that the link
 * comes back to after signing in). Resolves once the request is recorded; the email goes
 * out afterwards (`sending` resolves when it was sent or given up, for tests and the log).
 * Unknown, inactive and over-the-limit addresses get nothing, and the caller cannot tell.
 */
export async function requestSignInLink(deps: SignInDeps, email: string, now = new Date(), returnTo?: string): Promise<{ sending: Promise<void> }> {
  const person = await findPersonByEmail(deps.db, email.trim().toLowerCase());
  if (!person || !person.active) {
    deps.log.info({ reason: person ? 'inactive' : 'unknown' }, 'sign-in link not sent');
    return { sending: Promise.resolve() };
  }
  const recent = await countRecentSignInLinks(deps.db, person.id, new Date(now.getTime() - SIGN_IN_LINK_TTL_MS));
  if (recent >= MAX_LINKS_PER_ADDRESS) {
    deps.log.warn({ personId: person.id }, 'sign-in link not sent: too many for this address');
    return { sending: Promise.resolve() };
  }
  const link = await createSignInLink(deps.db, deps.tokenSecret, deps.publicBaseUrl, person.id, now);
  // The page the person asked for before signing in (a path checked by the caller) rides on the link.
  const url = returnTo ? `${link.url}?next=${encodeURIComponent(returnTo)}` : link.url;
  return { sending: sendSignInEmail(deps, link.id, { name: person.name, email: person.email, locale: person.locale }, url) };
}

async function sendSignInEmail(deps: SignInDeps, linkId: number, to: { name: string; email: string; locale: Locale }, url: string): Promise<void> {
  if (!deps.mailer) {
    deps.log.warn({ linkId }, 'sign-in link not sent: no mailer in this process');
    return;
  }
  const delays = deps.retryDelaysMs ?? [0, 2_000, 10_000, 30_000];
  const rendered = renderSignInEmail(to.locale, to.name, url);
  for (const delay of delays) {
    if (delay) await new Promise((r) => setTimeout(r, delay));
    try {
      await deps.mailer.send({
        to: { name: to.name, address: to.email },
        messageId: messageIdFor(hashToken(`sign-in:${linkId}`).slice(0, 40), deps.mailer.from),
        headers: { 'Auto-Submitted': 'auto-generated' },
        ...rendered,
      });
      await recordSignInSend(deps.db, linkId, { sent: true }).catch(() => undefined);
      return;
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      deps.log.warn({ linkId, err: message }, 'sign-in email not sent yet');
      await recordSignInSend(deps.db, linkId, { sent: false, error: message }).catch(() => undefined);
    }
  }
}

/** Who a link would sign in, without using it (the confirmation page: mail scanners open links). */
export async function peekSignInLink(db: Kysely<DB>, token: string, now = new Date()) {
  if (!isWellFormedSignInToken(token)) return undefined;
  return findUsableSignInLink(db, hashToken(token), now);
}

/** Uses the link and opens a session: the session token (for the cookie), or undefined when the link is not usable. */
export async function signInWithLink(
  db: Kysely<DB>,
  token: string,
  policy: SessionPolicy,
  now = new Date(),
): Promise<{ sessionToken: string; expiresAt: Date } | undefined> {
  if (!isWellFormedSignInToken(token)) return undefined;
  return db.transaction().execute(async (tx) => {
    const link = await useSignInLink(tx, hashToken(token), now);
    if (!link) return undefined;
    const opened = await openSession(tx, link.personId, policy, now);
    const person = await tx.selectFrom('people').select(['email', 'name']).where('id', '=', link.personId).executeTakeFirstOrThrow();
    await writeAudit(tx, {
      actor: actorOf(person),
      action: 'console.signed-in',
      cycleId: null,
      subject: `person:${person.email}`,
      detail: { linkId: link.id },
    });
    return opened;
  });
}

/** A new session for a person (after a link is used; tests use it directly). */
export async function openSession(db: Kysely<DB>, personId: number, policy: SessionPolicy, now = new Date()) {
  const sessionToken = randomBytes(32).toString('base64url');
  const expiresAt = new Date(now.getTime() + policy.absoluteMs);
  await insertSession(db, { personId, tokenHash: hashToken(sessionToken), expiresAt });
  return { sessionToken, expiresAt };
}

/** The person behind a session token, or undefined (unknown, signed out, idle too long, past its end, person inactive). */
export async function resolveSession(db: Kysely<DB>, sessionToken: string, policy: SessionPolicy, now = new Date()): Promise<SessionPerson | undefined> {
  if (!isWellFormedSignInToken(sessionToken)) return undefined;
  return touchSession(db, hashToken(sessionToken), now, new Date(now.getTime() - policy.idleMs));
}

export async function signOut(db: Kysely<DB>, sessionToken: string, person: { name: string; email: string } | undefined): Promise<void> {
  if (!isWellFormedSignInToken(sessionToken)) return;
  await endSession(db, hashToken(sessionToken));
  if (person) await writeAudit(db, { actor: actorOf(person), action: 'console.signed-out', cycleId: null, subject: `person:${person.email}` });
}

/** How a signed-in person appears in the audit log: their name and email. */
export function actorOf(person: { name: string; email: string }): string {
  return `${person.name} <${person.email}>`;
}
