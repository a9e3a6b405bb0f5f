/** Repository: API keys (only their SHA-256 is stored). */
import type { Kysely, Transaction } from 'kysely';
import type { ApiKeyRole } from '../contract';
import type { DB } from './schema';

type Db = Kysely<DB> | Transaction<DB>;

export async function insertApiKey(db: Db, key: { name: string; role: ApiKeyRole; keyHash: string }) {
  return db
    .insertInto('api_keys')
    .values({ name: key.name, role: key.role, key_hash: key.keyHash })
    .returning(['id', 'name', 'role', 'created_at'])
    .executeTakeFirstOrThrow();
}

/** Every key, newest first, revoked ones included; never the hash. */
export async function listApiKeyRows(db: Db) {
  return db.selectFrom('api_keys').select(['id', 'name', 'role', 'created_at', 'revoked_at']).orderBy('id', 'desc').execute();
}

/** The key with this id, locked until the transaction ends (to revoke it once), or undefined. */
export async function lockApiKey(db: Transaction<DB>, id: number) {
  return db.selectFrom('api_keys').select(['id', 'name', 'role', 'revoked_at']).where('id', '=', id).forUpdate().executeTakeFirst();
}

export async function markApiKeyRevoked(db: Db, id: number): Promise<void> {
  await db.updateTable('api_keys').set({ revoked_at: new Date() }).where('id', '=', id).execute();
}
