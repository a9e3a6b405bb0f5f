/** Repository: one-time sign-in links (only the SHA-256 of a link's token is stored). */
import { type Kysely, type Transaction, sql } from 'kysely';
import type { DB } from './schema';

type Db = Kysely<DB> | Transaction<DB>;

export async function insertSignInLink(db: Db, link: { personId: number; salt: string; tokenHash: string; expiresAt: Date }) {
  return db
    .insertInto('sign_in_links')
    .values({ person_id: link.personId, salt: link.salt, token_hash: link.tokenHash, expires_at: link.expiresAt })
    .returning(['id', 'created_at'])
    .executeTakeFirstOrThrow();
}

/**
 * Marks the link with this token hash used, if it is unused and not expired, and returns its
 * person. Only one of two concurrent uses gets a row back.
 */
export async function useSignInLink(db: Db, tokenHash: string, now: Date): Promise<{ id: number; personId: number } | undefined> {
  const row = await db
    .updateTable('sign_in_links')
    .set({ used_at: now })
    .where('token_hash', '=', tokenHash)
    .where('used_at', 'is', null)
    .where('expires_at', '>', now)
    .returning(['id', 'person_id'])
    .executeTakeFirst();
  return row ? { id: row.id, personId: row.person_id } : undefined;
}

/** Whether a link with this token hash exists, is unused and not expired (the confirmation page). */
export async function findUsableSignInLink(db: Db, tokenHash: string, now: Date) {
  return db
    .selectFrom('sign_in_links as l')
    .innerJoin('people as p', 'p.id', 'l.person_id')
    .select(['l.id', 'p.name', 'p.locale'])
    .where('l.token_hash', '=', tokenHash)
    .where('l.used_at', 'is', null)
    .where('l.expires_at', '>', now)
    .executeTakeFirst();
}

/** Records one attempt to send the link's email: sent, or the error. */
export async function recordSignInSend(db: Db, id: number, outcome: { sent: true } | { sent: false; error: string }): Promise<void> {
  await db
    .updateTable('sign_in_links')
    .set(
      outcome.sent
        ? { sent_at: new Date(), last_error: null, send_attempts: sql`send_attempts + 1` }
        : { last_error: outcome.error, send_attempts: sql`send_attempts + 1` },
    )
    .where('id', '=', id)
    .execute();
}

/** Links a person was sent since `since` (a cap per address that holds across API replicas). */
export async function countRecentSignInLinks(db: Db, personId: number, since: Date): Promise<number> {
  const row = await db
    .selectFrom('sign_in_links')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('person_id', '=', personId)
    .where('created_at', '>=', since)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}
