/**
 * Execution items added by integrations (a Jira or GitHub bridge) next to the ones a check-in
 * records: a link to the item elsewhere, where it came from (`checkin` or `api`), and the
 * caller's own id for it, unique per key result, so the same item posted twice is one row (the
 * second post is a 409); and the indexes a person's own record is read by ("Me": their tasks,
 * the reviews about them, their check-ins, their cycles). Frozen in time: takes Kysely<any>, imports no application code.
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
  await db.schema.createIndex('tasks_person_status_idx').on('tasks').columns(['person_id', 'status']).execute();
  await db.schema
    .createIndex('tasks_subject_idx')
    .on('tasks')
    .columns(['subject_person_id', 'cycle_id'])
    .where(sql.ref('subject_person_id'), 'is not', null)
    .execute();
  await db.schema.createIndex('checkins_person_cycle_idx').on('checkins').columns(['person_id', 'cycle_id', 'week']).execute();
  await db.schema.createIndex('cycle_participants_person_idx').on('cycle_participants').column('person_id').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const name of ['cycle_participants_person_idx', 'checkins_person_cycle_idx', 'tasks_subject_idx', 'tasks_person_status_idx'])
    await db.schema.dropIndex(name).ifExists().execute();
  await db.schema.dropIndex('execution_items_person_cycle_idx').ifExists().execute();
  await sql`drop index if exists execution_items_external_once`.execute(db);
  await db.schema.alterTable('execution_items').dropColumn('external_id').dropColumn('source').dropColumn('url').execute();
}
