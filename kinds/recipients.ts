/** What the kinds' recipient rules share: who manages whom in a cycle, who has objectives, who reviews whom. */
import { type Kysely, sql } from 'kysely';
import { activeParticipants, participantsWithObjectives } from '../db/participants';
import type { DB } from '../db/schema';

export interface Recipient {
  personId: number;
  subjectPersonId: number | null;
  /** True for people who manage other participants (their drafts are due earlier). */
  isManager: boolean;
}

/** What a kind's `recipients` rule is asked about: one batch of one cycle. */
export interface RecipientQuery {
  db: Kysely<DB>;
  cycle: { id: number; hrPersonId: number };
  batchNo: number;
  /** Check-ins: the Monday of the week, to skip people out of office. */
  weekStart: string | undefined;
  /** Participants who manage other participants. */
  managers: Set<number>;
}

type Db = Kysely<DB>;

/** Participants who manage other participants (one query for the whole batch). */
export async function managerIds(db: Db, cycleId: number): Promise<Set<number>> {
  const participantIds = new Set((await activeParticipants(db, cycleId).select('p.id').execute()).map((r) => r.id));
  const rows = await activeParticipants(db, cycleId).select('p.manager_id').where('p.manager_id', 'is not', null).distinct().execute();
  return new Set(rows.map((r) => r.manager_id!).filter((id) => participantIds.has(id)));
}

/** Participants of the batch who own at least one current objective with key results. */
export async function withObjectives(db: Db, cycleId: number, batchNo: number): Promise<{ id: number; manager_id: number | null }[]> {
  return participantsWithObjectives(db, cycleId).select(['p.id', 'p.manager_id']).where('cp.batch_no', '=', batchNo).orderBy('p.id').execute();
}

/** Recipients who act for themselves (no subject). */
export function plain(q: RecipientQuery, ids: number[]): Recipient[] {
  return ids.map((personId) => ({ personId, subjectPersonId: null, isManager: q.managers.has(personId) }));
}

/**
 * For each participant of the batch with objectives: their manager if the manager takes part,
 * else the HR owner — and for the HR owner herself, who must not review her own OKRs, her
 * manager, another HR person of the cycle, or (nobody else being there) herself.
 */
export async function reviewersOfBatch(q: RecipientQuery): Promise<Recipient[]> {
  const subjects = await withObjectives(q.db, q.cycle.id, q.batchNo);
  const standIn = subjects.some((s) => s.id === q.cycle.hrPersonId && !(s.manager_id !== null && q.managers.has(s.manager_id)))
    ? await hrReviewer(q.db, q.cycle.id, q.cycle.hrPersonId)
    : q.cycle.hrPersonId;
  return subjects.map((s) => ({
    personId: s.manager_id !== null && q.managers.has(s.manager_id) ? s.manager_id : s.id === q.cycle.hrPersonId ? standIn : q.cycle.hrPersonId,
    subjectPersonId: s.id,
    isManager: true,
  }));
}

/** The reviewer of a participant: their manager if the manager takes part, else the HR owner (for the HR owner: `hrReviewer`). */
export async function reviewerOf(db: Db, cycleId: number, hrPersonId: number, subjectId: number): Promise<number> {
  const row = await db
    .selectFrom('people as p')
    .innerJoin('cycle_participants as cp', (j) => j.onRef('cp.person_id', '=', 'p.manager_id').on('cp.cycle_id', '=', cycleId).on('cp.removed_at', 'is', null))
    .select('p.manager_id')
    .where('p.id', '=', subjectId)
    .executeTakeFirst();
  if (row?.manager_id != null) return row.manager_id;
  return subjectId === hrPersonId ? hrReviewer(db, cycleId, hrPersonId) : hrPersonId;
}

/** Who reviews and calibrates the HR owner when her manager takes no part: her manager if she has an active one, else another HR person of the cycle, else herself. */
export async function hrReviewer(db: Db, cycleId: number, hrPersonId: number): Promise<number> {
  const manager = await db
    .selectFrom('people as p')
    .innerJoin('people as m', 'm.id', 'p.manager_id')
    .select('m.id')
    .where('p.id', '=', hrPersonId)
    .where('m.active', '=', true)
    .executeTakeFirst();
  if (manager) return manager.id;
  const other = await activeParticipants(db, cycleId)
    .select('p.id')
    .where('p.id', '!=', hrPersonId)
    .where(sql<boolean>`'hr' = any(p.roles)`)
    .orderBy('p.id')
    .limit(1)
    .executeTakeFirst();
  return other?.id ?? hrPersonId;
}
