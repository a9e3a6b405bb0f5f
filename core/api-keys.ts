/**
 * API keys for programs and people who call the API. A key is `okr_` + 32 random bytes
 * (base64url); it is returned once, when it is created, and only its SHA-256 is stored — the
 * authenticator (api/auth.ts) finds a key by hashing what it is given. Revoking sets
 * `revoked_at`; a revoked key is refused like an unknown one. Every change is audited.
 */
import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import { API_KEY_ROLES, type ApiKeyRole, ErrorCode } from '../contract';
import { insertApiKey, listApiKeyRows, lockApiKey, markApiKeyRevoked } from '../db/api-keys';
import { writeAudit } from '../db/audit';
import type { DB } from '../db/schema';
import { AppError } from './errors';
import { hashToken } from './tokens';

export { API_KEY_ROLES, type ApiKeyRole };

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
    const row = await insertApiKey(tx, { name: input.name, role: input.role, keyHash: hashToken(key) });
    await writeAudit(tx, { actor, action: 'api-key.created', cycleId: null, subject: `api-key:${row.id}`, detail: { name: row.name, role: row.role } });
    return { id: row.id, name: row.name, role: row.role, key, createdAt: iso(row.created_at) };
  });
}

/** Every key, newest first, revoked ones included; never the hash. */
export async function listApiKeys(db: Kysely<DB>): Promise<ApiKeyInfo[]> {
  const rows = await listApiKeyRows(db);
  return rows.map((r) => ({ id: r.id, name: r.name, role: r.role, createdAt: iso(r.created_at), revokedAt: r.revoked_at ? iso(r.revoked_at) : null }));
}

/**
 * Revokes a key. Unknown id → NOT_FOUND; an already revoked key is left as it is (the first
 * revocation time stays) and nothing more is audited. Returns whether this call revoked it.
 */
export async function revokeApiKey(db: Kysely<DB>, id: number, actor: string): Promise<{ revoked: boolean }> {
  return db.transaction().execute(async (tx) => {
    const row = await lockApiKey(tx, id);
    if (!row) throw new AppError(ErrorCode.notFound, `no API key with id ${id}`);
    if (row.revoked_at) return { revoked: false };
    await markApiKeyRevoked(tx, id);
    await writeAudit(tx, { actor, action: 'api-key.revoked', cycleId: null, subject: `api-key:${id}`, detail: { name: row.name, role: row.role } });
    return { revoked: true };
  });
}
