/**
 * The registry: one module per kind of task (kinds/<kind>/index.ts). Code outside kinds/ asks
 * `kinds[task.kind]` for the kind's schema, handler, form, recipients, email and reply grammar.
 */
import type { Kysely } from 'kysely';
import type { Locale, TaskKind } from '../contract';
import type { DB } from '../db/schema';
import { finalizeKind, nominateKind, voteKind } from './awards';
import { checkinKind } from './checkin';
import type { KindModule } from './module';
import { draftKind, strategyKind } from './objectives';
import { reviewKind, strategyReviewKind } from './review';
import { calibrateKind, selfScoreKind } from './score';
import type { KindHandlers, TaskRef } from './types';

const MODULES = [
  strategyKind,
  strategyReviewKind,
  draftKind,
  reviewKind,
  checkinKind,
  selfScoreKind,
  calibrateKind,
  nominateKind,
  voteKind,
  finalizeKind,
] as const;

type Missing = Exclude<TaskKind, (typeof MODULES)[number]['kind']>;
/** A kind without a module is a compile error here, naming the kind. */
const everyKindHasAModule: [Missing] extends [never] ? true : Missing = true;
void everyKindHasAModule;

export const kinds = Object.fromEntries(MODULES.map((m) => [m.kind, m])) as { [K in TaskKind]: KindModule<K> };

/** The kind's module, for a kind known only at run time. */
export function kindModule(kind: TaskKind): KindModule {
  return kinds[kind] as unknown as KindModule;
}

/** The kind's name in lists (console timelines, dashboards, previews), in the person's language. */
export function kindLabel(kind: TaskKind, locale: Locale): string {
  return kindModule(kind).words[locale].label;
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
