/**
 * Indexes that let one dashboard read at 10,000 people run on index-only scans of the rows it
 * needs (measured with EXPLAIN ANALYZE, docs/performance.md "Console"). Frozen in time.
 *
 * - Current objectives of a cycle, with the columns coverage, the alignment tree's links and
 *   "not approved" read (superseded rounds left out of the index).
 * - Active participants of a cycle with their score (the score histogram, "not approved").
 * - Overdue tasks in the dashboard's order (due time, then id): the 100 longest overdue are read
 *   straight off the index instead of sorting every open task of the cycle. It replaces
 *   tasks_open_due_idx (same rows, one column more).
 */
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`create index objectives_cycle_current_idx on objectives (cycle_id, owner_id) include (status, parent_objective_id, id) where status <> 'superseded'`.execute(
    db,
  );
  await sql`create index cycle_participants_active_idx on cycle_participants (cycle_id, person_id) include (score) where removed_at is null`.execute(db);
  await db.schema.createIndex('tasks_open_due_id_idx').on('tasks').columns(['cycle_id', 'due_at', 'id']).where(sql.ref('status'), '=', 'open').execute();
  await db.schema.dropIndex('tasks_open_due_idx').ifExists().execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.createIndex('tasks_open_due_idx').on('tasks').columns(['cycle_id', 'due_at']).where(sql.ref('status'), '=', 'open').execute();
  for (const name of ['tasks_open_due_id_idx', 'cycle_participants_active_idx', 'objectives_cycle_current_idx']) {
    await db.schema.dropIndex(name).ifExists().execute();
  }
}
