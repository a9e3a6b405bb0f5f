/**
 * API keys for programs and people who call the API. A key is `okr_` + 32 random bytes
 * (base64url); it is returned once, when it is created, and only its SHA-256 is stored — the
 * authenticator (api/auth.ts) finds a key by hashing what it is given. Revoking sets
 * `revoked_at`; a revoked key is refused like an unknown one. Every change is audited.
 */
import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import { ErrorCode } from '../contract';
import type { DB } from '../db/schema';
import { AppError } from './errors';
import { hashToken } from './tokens';

export const API_KEY_ROLES = ['hr', 'admin'] as const;
export type ApiKeyRole = (typeof API_KEY_ROLES)[number];

export const API_KEY_PREFIX = 'okr_';

export interface ApiKeyInfo {
  id: number;
  name: string;
  role: ApiKeyRole;
  createdAt: string;
  revokedAt: string | null;
}

export interface CreatedApiKey {
  id: number;
  name: string;
  role: ApiKeyRole;
  /** The plain key: shown once, never stored. */
  key: string;
  createdAt: string;
}

export function generateApiKey(): string {
  return API_KEY_PREFIX + randomBytes(32).toString('base64url');
}

const iso = (d: Date | string) => new Date(d).toISOString();

export async function createApiKey(db: Kysely<DB>, input: { name: string; role: ApiKeyRole }, actor: string): Promise<CreatedApiKey> {
  const key = generateApiKey();
  return db.transaction().execute(async (tx) => {
    const row = await tx
      .insertInto('api_keys')
      .values({ name: input.name, role: input.role, key_hash: hashToken(key) })
      .returning(['id', 'name', 'role', 'created_at'])
      .executeTakeFirstOrThrow();
    await tx
      .insertInto('audit_log')
      .values({ actor, action: 'api-key.created', cycle_id: null, subject: `api-key:${row.id}`, detail: JSON.stringify({ name: row.name, role: row.role }) })
      .execute();
    return { id: row.id, name: row.name, role: row.role as ApiKeyRole, key, createdAt: iso(row.created_at) };
  });
}

/** Every key, newest first, revoked ones included; never the hash. */
export async function listApiKeys(db: Kysely<DB>): Promise<ApiKeyInfo[]> {
  const rows = await db.selectFrom('api_keys').select(['id', 'name', 'role', 'created_at', 'revoked_at']).orderBy('id', 'desc').execute();
  return rows.map((r) => ({ id: r.id, name: r.name, role: r.role as ApiKeyRole, createdAt: iso(r.created_at), revokedAt: r.revoked_at ? iso(r.revoked_at) : null }));
}

/**
 * Revokes a key. Unknown id → NOT_FOUND; an already revoked key is left as it is (the first
 * revocation time stays) and nothing more is audited. Returns whether this call revoked it.
 */
export async function revokeApiKey(db: Kysely<DB>, id: number, actor: string): Promise<{ revoked: boolean }> {
  return db.transaction().execute(async (tx) => {
    const row = await tx.selectFrom('api_keys').select(['id', 'name', 'role', 'revoked_at']).where('id', '=', id).forUpdate().executeTakeFirst();
    if (!row) throw new AppError(ErrorCode.notFound, `no API key with id ${id}`);
    if (row.revoked_at) return { revoked: false };
    await tx.updateTable('api_keys').set({ revoked_at: new Date() }).where('id', '=', id).execute();
    await tx
      .insertInto('audit_log')
      .values({ actor, action: 'api-key.revoked', cycle_id: null, subject: `api-key:${id}`, detail: JSON.stringify({ name: row.name, role: row.role }) })
      .execute();
    return { revoked: true };
  });
}
