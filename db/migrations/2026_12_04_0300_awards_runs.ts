/**
 * Yearly awards runs: a cycle row of kind 'awards-run' (nominate → vote → finalize → announce
 * over the OKRs of the cycles it covers), and which cycles each run covers. Quarterly cycles keep
 * kind 'okr'. Frozen in time: takes Kysely<any>, imports no application code.
 */
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('cycles')
    .addColumn('kind', 'text', (c) =>
      c
        .notNull()
        .defaultTo('okr')
        .check(sql`kind in ('okr', 'awards-run')`),
    )
    .execute();
  await db.schema
    .createTable('awards_run_cycles')
    .addColumn('run_id', 'integer', (c) => c.notNull().references('cycles.id').onDelete('cascade'))
    .addColumn('cycle_id', 'integer', (c) => c.notNull().references('cycles.id'))
    .addPrimaryKeyConstraint('awards_run_cycles_pk', ['run_id', 'cycle_id'])
    .execute();
  await db.schema.createIndex('awards_run_cycles_cycle').on('awards_run_cycles').column('cycle_id').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('awards_run_cycles').execute();
  await db.schema.alterTable('cycles').dropColumn('kind').execute();
}
