/** Stalled workflow steps, as reported by the workflows for the admin API. Frozen in time. */
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('stalls')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('stall_key', 'text', (c) => c.notNull().unique())
    .addColumn('cycle_id', 'integer', (c) => c.references('cycles.id').onDelete('cascade'))
    .addColumn('workflow_id', 'text', (c) => c.notNull())
    .addColumn('phase', 'text')
    .addColumn('step', 'text', (c) => c.notNull())
    .addColumn('since', 'timestamptz', (c) => c.notNull())
    .addColumn('last_failure', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull())
    .addColumn('auto_retry_at', 'timestamptz', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('stalled'))
    .addColumn('resolved_by', 'text')
    .addColumn('resolution', 'text')
    .addColumn('resolved_at', 'timestamptz')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('stalls_status_idx').on('stalls').column('status').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('stalls').ifExists().execute();
}
