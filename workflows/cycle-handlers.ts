/**
 * HR's controls on a running cycle, as the workflow receives them: `advancePhase`, `extendPhase`
 * and `cancelCycle` updates (each validated against where the cycle stands, then queued for the
 * phase to apply) and the `participantsChanged` signal; and the `cycleState` query.
 */
import { ApplicationFailure, setHandler } from '@temporalio/workflow';
import {
  type CancelCycleInput,
  type ControlResult,
  ErrorCode,
  type Phase,
  advancePhaseUpdate,
  cancelCycleUpdate,
  cycleStateQuery,
  extendPhaseUpdate,
  participantsChangedSignal,
} from '../contract';
import type { CycleRun } from './cycle-run';

export function registerControls(cycle: CycleRun): void {
  const { state, controls } = cycle;
  setHandler(cycleStateQuery, () => ({ ...state, activeBatches: [...cycle.active.keys()] }));

  const checkPhase = (phase: Phase) => {
    if (state.status !== 'running') throw reject(ErrorCode.conflict, `the cycle is ${state.status}`);
    if (state.phase !== phase) throw reject(ErrorCode.conflict, `the cycle is in phase ${state.phase ?? '(none)'}, not ${phase}`);
  };
  const result = (): ControlResult => ({ phase: state.phase, status: state.status });
  setHandler(
    advancePhaseUpdate,
    (i) => {
      controls.push({ type: 'advance', input: i });
      cycle.advancing = i.phase;
      return result();
    },
    {
      validator: (i) => {
        checkPhase(i.phase);
        if (cycle.advancing === i.phase) throw reject(ErrorCode.conflict, `phase ${i.phase} is already being advanced`);
      },
    },
  );
  setHandler(
    extendPhaseUpdate,
    (i) => {
      controls.push({ type: 'extend', input: i });
      return result();
    },
    {
      validator: (i) => {
        checkPhase(i.phase);
        if (!(Date.parse(i.until) > Date.now())) throw reject(ErrorCode.validation, 'until must be in the future', [{ path: 'until', message: 'must be in the future' }]);
      },
    },
  );
  setHandler(
    cancelCycleUpdate,
    (i) => {
      controls.push({ type: 'cancel', input: i });
      cycle.cancelled = true;
      state.cancelReason = i.reason;
      return { phase: state.phase, status: 'cancelled' };
    },
    {
      validator: (_i: CancelCycleInput) => {
        if (state.status !== 'running' || cycle.cancelled) throw reject(ErrorCode.conflict, `the cycle is already ${cycle.cancelled ? 'cancelled' : state.status}`);
      },
    },
  );
  setHandler(participantsChangedSignal, (i) => {
    controls.push({ type: 'participants', input: i });
  });
}

function reject(code: ErrorCode, message: string, issues?: { path: string; message: string }[]) {
  return ApplicationFailure.create({ type: code, message, nonRetryable: true, details: issues ? [{ issues }] : [] });
}
