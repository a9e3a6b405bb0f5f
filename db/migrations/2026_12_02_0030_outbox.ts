/**
 * The outbox shows its failures: when each email was last tried, and an index over the emails
 * that are waiting after a failure (queued with an error, or refused for good). Frozen in time.
 */
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('emails').addColumn('last_attempt_at', 'timestamptz').execute();
  await db.schema
    .createIndex('emails_troubled_idx')
    .on('emails')
    .columns(['cycle_id', 'last_attempt_at'])
    .where(sql.ref('last_error'), 'is not', null)
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('emails_troubled_idx').ifExists().execute();
  await db.schema.alterTable('emails').dropColumn('last_attempt_at').execute();
}
