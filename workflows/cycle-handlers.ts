/**
 * HR's controls on a running cycle, as the workflow receives them: `advancePhase`, `extendPhase`
 * and `cancelCycle` updates (each validated against where the cycle stands, then queued for the
 * phase to apply) and the `participantsChanged` signal; and the `cycleState` query.
 */
import { ApplicationFailure, setHandler } from '@temporalio/workflow';
import {
  AWARDS_STEPS,
  type AdvancePhaseInput,
  type CancelCycleInput,
  type ControlResult,
  ErrorCode,
  type Phase,
  advancePhaseUpdate,
  cancelCycleUpdate,
  cycleStateQuery,
  extendPhaseUpdate,
  participantsChangedSignal,
  scoringOpensAt,
} from '../contract';
import { type CycleRun, advanceKey } from './cycle-run';

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
      const step = cycle.advanceStep(i);
      controls.push(step === undefined ? { type: 'advance', input: i } : { type: 'advance', input: i, step });
      cycle.advancing = advanceKey(i, step);
      return { ...result(), next: nextAfter(cycle, i, step) };
    },
    {
      validator: (i) => {
        checkPhase(i.phase);
        if (i.scope === 'week') {
          if (i.phase !== 'checkins')
            throw reject(ErrorCode.validation, 'scope "week" ends one check-in week: phase must be checkins', [
              { path: 'scope', message: 'only for phase checkins' },
            ]);
          if (!cycle.calendar) throw reject(ErrorCode.conflict, 'this cycle was started before single check-in weeks could be ended: advance the whole phase');
          if (cycle.openWeek === null) throw reject(ErrorCode.conflict, 'no check-in week is open now');
        }
        const key = advanceKey(i, cycle.advanceStep(i));
        if (cycle.advancing === key)
          throw reject(ErrorCode.conflict, `${key === i.phase ? `phase ${i.phase}` : describe(i, cycle.advanceStep(i))} is already being advanced`);
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
        const waiting = cycle.phaseState(i.phase).opensAt;
        if (waiting) throw reject(ErrorCode.conflict, `phase ${i.phase} opens at ${waiting}: advance it to open it now, or extend it once it is open`);
        if (!(Date.parse(i.until) > Date.now()))
          throw reject(ErrorCode.validation, 'until must be in the future', [{ path: 'until', message: 'must be in the future' }]);
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
        if (state.status !== 'running' || cycle.cancelled)
          throw reject(ErrorCode.conflict, `the cycle is already ${cycle.cancelled ? 'cancelled' : state.status}`);
      },
    },
  );
  setHandler(participantsChangedSignal, (i) => {
    controls.push({ type: 'participants', input: i });
  });
}

/** What opens after an advance: the next awards step or check-in week, else the next phase. */
function nextAfter(cycle: CycleRun, i: AdvancePhaseInput, step: number | undefined): ControlResult['next'] {
  // A planning phase waiting for its planned date: the advance opens it now.
  if (cycle.phaseState(i.phase).status === 'pending') return { phase: i.phase };
  if (step !== undefined && i.phase === 'awards' && step < AWARDS_STEPS.length) return { phase: 'awards', step: AWARDS_STEPS[step]! };
  const weeks = cycle.checkIns ?? [];
  if (step !== undefined && i.scope === 'week' && step < weeks.length) {
    const opensAt = weeks[step]!.opensAt;
    return { phase: 'checkins', week: step + 1, ...(Date.parse(opensAt) > Date.now() ? { opensAt } : {}) };
  }
  const later = i.phase === 'checkins' && i.scope === 'week' && cycle.calendar ? scoringOpensAt(cycle.schedule, cycle.calendar.endsOn) : undefined;
  if (later !== undefined && later > Date.now()) return { phase: 'scoring', opensAt: new Date(later).toISOString() };
  return { phase: cycle.phases[cycle.phases.indexOf(i.phase) + 1] ?? null };
}

function describe(i: AdvancePhaseInput, step: number | undefined): string {
  return i.scope === 'week' ? `check-in week ${step}` : `awards step ${AWARDS_STEPS[(step ?? 1) - 1]}`;
}

function reject(code: ErrorCode, message: string, issues?: { path: string; message: string }[]) {
  return ApplicationFailure.create({ type: code, message, nonRetryable: true, details: issues ? [{ issues }] : [] });
}
