/**
 * Indexes for "My team" and "My department": their queries read a few people's tasks and
 * check-ins in one cycle (a team, a department), and the nudge rate limit counts one sender's
 * recent nudges in the audit log. Frozen in time.
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  // A team's or a department's tasks of a cycle (13 check-in weeks and more per person).
  await db.schema.createIndex('tasks_cycle_person_idx').on('tasks').columns(['cycle_id', 'person_id']).execute();
  // Their check-ins: the confidence trend and the latest confidence.
  await db.schema.createIndex('checkins_cycle_person_idx').on('checkins').columns(['cycle_id', 'person_id', 'week']).execute();
  // Nudges one sender sent in the last hour.
  await db.schema.createIndex('audit_log_actor_action_idx').on('audit_log').columns(['actor', 'action', 'at']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('audit_log_actor_action_idx').execute();
  await db.schema.dropIndex('checkins_cycle_person_idx').execute();
  await db.schema.dropIndex('tasks_cycle_person_idx').execute();
}
