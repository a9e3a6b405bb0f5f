/**
 * Each person's own time zone (IANA name; null: the cycle's), and the overall comments of a
 * score: the participant's on their self-score, the manager's on the calibration (sent to the
 * participant with the final score); and the further citations of a nomination, so one
 * objective or person is one nomination however many people put it forward. Frozen in time: takes Kysely<any>, imports no application code.
 */
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('people').addColumn('time_zone', 'text').execute();
  await db.schema.alterTable('cycle_participants').addColumn('self_score_comment', 'text').execute();
  await db.schema.alterTable('cycle_participants').addColumn('calibration_comment', 'text').execute();
  await db.schema
    .createTable('nomination_citations')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('nomination_id', 'integer', (c) => c.notNull().references('nominations.id').onDelete('cascade'))
    .addColumn('nominator_id', 'integer', (c) => c.notNull().references('people.id'))
    .addColumn('task_id', 'integer', (c) => c.notNull().references('tasks.id').onDelete('cascade'))
    .addColumn('citation', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('nomination_citations_once', ['nomination_id', 'nominator_id'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('nomination_citations').ifExists().execute();
  await db.schema.alterTable('cycle_participants').dropColumn('calibration_comment').execute();
  await db.schema.alterTable('cycle_participants').dropColumn('self_score_comment').execute();
  await db.schema.alterTable('people').dropColumn('time_zone').execute();
}
