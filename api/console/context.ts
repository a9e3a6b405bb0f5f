/**
 * What every console router gets, and the guard every console page sits behind.
 *
 * `requireSession(ctx, ...roles)`: no live session → 303 to /console/sign-in; a session without
 * one of `roles` → 403 page in the person's language. The signed-in person is then
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
    if (!person) return c.redirect('/console/sign-in', 303);
    const principal = principalOf(person);
    c.set('principal', principal);
    if (!roles.some((r) => principal.roles.includes(r))) return respond(c, forbiddenPage(person, roles), 403);
    await next();
  };
}

/** The signed-in person of a guarded route. */
export function personOf(c: { var: { principal: Principal } }): SignedInPerson {
  const person = c.var.principal.person;
  if (!person) throw new Error('personOf() outside requireSession');
  return person;
}

export const localeOf = (c: { var: { principal: Principal } }): Locale => personOf(c).locale;
