/** Activities about the cycle as a whole. */
import type { CycleStatus } from '../contract';
import { ErrorCode } from '../contract';
import type { ActivityDeps } from './deps';
import { businessFailure } from './failures';

export interface LoadCycleInput {
  cycleKey: string;
}
export interface LoadCycleResult {
  cycleId: number;
  title: string;
  participantCount: number;
  /** Batches are numbered 0 … batchCount-1. */
  batchCount: number;
}

export interface SetCycleStatusInput {
  cycleKey: string;
  status: CycleStatus;
}

export function createCycleActivities({ db }: ActivityDeps) {
  return {
    async loadCycle({ cycleKey }: LoadCycleInput): Promise<LoadCycleResult> {
      const cycle = await db.selectFrom('cycles').select(['id', 'title']).where('key', '=', cycleKey).executeTakeFirst();
      if (!cycle) throw businessFailure(ErrorCode.notFound, `cycle ${cycleKey} does not exist`);
      const stats = await db
        .selectFrom('cycle_participants')
        .select((eb) => [eb.fn.countAll<string>().as('count'), eb.fn.max('batch_no').as('maxBatch')])
        .where('cycle_id', '=', cycle.id)
        .where('removed_at', 'is', null)
        .executeTakeFirstOrThrow();
      return {
        cycleId: cycle.id,
        title: cycle.title,
        participantCount: Number(stats.count),
        batchCount: stats.maxBatch === null ? 0 : Number(stats.maxBatch) + 1,
      };
    },

    async setCycleStatus({ cycleKey, status }: SetCycleStatusInput): Promise<void> {
      await db.updateTable('cycles').set({ status }).where('key', '=', cycleKey).execute();
    },
  };
}
