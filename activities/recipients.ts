/**
 * Who gets which task. Each function answers for one batch of one cycle; the rules:
 * strategy → executives; draft, checkin, self-score → participants; review and calibrate → the
 * participant's manager when the manager takes part in the cycle, else the cycle's HR owner;
 * strategy-review and finalize → the HR owner; nominate → managers and ambassadors; vote → the
 * award committee, or HR when there is none.
 */
import { type Kysely, sql } from 'kysely';
import type { TaskKind } from '../contract';
import { activeParticipants, participantsWithObjectives } from '../db/participants';
import type { DB } from '../db/schema';

export interface Recipient {
  personId: number;
  subjectPersonId: number | null;
  /** True for people who manage other participants (their drafts are due earlier). */
  isManager: boolean;
}

type Db = Kysely<DB>;


/** Participants who manage other participants (one query for the whole batch). */
async function managerIds(db: Db, cycleId: number): Promise<Set<number>> {
  const participantIds = new Set((await activeParticipants(db, cycleId).select('p.id').execute()).map((r) => r.id));
  const rows = await activeParticipants(db, cycleId).select('p.manager_id').where('p.manager_id', 'is not', null).distinct().execute();
  return new Set(rows.map((r) => r.manager_id!).filter((id) => participantIds.has(id)));
}

/** Participants of the batch who own at least one current objective with key results. */
async function withObjectives(db: Db, cycleId: number, batchNo: number): Promise<{ id: number; manager_id: number | null }[]> {
  return participantsWithObjectives(db, cycleId).select(['p.id', 'p.manager_id']).where('cp.batch_no', '=', batchNo).orderBy('p.id').execute();
}

/** The reviewer of a participant: their manager if the manager takes part, else the HR owner. */
export async function reviewerOf(db: Db, cycleId: number, hrPersonId: number, subjectId: number): Promise<number> {
  const row = await db
    .selectFrom('people as p')
    .innerJoin('cycle_participants as cp', (j) => j.onRef('cp.person_id', '=', 'p.manager_id').on('cp.cycle_id', '=', cycleId).on('cp.removed_at', 'is', null))
    .select('p.manager_id')
    .where('p.id', '=', subjectId)
    .executeTakeFirst();
  return row?.manager_id ?? hrPersonId;
}

export async function recipientsFor(
  db: Db,
  cycle: { id: number; hrPersonId: number },
  kind: TaskKind,
  batchNo: number,
  weekStart: string | undefined,
): Promise<Recipient[]> {
  const managers = await managerIds(db, cycle.id);
  const plain = (ids: number[]) => ids.map((personId) => ({ personId, subjectPersonId: null, isManager: managers.has(personId) }));
  switch (kind) {
    case 'strategy': {
      if (batchNo !== 0) return [];
      const rows = await db.selectFrom('people').select('id').where('active', '=', true).where(sql<boolean>`'executive' = any(roles)`).orderBy('id').execute();
      return plain(rows.map((r) => r.id));
    }
    case 'draft': {
      const rows = await activeParticipants(db, cycle.id).select('p.id').where('cp.batch_no', '=', batchNo).orderBy('p.id').execute();
      return plain(rows.map((r) => r.id));
    }
    case 'checkin': {
      let q = activeParticipants(db, cycle.id).select('p.id').where('cp.batch_no', '=', batchNo);
      if (weekStart) {
        q = q.where(({ not, exists, selectFrom }) => not(exists(selectFrom('absences as a').select('a.person_id').whereRef('a.person_id', '=', 'p.id').where('a.week_start', '=', weekStart))));
      }
      const ids = new Set((await withObjectives(db, cycle.id, batchNo)).map((r) => r.id));
      return plain((await q.orderBy('p.id').execute()).map((r) => r.id).filter((id) => ids.has(id)));
    }
    case 'self-score':
      return plain((await withObjectives(db, cycle.id, batchNo)).map((r) => r.id));
    case 'review':
    case 'calibrate': {
      const subjects = await withObjectives(db, cycle.id, batchNo);
      const out: Recipient[] = [];
      for (const s of subjects) {
        const reviewer = s.manager_id !== null && managers.has(s.manager_id) ? s.manager_id : cycle.hrPersonId;
        out.push({ personId: reviewer, subjectPersonId: s.id, isManager: true });
      }
      return out;
    }
    case 'nominate': {
      const rows = await activeParticipants(db, cycle.id).select(['p.id', 'p.roles']).where('cp.batch_no', '=', batchNo).orderBy('p.id').execute();
      return plain(rows.filter((r) => managers.has(r.id) || r.roles.includes('ambassador')).map((r) => r.id));
    }
    case 'vote': {
      if (batchNo !== 0) return [];
      const committee = await db.selectFrom('people').select('id').where('active', '=', true).where(sql<boolean>`'award-committee' = any(roles)`).orderBy('id').execute();
      if (committee.length) return plain(committee.map((r) => r.id));
      const hr = await db.selectFrom('people').select('id').where('active', '=', true).where(sql<boolean>`'hr' = any(roles)`).orderBy('id').execute();
      return plain(hr.map((r) => r.id));
    }
    case 'finalize':
      return batchNo === 0 ? plain([cycle.hrPersonId]) : [];
    case 'strategy-review':
      return []; // opened one by one as executives submit
  }
}
