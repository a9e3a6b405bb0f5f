/**
 * Who is calling: a bearer API key (integrations) or a console session (people, by cookie).
 * The bootstrap key from configuration holds both roles; other keys are stored as SHA-256 hashes
 * in `api_keys`. A person's roles are their `people.roles` (hr, admin). A missing, wrong or
 * revoked key, or no live session, is 401; a caller without the route's role is 403. A session
 * may change something only from our own origin (403 otherwise): cookies ride along on
 * cross-site requests, keys do not.
 */
import { timingSafeEqual } from 'node:crypto';
import type { Context, MiddlewareHandler } from 'hono';
import type { Kysely } from 'kysely';
import { ErrorCode } from '../contract';
import { hashToken } from '../core/tokens';
import type { DB } from '../db/schema';
import { AppError } from './errors';
import { type ConsoleOptions, type SignedInPerson, personActor, readSessionToken, sameOriginOrSafe, sessionPerson } from './session';

export const API_ROLES = ['hr', 'admin'] as const;
export type ApiRole = (typeof API_ROLES)[number];

export interface Principal {
  /** For the audit log: "bootstrap", "key:<id>:<name>", or "Name <email>" for a signed-in person. */
  actor: string;
  roles: ApiRole[];
  /** Set when the caller is a signed-in person (console session). */
  person?: SignedInPerson;
}

export type AuthEnv = { Variables: { principal: Principal } };

function sameSecret(a: string, b: string): boolean {
  const ab = Buffer.from(hashToken(a));
  const bb = Buffer.from(hashToken(b));
  return timingSafeEqual(ab, bb);
}

/** The API roles among a person's roles. */
export function apiRolesOf(roles: readonly string[]): ApiRole[] {
  return API_ROLES.filter((r) => roles.includes(r));
}

export interface SessionAuth extends Pick<ConsoleOptions, 'secureCookie' | 'sessionPolicy'> {
  publicOrigin: string;
}

export function createAuthenticator(db: Kysely<DB>, bootstrapKey: string | undefined, sessions?: SessionAuth) {
  async function byKey(key: string): Promise<Principal> {
    if (bootstrapKey && sameSecret(key, bootstrapKey)) return { actor: 'bootstrap', roles: ['hr', 'admin'] };
    const row = await db
      .selectFrom('api_keys')
      .select(['id', 'name', 'role'])
      .where('key_hash', '=', hashToken(key))
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    if (!row) throw new AppError(ErrorCode.unauthorized, 'the API key is not valid');
    return { actor: `key:${row.id}:${row.name}`, roles: [row.role as ApiRole] };
  }

  return async function authenticate(c: Context): Promise<Principal> {
    const header = c.req.header('authorization');
    if (header === undefined && sessions && readSessionToken(c, sessions.secureCookie)) {
      const person = await sessionPerson(c, db, sessions);
      if (!person) throw new AppError(ErrorCode.unauthorized, 'the console session has ended; sign in again');
      if (!sameOriginOrSafe(c, sessions.publicOrigin)) throw new AppError(ErrorCode.forbidden, 'a signed-in change must come from the console itself (Origin)');
      return { actor: personActor(person), roles: apiRolesOf(person.roles), person };
    }
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
    if (!match) throw new AppError(ErrorCode.unauthorized, 'an API key is required: Authorization: Bearer <key>');
    return byKey(match[1]!);
  };
}

export type Authenticate = ReturnType<typeof createAuthenticator>;

/** Requires a valid key or session holding one of `roles`. */
export function requireRole(authenticate: Authenticate, ...roles: ApiRole[]): MiddlewareHandler<AuthEnv> {
  return async (c, next) => {
    const principal = await authenticate(c);
    if (!principal.roles.some((r) => roles.includes(r))) {
      throw new AppError(ErrorCode.forbidden, `this action needs the role ${roles.join(' or ')}`);
    }
    c.set('principal', principal);
    await next();
  };
}
