/**
 * Signing people in to the console in tests.
 * - `signInAs(stack, email)`: a session opened through the repository (fast; for tests about
 *   pages, not about sign-in) — returns the Cookie header value.
 * - `signInByEmail(stack, email)`: the real way: asks for a link on the sign-in page, takes it
 *   from the test SMTP server, confirms it, and returns the cookie the console set.
 * - `consoleFetch(stack, cookie, path, init)`: a request as that person, from our own origin.
 */
import { openSession, DEFAULT_SESSION_POLICY } from '../../core/sign-in';
import { findPersonByEmail } from '../../db/people';
import type { CaughtMessage } from '../../mail/catcher';
import { sessionCookieName } from '../../api/session';
import type { TestStack } from './stack';

export async function signInAs(stack: TestStack, email: string): Promise<string> {
  const db = stack.stack.database.db;
  const person = await findPersonByEmail(db, email);
  if (!person) throw new Error(`signInAs: no person with email ${email}`);
  const { sessionToken } = await openSession(db, person.id, DEFAULT_SESSION_POLICY);
  return `${sessionCookieName(stack.config.console.secureCookie)}=${sessionToken}`;
}

/** The sign-in link in a sign-in email's text. */
export function signInLinkIn(message: CaughtMessage): string {
  const m = /(https?:\/\/\S+\/console\/sign-in\/[A-Za-z0-9_-]{43})/.exec(message.text);
  if (!m) throw new Error(`no sign-in link in the email to ${message.to}`);
  return m[1]!;
}

/** Waits for the newest sign-in email to `email` that arrived after `after` (an index into messages()). */
export async function waitForSignInEmail(stack: TestStack, email: string, after = 0, timeoutMs = 10_000): Promise<CaughtMessage> {
  const mine = (all: CaughtMessage[]) => all.slice(after).filter((m) => m.to.includes(email) && m.text.includes('/console/sign-in/'));
  const all = await stack.mail.waitFor((msgs) => mine(msgs).length > 0, timeoutMs);
  return mine(all).at(-1)!;
}

export async function signInByEmail(stack: TestStack, email: string): Promise<string> {
  const before = stack.mail.messages().length;
  const asked = await consoleFetch(stack, undefined, '/console/sign-in', { method: 'POST', form: { email } });
  if (asked.status !== 200) throw new Error(`sign-in request answered ${asked.status}`);
  const link = signInLinkIn(await waitForSignInEmail(stack, email, before));
  const confirmed = await consoleFetch(stack, undefined, new URL(link).pathname, { method: 'POST', form: {} });
  const cookie = confirmed.headers.get('set-cookie');
  if (confirmed.status !== 303 || !cookie) throw new Error(`sign-in link answered ${confirmed.status}`);
  return cookie.split(';')[0]!;
}

export async function consoleFetch(
  stack: TestStack,
  cookie: string | undefined,
  path: string,
  init: RequestInit & { form?: Record<string, string> } = {},
): Promise<Response> {
  const headers = new Headers(init.headers);
  if (cookie) headers.set('cookie', cookie);
  if (!headers.has('origin') && init.method && init.method !== 'GET') headers.set('origin', stack.base);
  let body = init.body;
  if (init.form) {
    headers.set('content-type', 'application/x-www-form-urlencoded');
    body = new URLSearchParams(init.form).toString();
  }
  return fetch(`${stack.base}${path}`, { redirect: 'manual', ...init, headers, body });
}
