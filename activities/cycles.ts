/** Activities about the cycle as a whole. */
import type { CycleStatus } from '../contract';
import { requireCycleByKey, setCycleStatus } from '../db/cycles';
import { participantStats } from '../db/participants';
import type { ActivityDeps } from './deps';
import { orBusinessFailure } from './failures';

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
      const cycle = await requireCycleByKey(db, cycleKey).catch(orBusinessFailure);
      const stats = await participantStats(db, cycle.id);
      return { cycleId: cycle.id, title: cycle.title, participantCount: stats.count, batchCount: stats.batchCount };
    },

    async setCycleStatus({ cycleKey, status }: SetCycleStatusInput): Promise<void> {
      await setCycleStatus(db, cycleKey, status);
    },
  };
}
