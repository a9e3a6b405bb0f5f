/**
 * The whole cycle: tasks about another person (reviews, calibrations), check-ins with their
 * execution items (OKR-E), out-of-office weeks, review decisions, scores, nominations, votes
 * and awards. Frozen in time: takes Kysely<any>, imports no application code.
 * Needs PostgreSQL 15 or newer (UNIQUE NULLS NOT DISTINCT).
 */
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('tasks')
    .addColumn('subject_person_id', 'integer', (c) => c.references('people.id'))
    .execute();
  await db.schema.alterTable('tasks').dropConstraint('tasks_business_key').execute();
  await sql`alter table tasks add constraint tasks_identity unique nulls not distinct (cycle_id, kind, round, person_id, subject_person_id)`.execute(db);
  await db.schema
    .alterTable('tasks')
    .addColumn('escalations_sent', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();

  await db.schema
    .alterTable('cycles')
    .addColumn('hr_person_id', 'integer', (c) => c.references('people.id'))
    .execute();
  await db.schema.alterTable('cycle_participants').addColumn('score', 'double precision').execute();
  await db.schema.alterTable('objectives').addColumn('score', 'double precision').execute();
  await db.schema
    .alterTable('objectives')
    .addColumn('round', 'integer', (c) => c.notNull().defaultTo(1))
    .execute();
  await db.schema.alterTable('key_results').addColumn('done', 'boolean').execute();
  await db.schema.alterTable('key_results').addColumn('score_comment', 'text').execute();

  await db.schema
    .createTable('reviews')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('task_id', 'integer', (c) => c.notNull().unique().references('tasks.id').onDelete('cascade'))
    .addColumn('cycle_id', 'integer', (c) => c.notNull().references('cycles.id').onDelete('cascade'))
    .addColumn('reviewer_id', 'integer', (c) => c.notNull().references('people.id'))
    .addColumn('subject_id', 'integer', (c) => c.notNull().references('people.id'))
    .addColumn('round', 'integer', (c) => c.notNull())
    .addColumn('decision', 'text', (c) => c.notNull())
    .addColumn('comment', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  await db.schema
    .createTable('checkins')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('task_id', 'integer', (c) => c.notNull().unique().references('tasks.id').onDelete('cascade'))
    .addColumn('cycle_id', 'integer', (c) => c.notNull().references('cycles.id').onDelete('cascade'))
    .addColumn('person_id', 'integer', (c) => c.notNull().references('people.id'))
    .addColumn('week', 'integer', (c) => c.notNull())
    .addColumn('confidence', 'integer', (c) => c.notNull())
    .addColumn('report', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('values', 'jsonb', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  await db.schema
    .createTable('execution_items')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('cycle_id', 'integer', (c) => c.notNull().references('cycles.id').onDelete('cascade'))
    .addColumn('person_id', 'integer', (c) => c.notNull().references('people.id'))
    .addColumn('key_result_id', 'integer', (c) => c.notNull().references('key_results.id').onDelete('cascade'))
    .addColumn('checkin_id', 'integer', (c) => c.references('checkins.id').onDelete('cascade'))
    .addColumn('week', 'integer', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('execution_items_kr_idx').on('execution_items').column('key_result_id').execute();

  await db.schema
    .createTable('absences')
    .addColumn('person_id', 'integer', (c) => c.notNull().references('people.id').onDelete('cascade'))
    .addColumn('week_start', 'date', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('absences_pk', ['person_id', 'week_start'])
    .execute();

  await db.schema
    .createTable('nominations')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('cycle_id', 'integer', (c) => c.notNull().references('cycles.id').onDelete('cascade'))
    .addColumn('task_id', 'integer', (c) => c.notNull().references('tasks.id').onDelete('cascade'))
    .addColumn('nominator_id', 'integer', (c) => c.notNull().references('people.id'))
    .addColumn('objective_id', 'integer', (c) => c.references('objectives.id'))
    .addColumn('person_id', 'integer', (c) => c.references('people.id'))
    .addColumn('citation', 'text', (c) => c.notNull())
    .addColumn('winner', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  await db.schema
    .createTable('votes')
    .addColumn('nomination_id', 'integer', (c) => c.notNull().references('nominations.id').onDelete('cascade'))
    .addColumn('voter_id', 'integer', (c) => c.notNull().references('people.id'))
    .addColumn('task_id', 'integer', (c) => c.notNull().references('tasks.id').onDelete('cascade'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('votes_pk', ['nomination_id', 'voter_id'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of ['votes', 'nominations', 'absences', 'execution_items', 'checkins', 'reviews']) await db.schema.dropTable(t).ifExists().execute();
  await db.schema.alterTable('key_results').dropColumn('score_comment').dropColumn('done').execute();
  await db.schema.alterTable('objectives').dropColumn('round').dropColumn('score').execute();
  await db.schema.alterTable('cycle_participants').dropColumn('score').execute();
  await db.schema.alterTable('cycles').dropColumn('hr_person_id').execute();
  await db.schema.alterTable('tasks').dropConstraint('tasks_identity').execute();
  await db.schema.alterTable('tasks').dropColumn('escalations_sent').dropColumn('subject_person_id').execute();
  await db.schema.alterTable('tasks').addUniqueConstraint('tasks_business_key', ['cycle_id', 'kind', 'round', 'person_id']).execute();
}
