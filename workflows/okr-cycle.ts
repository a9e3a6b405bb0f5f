/**
 * okrCycle: one quarterly cycle — strategy → drafting → alignment review → weekly check-ins →
 * scoring → awards. It runs the phase table (workflows/phases.ts) in order; each phase fans its
 * tasks out to taskBatch children, one per batch of participants, so no execution grows with
 * the size of the org. HR steers it with updates (advance, extend, cancel) and a signal when
 * participants join or leave (workflows/cycle-handlers.ts). It continues as new between steps
 * when its history grows.
 */
import { type CalendarVersion, type CycleState, type Phase, type PhaseState, type Schedule, type StepPolicy, phasesOf } from '../contract';
import { registerControls } from './cycle-handlers';
import { type CheckInWeek, type Control, CycleRun } from './cycle-run';
import { PHASE_TABLE } from './phases';

export type { Control };

export interface OkrCycleInput {
  cycleKey: string;
  schedule: Schedule;
  /** The quarter the cycle covers (YYYY-MM-DD): check-ins and scoring follow it (contract/plan.ts). */
  calendar?: {
    startsOn: string;
    endsOn: string;
    /** The calendar the cycle was started under (absent: 1, planning back to back from the start). */
    version?: CalendarVersion;
  };
  /** Set by continue-as-new: where the cycle stands. */
  resume?: {
    state: CycleState;
    step: number;
    week: number;
    checkIns?: CheckInWeek[];
    /** HR's controls accepted but not yet applied, and a cancel accepted before the hand-over. */
    controls?: Control[];
    cancelled?: boolean;
  };
  /** Continue as new past this many history events (default 4,000). */
  historyLimit?: number;
  /** How hard each step is retried before it is reported stalled (from configuration). */
  stepPolicy?: StepPolicy;
}

export interface OkrCycleResult {
  cycleKey: string;
  status: CycleState['status'];
  phases: PhaseState[];
}

export async function okrCycle(input: OkrCycleInput): Promise<OkrCycleResult> {
  // A schedule without awards (`awards: false`, added later) leaves the phase out; older cycles have every phase.
  return runPhases(input, phasesOf(input.schedule), false);
}

/** Runs `phases` in order, with HR's controls, to the end: the story of a cycle and of a yearly awards run. */
export async function runPhases(input: OkrCycleInput, phases: readonly Phase[], awardsRun: boolean): Promise<OkrCycleResult> {
  const cycle = new CycleRun(input, phases, awardsRun);
  const { state, cycleKey } = cycle;
  registerControls(cycle);

  if (!input.resume) {
    const loaded = await cycle.run('loadCycle', (acts) => acts.loadCycle({ cycleKey }), { cycleId: 0, title: '', participantCount: 0, batchCount: 0 });
    state.participantCount = loaded.participantCount;
    state.batchCount = loaded.batchCount;
  }

  while (cycle.step < phases.length && !cycle.cancelled) {
    const ps = cycle.phaseState(phases[cycle.step]!);
    if (ps.status === 'pending') {
      // calendar-v2: a planning phase opens at its planned date (HR's advance opens it at once).
      await cycle.awaitPlannedOpening(ps);
      if (cycle.cancelled) break;
      cycle.open(ps);
    }
    cycle.advanceRequested = false;
    await PHASE_TABLE[ps.phase](cycle, ps);
    if (cycle.cancelled) break;
    cycle.close(ps);
    cycle.step++;
    cycle.week = 0;
    if (cycle.step < phases.length && cycle.shouldContinueAsNew()) await cycle.handOver();
  }

  if (cycle.cancelled) {
    state.status = 'cancelled';
    const ps = state.phase ? cycle.phaseState(state.phase) : undefined;
    if (ps && ps.status === 'open') cycle.close(ps, 'cancelled');
    await cycle.sendCycleEmail('cycle-cancelled', state.cancelReason);
    await cycle.run('setCycleStatus', (acts) => acts.setCycleStatus({ cycleKey, status: 'cancelled' }), undefined);
  } else {
    state.status = 'completed';
    state.phase = null;
    await cycle.run('setCycleStatus', (acts) => acts.setCycleStatus({ cycleKey, status: 'completed' }), undefined);
  }
  return { cycleKey, status: state.status, phases: state.phases };
}
