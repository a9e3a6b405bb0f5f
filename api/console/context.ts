/**
 * What every console router gets, and the guard every console page sits behind.
 *
 * `requireSession(ctx, ...roles)`: no live session → 303 to /console/sign-in (a page asked for
 * with GET comes back after signing in: `?next=` carries its path); a session without one of
 * `roles` → 403 page in the person's language. Without roles: any signed-in person (the
 * personal homes, which check who sees what themselves: core/visibility.ts). The signed-in person is then
 * `c.var.principal.person` (and `c.var.principal.actor` is how the audit log names them).
 */
import type { Hono, MiddlewareHandler } from 'hono';
import type { Locale } from '../../contract';
import { type ApiRole, type AuthEnv, type Authenticate, type Principal, apiRolesOf } from '../auth';
import type { ApiDeps } from '../deps';
import { type ConsoleOptions, type SignedInPerson, personActor, sessionPerson } from '../session';
import { forbiddenPage, respond } from './layout';

export interface ConsoleContext {
  deps: ApiDeps;
  options: ConsoleOptions;
  /** The JSON API's authenticator (key or session), for console routes that answer JSON. */
  auth: Authenticate;
  publicOrigin: string;
}

export type ConsoleEnv = AuthEnv;

/** A console router: mounted under /console by api/console/index.ts. */
export type ConsoleSection = (ctx: ConsoleContext) => Hono<ConsoleEnv>;

export function principalOf(person: SignedInPerson): Principal {
  return { actor: personActor(person), roles: apiRolesOf(person.roles), person };
}

export function requireSession(ctx: ConsoleContext, ...roles: ApiRole[]): MiddlewareHandler<ConsoleEnv> {
  return async (c, next) => {
    const person = await sessionPerson(c, ctx.deps.db, ctx.options);
    if (!person) return c.redirect(signInPathFor(c.req.method, c.req.url), 303);
    const principal = principalOf(person);
    c.set('principal', principal);
    if (roles.length && !roles.some((r) => principal.roles.includes(r))) return respond(c, forbiddenPage(person, roles), 403);
    await next();
  };
}

/** The sign-in page, with the page to come back to when it was a GET of a console page other than the home. */
export function signInPathFor(method: string, url: string): string {
  const u = new URL(url);
  const back = `${u.pathname}${u.search}`;
  if (method !== 'GET' || u.pathname === '/console' || u.pathname === '/console/' || safeReturnPath(back) === undefined) return '/console/sign-in';
  return `/console/sign-in?next=${encodeURIComponent(back)}`;
}

/**
 * A return path we may redirect to after signing in: only a relative path of a console page on
 * our own origin (`/console/...`), never another site (`//evil`, a backslash, `https://…`), never the
 * sign-in pages themselves; undefined otherwise.
 */
export function safeReturnPath(next: unknown): string | undefined {
  if (typeof next !== 'string' || next.length > 500 || !next.startsWith('/console/')) return undefined;
  if (/[\\\u0000-\u001f\u007f]/.test(next) || next.startsWith('//')) return undefined;
  let parsed: URL;
  try {
    parsed = new URL(next, 'http://same.invalid');
  } catch {
    return undefined;
  }
  if (parsed.origin !== 'http://same.invalid' || !parsed.pathname.startsWith('/console/') || parsed.pathname.startsWith('/console/sign-')) return undefined;
  return `${parsed.pathname}${parsed.search}`;
}

/** The signed-in person of a guarded route. */
export function personOf(c: { var: { principal: Principal } }): SignedInPerson {
  const person = c.var.principal.person;
  if (!person) throw new Error('personOf() outside requireSession');
  return person;
}

export const localeOf = (c: { var: { principal: Principal } }): Locale => personOf(c).locale;
