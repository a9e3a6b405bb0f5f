/**
 * The registry: one module per kind of task (kinds/<kind>/index.ts). Code outside kinds/ asks
 * `kinds[task.kind]` for the kind's schema, handler, form, recipients, email and reply grammar.
 */
import type { Kysely } from 'kysely';
import type { TaskKind } from '../contract';
import type { DB } from '../db/schema';
import { finalizeKind, nominateKind, voteKind } from './awards';
import { checkinKind } from './checkin';
import type { KindModule } from './module';
import { draftKind, strategyKind } from './objectives';
import { reviewKind, strategyReviewKind } from './review';
import { calibrateKind, selfScoreKind } from './score';
import type { KindHandlers, TaskRef } from './types';

export const kinds: { [K in TaskKind]: KindModule<K> } = {
  strategy: strategyKind,
  'strategy-review': strategyReviewKind,
  draft: draftKind,
  review: reviewKind,
  checkin: checkinKind,
  'self-score': selfScoreKind,
  calibrate: calibrateKind,
  nominate: nominateKind,
  vote: voteKind,
  finalize: finalizeKind,
};

/** The kind's module, for a kind known only at run time. */
export function kindModule(kind: TaskKind): KindModule {
  return kinds[kind] as unknown as KindModule;
}

/** Each kind's database handler (context + record). */
export const kindHandlers = Object.fromEntries(Object.values(kinds).map((m) => [m.kind, m.handler])) as KindHandlers;

/** The task as handlers see it (for pages and replies that show `context`); undefined if there is no such task. */
export async function loadTaskRef(db: Kysely<DB>, taskId: number): Promise<TaskRef | undefined> {
  const row = await db
    .selectFrom('tasks as t')
    .innerJoin('people as p', 'p.id', 't.person_id')
    .select(['t.id', 't.kind', 't.cycle_id', 't.person_id', 't.subject_person_id', 't.round', 'p.email', 'p.locale'])
    .where('t.id', '=', taskId)
    .executeTakeFirst();
  if (!row) return undefined;
  return {
    id: row.id,
    kind: row.kind,
    cycleId: row.cycle_id,
    personId: row.person_id,
    ownerEmail: row.email,
    subjectPersonId: row.subject_person_id,
    round: row.round,
    locale: row.locale === 'zh-CN' ? 'zh-CN' : 'en',
  };
}

export type { KindModule } from './module';
export * from './types';
