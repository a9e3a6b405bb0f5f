/**
 * Bonuses stay out of Temporal and out of tasks.result. HR's finalize submission reaches the
 * workflow without its bonus amounts and currencies: the API keeps them in award_bonus_drafts
 * (one row per winning nomination of the task) until the finalize handler, in the transaction
 * that completes the task, writes them onto the nominations and deletes them.
 *
 * The finalize tasks completed before keep their bonuses on the nominations; the copies in their
 * stored submission (tasks.result -> submission -> awards[i].bonusAmount / bonusCurrency) are
 * removed. Frozen in time: takes Kysely<any>, imports no application code.
 */
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('award_bonus_drafts')
    .addColumn('task_id', 'integer', (c) => c.notNull().references('tasks.id').onDelete('cascade'))
    .addColumn('nomination_id', 'integer', (c) => c.notNull().references('nominations.id').onDelete('cascade'))
    .addColumn('amount', 'numeric(14, 2)', (c) => c.notNull().check(sql`amount >= 0`))
    .addColumn('currency', 'char(3)', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('award_bonus_drafts_pkey', ['task_id', 'nomination_id'])
    .execute();
  // Each award detail of a finalize submission without its bonus keys, in the same order.
  await sql`
    update tasks
       set result = jsonb_set(
             result,
             '{submission,awards}',
             (select coalesce(jsonb_agg(case when jsonb_typeof(a.detail) = 'object' then a.detail - 'bonusAmount' - 'bonusCurrency' else a.detail end order by a.n), '[]'::jsonb)
                from jsonb_array_elements(result -> 'submission' -> 'awards') with ordinality as a(detail, n)))
     where kind = 'finalize'
       and jsonb_typeof(result -> 'submission' -> 'awards') = 'array'
       and exists (select 1
                     from jsonb_array_elements(result -> 'submission' -> 'awards') as d(detail)
                    where jsonb_typeof(d.detail) = 'object' and (d.detail ? 'bonusAmount' or d.detail ? 'bonusCurrency'))`.execute(db);
}

/** The removed copies cannot come back (the nominations still hold every bonus). */
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('award_bonus_drafts').ifExists().execute();
}
