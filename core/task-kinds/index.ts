/** The handler for each kind of task, and how to load the task a handler is given. */
import type { Kysely } from 'kysely';
import type { TaskKind } from '../../contract';
import type { DB } from '../../db/schema';
import { finalizeHandler, nominateHandler, voteHandler } from './awards';
import { checkinHandler } from './checkin';
import { draftHandler } from './draft';
import { reviewHandler, strategyReviewHandler } from './review';
import { calibrateHandler, selfScoreHandler } from './score';
import { strategyHandler } from './strategy';
import type { KindHandlers, TaskRef } from './types';

export const kindHandlers: KindHandlers = {
  strategy: strategyHandler,
  'strategy-review': strategyReviewHandler,
  draft: draftHandler,
  review: reviewHandler,
  checkin: checkinHandler,
  'self-score': selfScoreHandler,
  calibrate: calibrateHandler,
  nominate: nominateHandler,
  vote: voteHandler,
  finalize: finalizeHandler,
};

/** The task as handlers see it (for pages and replies that show `context`); undefined if there is no such task. */
export async function loadTaskRef(db: Kysely<DB>, taskId: number): Promise<TaskRef | undefined> {
  const row = await db
    .selectFrom('tasks as t')
    .innerJoin('people as p', 'p.id', 't.person_id')
    .select(['t.id', 't.kind', 't.cycle_id', 't.person_id', 't.subject_person_id', 't.round', 'p.email'])
    .where('t.id', '=', taskId)
    .executeTakeFirst();
  if (!row) return undefined;
  return {
    id: row.id,
    kind: row.kind as TaskKind,
    cycleId: row.cycle_id,
    personId: row.person_id,
    ownerEmail: row.email,
    subjectPersonId: row.subject_person_id,
    round: row.round,
  };
}

export * from './types';
