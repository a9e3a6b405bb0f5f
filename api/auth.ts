/**
 * Bearer API keys with roles. The bootstrap key from configuration holds both roles; other keys
 * are stored as SHA-256 hashes in `api_keys`. A missing, wrong or revoked key is 401; a key
 * without the route's role is 403.
 */
import { timingSafeEqual } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import type { Kysely } from 'kysely';
import { ErrorCode } from '../contract';
import { hashToken } from '../core/tokens';
import type { DB } from '../db/schema';
import { AppError } from './errors';

export const API_ROLES = ['hr', 'admin'] as const;
export type ApiRole = (typeof API_ROLES)[number];

export interface Principal {
  /** For the audit log: "bootstrap" or "key:<id>:<name>". */
  actor: string;
  roles: ApiRole[];
}

export type AuthEnv = { Variables: { principal: Principal } };

function sameSecret(a: string, b: string): boolean {
  const ab = Buffer.from(hashToken(a));
  const bb = Buffer.from(hashToken(b));
  return timingSafeEqual(ab, bb);
}

export function createAuthenticator(db: Kysely<DB>, bootstrapKey: string | undefined) {
  return async function authenticate(header: string | undefined): Promise<Principal> {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
    if (!match) throw new AppError(ErrorCode.unauthorized, 'an API key is required: Authorization: Bearer <key>');
    const key = match[1]!;
    if (bootstrapKey && sameSecret(key, bootstrapKey)) return { actor: 'bootstrap', roles: ['hr', 'admin'] };
    const row = await db
      .selectFrom('api_keys')
      .select(['id', 'name', 'role'])
      .where('key_hash', '=', hashToken(key))
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    if (!row) throw new AppError(ErrorCode.unauthorized, 'the API key is not valid');
    return { actor: `key:${row.id}:${row.name}`, roles: [row.role as ApiRole] };
  };
}

/** Requires a valid key holding one of `roles`. */
export function requireRole(authenticate: ReturnType<typeof createAuthenticator>, ...roles: ApiRole[]): MiddlewareHandler<AuthEnv> {
  return async (c, next) => {
    const principal = await authenticate(c.req.header('authorization'));
    if (!principal.roles.some((r) => roles.includes(r))) {
      throw new AppError(ErrorCode.forbidden, `this action needs the role ${roles.join(' or ')}`);
    }
    c.set('principal', principal);
    await next();
  };
}
