/**
 * The console session as the HTTP layer sees it: the cookie (HttpOnly, SameSite=Lax, Secure and
 * `__Host-` prefixed behind https), the signed-in person as a Principal, and the same-origin
 * check for anything a session changes.
 */
import type { Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import type { Kysely } from 'kysely';
import type { Locale, Role } from '../contract';
import { type SessionPolicy, actorOf, resolveSession } from '../core/sign-in';
import type { DB } from '../db/schema';
import type { Mailer } from '../mail/mailer';

/** What the console needs besides ApiDeps' database and Temporal. */
export interface ConsoleOptions {
  tokenSecret: string;
  /** Sends sign-in emails from the API process; absent: links are logged as not sent. */
  mailer: Mailer | undefined;
  sessionPolicy: SessionPolicy;
  /** Secure cookies (PUBLIC_BASE_URL is https). */
  secureCookie: boolean;
  /** Sign-in requests per client address and minute (per replica); false turns it off (tests). */
  signInRateLimit?: { perMinute: number; burst: number } | false;
  /** Milliseconds between sign-in email attempts (tests shorten them). */
  mailRetryDelaysMs?: number[];
  /** Whether the SMTP server accepts connections (the operations page's health). */
  smtpReachable?: () => Promise<boolean>;
}

export interface SignedInPerson {
  id: number;
  email: string;
  name: string;
  roles: Role[];
  locale: Locale;
  /** Manages someone active (people.manager_id): the "My team" home is theirs. */
  manages: boolean;
}

export const sessionCookieName = (secure: boolean) => (secure ? '__Host-okr_console' : 'okr_console');

export function readSessionToken(c: Context, secure: boolean): string | undefined {
  return getCookie(c, sessionCookieName(secure));
}

export function setSessionCookie(c: Context, token: string, expiresAt: Date, secure: boolean): void {
  setCookie(c, sessionCookieName(secure), token, { httpOnly: true, sameSite: 'Lax', secure, path: '/', expires: expiresAt });
}

export function clearSessionCookie(c: Context, secure: boolean): void {
  deleteCookie(c, sessionCookieName(secure), { path: '/', secure, httpOnly: true, sameSite: 'Lax' });
}

/** The person signed in with this request's cookie, or undefined. */
export async function sessionPerson(
  c: Context,
  db: Kysely<DB>,
  options: Pick<ConsoleOptions, 'secureCookie' | 'sessionPolicy'>,
): Promise<SignedInPerson | undefined> {
  const token = readSessionToken(c, options.secureCookie);
  if (!token) return undefined;
  const found = await resolveSession(db, token, options.sessionPolicy);
  return found ? { id: found.personId, email: found.email, name: found.name, roles: found.roles, locale: found.locale, manages: found.manages } : undefined;
}

export const personActor = actorOf;

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * A request that a session may make: reads always; writes only from our own pages (Origin is
 * ours, or the browser says Sec-Fetch-Site: same-origin). The task forms use the same rule.
 */
export function sameOriginOrSafe(c: Context, publicOrigin: string): boolean {
  if (SAFE_METHODS.has(c.req.method)) return true;
  const origin = c.req.header('origin');
  if (origin) return origin === publicOrigin;
  return c.req.header('sec-fetch-site') === 'same-origin';
}
