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
  /** Participants who manage other participants: known for the batch's people and their managers (`managerIdsOfBatch`). */
  managers: Set<number>;
}

type Db = Kysely<DB>;

/**
 * Of the people a batch's rules ask about — the batch's participants and their managers — the
 * active participants who manage at least one active participant. Read per batch with lookups by
 * key only (batch, people_pkey, people_manager_idx, the participants' key), so the plan cannot
 * turn into a scan of the cycle when the cycle's rows are too new for the planner's statistics: the
 * whole cycle's managers, read for every batch, cost a launch more PostgreSQL time than all of its
 * inserts together (docs/performance.md, round 6).
 */
export async function managerIdsOfBatch(db: Db, cycleId: number, batchNo: number): Promise<Set<number>> {
  const members = (await db.selectFrom('cycle_participants').select('person_id').where('cycle_id', '=', cycleId).where('batch_no', '=', batchNo).execute()).map(
    (r) => r.person_id,
  );
  if (!members.length) return new Set();
  const theirManagers = await db.selectFrom('people').select('manager_id').where('id', '=', anyOf(members)).where('manager_id', 'is not', null).execute();
  const asked = [...new Set([...members, ...theirManagers.map((r) => r.manager_id!)])];
  const around = await db
    .selectFrom('people')
    .select(['id', 'manager_id', 'active'])
    .where((eb) => eb.or([eb('id', '=', anyOf(asked)), eb('manager_id', '=', anyOf(asked))]))
    .execute();
  const taking = new Set(
    (
      await db
        .selectFrom('cycle_participants')
        .select('person_id')
        .where('cycle_id', '=', cycleId)
        .where('person_id', '=', anyOf(around.map((r) => r.id)))
        .where('removed_at', 'is', null)
        .execute()
    ).map((r) => r.person_id),
  );
  const active = new Set(around.filter((r) => r.active && taking.has(r.id)).map((r) => r.id));
  const askedSet = new Set(asked);
  return new Set(
    around.filter((r) => active.has(r.id) && r.manager_id !== null && askedSet.has(r.manager_id) && active.has(r.manager_id)).map((r) => r.manager_id!),
  );
}

/** `= any($1)`: one array parameter, so PostgreSQL looks each id up by index whatever the list's length. */
const anyOf = (ids: number[]) => sql<number>`any(${ids}::int[])`;

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
