/**
 * Repository: cycles. A cycle is found by its key in one way: `findCycleByKey` answers undefined
 * when there is none, `requireCycleByKey` throws the contract's NOT_FOUND ("no cycle with key …")
 * — the API answers 404 with it, an activity turns it into a non-retryable failure.
 */
import { type Insertable, type Kysely, type Transaction, sql } from 'kysely';
import { type CycleKind, type CycleStatus, ErrorCode } from '../contract';
import { AppError } from '../core/errors';
import type { Cycle, CyclesTable, DB } from './schema';

type Db = Kysely<DB> | Transaction<DB>;

/** The error every lookup by key throws for an unknown key. */
export function cycleNotFound(key: string): AppError {
  return new AppError(ErrorCode.notFound, `no cycle with key ${key}`);
}

/** The cycle with this key, or undefined. */
export async function findCycleByKey(db: Db, key: string): Promise<Cycle | undefined> {
  return db.selectFrom('cycles').selectAll().where('key', '=', key).executeTakeFirst();
}

/** The cycle with this key; throws NOT_FOUND (`cycleNotFound`) when there is none. */
export async function requireCycleByKey(db: Db, key: string): Promise<Cycle> {
  const cycle = await findCycleByKey(db, key);
  if (!cycle) throw cycleNotFound(key);
  return cycle;
}

/** The key of the cycle with this id, or undefined. */
export async function findCycleKeyById(db: Db, id: number): Promise<string | undefined> {
  return (await db.selectFrom('cycles').select('key').where('id', '=', id).executeTakeFirst())?.key;
}

/** The cycle with this id, or undefined. */
export async function findCycleById(db: Db, id: number): Promise<Cycle | undefined> {
  return db.selectFrom('cycles').selectAll().where('id', '=', id).executeTakeFirst();
}

/**
 * Inserts a cycle unless one with its key exists; returns the new row, or undefined when
 * another request created that key first.
 */
export async function insertCycleIfAbsent(db: Db, cycle: Insertable<CyclesTable>): Promise<Cycle | undefined> {
  return db
    .insertInto('cycles')
    .values(cycle)
    .onConflict((oc) => oc.column('key').doNothing())
    .returningAll()
    .executeTakeFirst();
}

export async function setCycleStatus(db: Db, key: string, status: CycleStatus): Promise<void> {
  await db.updateTable('cycles').set({ status }).where('key', '=', key).execute();
}

/** A cycle as lists show it, with its count of participants (not removed). */
export interface CycleSummaryRow {
  key: string;
  title: string;
  starts_on: string;
  ends_on: string;
  status: CycleStatus;
  workflow_id: string;
  created_at: Date;
  participants: number;
  kind: CycleKind;
  /** A yearly awards run: the keys of the cycles it covers, oldest first. */
  covers: string[] | null;
}

/** Every cycle, newest first (or only the one with `key`). */
export async function listCycleSummaryRows(db: Db, key?: string): Promise<CycleSummaryRow[]> {
  let q = db
    .selectFrom('cycles as c')
    .select((eb) => [
      'c.key',
      'c.title',
      'c.starts_on',
      'c.ends_on',
      'c.status',
      'c.workflow_id',
      'c.created_at',
      'c.kind',
      eb
        .selectFrom('awards_run_cycles as arc')
        .innerJoin('cycles as covered', 'covered.id', 'arc.cycle_id')
        .whereRef('arc.run_id', '=', 'c.id')
        .select(sql<string[]>`array_agg(covered.key order by covered.starts_on, covered.id)`.as('k'))
        .as('covers'),
      eb
        .selectFrom('cycle_participants as cp')
        .whereRef('cp.cycle_id', '=', 'c.id')
        .where('cp.removed_at', 'is', null)
        .select(eb.fn.countAll<string>().as('n'))
        .as('participants'),
    ])
    .orderBy('c.created_at', 'desc');
  if (key !== undefined) q = q.where('c.key', '=', key);
  const rows = await q.execute();
  return rows.map((r) => ({ ...r, participants: Number(r.participants ?? 0) }));
}

/** Cycles whose row says running (their workflow should be running too), oldest first. */
export async function listRunningCycles(db: Db): Promise<{ id: number; key: string; workflow_id: string }[]> {
  return db.selectFrom('cycles').select(['id', 'key', 'workflow_id']).where('status', '=', 'running').orderBy('id').execute();
}

/** The ids of the cycles a yearly awards run covers (empty for a quarterly cycle). */
export async function coveredCycleIds(db: Db, runId: number): Promise<number[]> {
  const rows = await db.selectFrom('awards_run_cycles').select('cycle_id').where('run_id', '=', runId).orderBy('cycle_id').execute();
  return rows.map((r) => r.cycle_id);
}

/** Quarterly cycles (not awards runs) that start in `year`, oldest first. */
export async function cyclesStartingIn(db: Db, year: number): Promise<Cycle[]> {
  return db
    .selectFrom('cycles')
    .selectAll()
    .where('kind', '=', 'okr')
    .where('starts_on', '>=', `${year}-01-01`)
    .where('starts_on', '<=', `${year}-12-31`)
    .orderBy('starts_on')
    .orderBy('id')
    .execute();
}
