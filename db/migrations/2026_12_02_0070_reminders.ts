/**
 * Indexes for the cycle dashboard, its exports and HR's personal reminders (which need no table
 * of their own: an outbox row keyed by task and day). Frozen in time.
 */
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  // Completion of one step (kind, round) of a cycle, by department or manager.
  await db.schema.createIndex('tasks_cycle_kind_round_idx').on('tasks').columns(['cycle_id', 'kind', 'round', 'status']).execute();
  // The latest step of a phase.
  await db.schema.createIndex('tasks_cycle_phase_idx').on('tasks').columns(['cycle_id', 'phase', 'id']).execute();
  // Overdue people: open tasks past their due time, the longest overdue first.
  await db.schema.createIndex('tasks_open_due_idx').on('tasks').columns(['cycle_id', 'due_at']).where(sql.ref('status'), '=', 'open').execute();
  // The latest check-in week's confidence.
  await db.schema.createIndex('checkins_cycle_week_idx').on('checkins').columns(['cycle_id', 'week', 'confidence']).execute();
  await db.schema.createIndex('nominations_cycle_idx').on('nominations').column('cycle_id').execute();
  // Choosing participants by department.
  await db.schema.createIndex('people_department_idx').on('people').column('department').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const name of [
    'people_department_idx',
    'nominations_cycle_idx',
    'checkins_cycle_week_idx',
    'tasks_open_due_idx',
    'tasks_cycle_phase_idx',
    'tasks_cycle_kind_round_idx',
  ]) {
    await db.schema.dropIndex(name).ifExists().execute();
  }
}
