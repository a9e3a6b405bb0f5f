/**
 * What a task page needs besides the task: the kind's context (`kinds[kind].handler.context`) and
 * the cycle's time zone.
 */
import type { Kysely } from 'kysely';
import type { TaskContext } from '../../core/task-access';
import { type KindContext, kinds, loadTaskRef } from '../../kinds';
import type { DB } from '../../db/schema';

export function emptyKindContext(): KindContext {
  return { values: null, notes: [], parents: [], keyResults: [], objectives: [], nominations: [], subject: null };
}

export async function loadKindContext(db: Kysely<DB>, task: TaskContext): Promise<KindContext> {
  const ref = await loadTaskRef(db, task.id);
  // The task was just found by its token; it can only be missing if it was deleted since.
  if (!ref) return emptyKindContext();
  return kinds[task.kind].handler.context(db, ref);
}
