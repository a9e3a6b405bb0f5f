/**
 * okrCycle: one quarterly cycle. It owns the phase sequence and fans each phase out to taskBatch
 * children (one per batch of participants), so no single execution grows with the org's size.
 */
import { executeChild, setHandler } from '@temporalio/workflow';
import { type CycleState, type Phase, type PhaseState, type Schedule, type TaskKind, cycleStateQuery, durationToMs, taskBatchWorkflowId } from '../contract';
import { acts } from './activity-options';
import { type TaskBatchResult, taskBatch } from './task-batch';

export interface OkrCycleInput {
  cycleKey: string;
  schedule: Schedule;
}

export interface OkrCycleResult {
  cycleKey: string;
  status: CycleState['status'];
  phases: PhaseState[];
}

export async function okrCycle({ cycleKey, schedule }: OkrCycleInput): Promise<OkrCycleResult> {
  const state: CycleState = {
    cycleKey,
    status: 'running',
    phase: null,
    phases: [{ phase: 'drafting', status: 'pending', openedAt: null, dueAt: null, closedAt: null }],
    participantCount: 0,
    batchCount: 0,
  };
  setHandler(cycleStateQuery, () => state);

  const cycle = await acts.loadCycle({ cycleKey });
  state.participantCount = cycle.participantCount;
  state.batchCount = cycle.batchCount;

  await runTaskPhase(state, 'drafting', 'draft', 1, durationToMs(schedule.drafting), schedule);

  state.status = 'completed';
  state.phase = null;
  await acts.setCycleStatus({ cycleKey, status: 'completed' });
  return { cycleKey, status: state.status, phases: state.phases };
}

async function runTaskPhase(state: CycleState, phase: Phase, kind: TaskKind, round: number, lengthMs: number, schedule: Schedule): Promise<TaskBatchResult[]> {
  const ps = state.phases.find((p) => p.phase === phase)!;
  const now = Date.now();
  ps.status = 'open';
  ps.openedAt = new Date(now).toISOString();
  ps.dueAt = new Date(now + lengthMs).toISOString();
  state.phase = phase;
  const batches = Array.from({ length: state.batchCount }, (_, batchNo) =>
    executeChild(taskBatch, {
      workflowId: taskBatchWorkflowId(state.cycleKey, phase, round, batchNo),
      args: [{ cycleKey: state.cycleKey, kind, round, batchNo, dueAt: ps.dueAt!, reminders: schedule.reminders, timeZone: schedule.timeZone }],
    }),
  );
  const results = await Promise.all(batches);
  ps.status = 'closed';
  ps.closedAt = new Date().toISOString();
  return results;
}
