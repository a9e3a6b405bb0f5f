/**
 * Execution items added by integrations (a Jira or GitHub bridge) next to the ones a check-in
 * records: a link to the item elsewhere, where it came from (`checkin` or `api`), and the
 * caller's own id for it, unique per key result, so the same item posted twice is one row (the
 * second post is a 409). Frozen in time: takes Kysely<any>, imports no application code.
 */
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('execution_items')
    .addColumn('url', 'text')
    .addColumn('source', 'text', (c) => c.notNull().defaultTo('checkin'))
    .addColumn('external_id', 'text')
    .execute();
  await sql`create unique index execution_items_external_once on execution_items (key_result_id, external_id) where external_id is not null`.execute(db);
  await db.schema.createIndex('execution_items_person_cycle_idx').on('execution_items').columns(['person_id', 'cycle_id']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('execution_items_person_cycle_idx').ifExists().execute();
  await sql`drop index if exists execution_items_external_once`.execute(db);
  await db.schema.alterTable('execution_items').dropColumn('external_id').dropColumn('source').dropColumn('url').execute();
}
