/**
 * Where a running cycle stands and what it can do: its state, HR's queued controls, the batch
 * children of the current phase, and the moves every phase makes — open and close a phase, run
 * its batches while applying HR's controls, continue as new. The phases themselves are in
 * workflows/phases.ts; the story in workflows/okr-cycle.ts.
 */
import {
  type ChildWorkflowHandle,
  type SignalDefinition,
  allHandlersFinished,
  condition,
  continueAsNew,
  patched,
  startChild,
  workflowInfo,
} from '@temporalio/workflow';
import {
  type AdvancePhaseInput,
  type CancelCycleInput,
  type CycleState,
  DEFAULT_STEP_POLICY,
  type ExtendPhaseInput,
  PHASES,
  type ParticipantsChangedInput,
  type Phase,
  type PhaseState,
  PLANNING_PHASES,
  type PlanningPhase,
  type PlanningSlot,
  type TaskPolicy,
  batchChangesSignal,
  closeBatchSignal,
  extendTasksSignal,
  taskBatchWorkflowId,
  planningSlots,
  planningTimes,
  taskPolicy,
} from '../contract';
import type { OkrCycleInput } from './okr-cycle';
import { createSteps } from './steps';
import { type TaskBatchInput, type TaskBatchResult, taskBatch } from './task-batch';

export type Control =
  /** `step`: the awards step or check-in week the advance was accepted for (calendar cycles). */
  | { type: 'advance'; input: AdvancePhaseInput; step?: number }
  | { type: 'extend'; input: ExtendPhaseInput }
  | { type: 'cancel'; input: CancelCycleInput }
  | { type: 'participants'; input: ParticipantsChangedInput };

export type CheckInWeek = { opensAt: string; weekStart: string };

type BatchOpening = Omit<TaskBatchInput, 'cycleKey' | 'phase' | 'batchNo' | 'policy'>;

export class CycleRun {
  readonly cycleKey: string;
  readonly state: CycleState;
  readonly controls: Control[];
  readonly active = new Map<string, ChildWorkflowHandle<typeof taskBatch>>();
  readonly policy: TaskPolicy;
  readonly run: ReturnType<typeof createSteps>['step'];
  cancelled: boolean;
  /** HR asked to end the current phase (or awards step). */
  advanceRequested = false;
  /** What an accepted advance is closing (`advanceKey`): a second click on the same is refused (409). */
  advancing: string | null;
  /** The cycle's quarter when it follows the calendar (contract/plan.ts); undefined for cycles started before. */
  readonly calendar: { startsOn: string; endsOn: string } | undefined;
  /** calendar-v2: the planning phases' planned dates (undefined: planning back to back, as before). */
  readonly planning: Record<PlanningPhase, PlanningSlot> | undefined;
  /** The due times of the planning phase being opened, when it keeps to its planned dates. */
  plannedDue: { dueAt: number; managerDueAt?: number } | undefined;
  /** The check-in week whose batches are running, if one is. */
  openWeek: number | null = null;
  /** The phases this run goes through, in order (a cycle without awards, a yearly awards run: fewer). */
  readonly phases: readonly Phase[];
  /** Where the cycle stands, carried over by continue-as-new. */
  step: number;
  week: number;
  checkIns: CheckInWeek[] | undefined;
  /** Set while a phase whose tasks go to every batch is running: batches added meanwhile join it. */
  private perPhaseStart: ((batchNo: number) => Promise<void>) | undefined;

  constructor(
    readonly input: OkrCycleInput,
    phases: readonly Phase[] = PHASES,
    /** HR's advance ends one awards step, not the whole phase (calendar cycles and yearly awards runs). */
    private readonly awardsRun = false,
  ) {
    const { cycleKey, resume } = input;
    this.cycleKey = cycleKey;
    this.phases = phases;
    this.state = resume?.state ?? {
      cycleKey,
      status: 'running',
      phase: null,
      phases: phases.map((phase) => ({ phase, status: 'pending', openedAt: null, dueAt: null, closedAt: null })),
      participantCount: 0,
      batchCount: 0,
      activeBatches: [],
    };
    this.controls = [...(resume?.controls ?? [])];
    this.cancelled = this.state.status === 'cancelled' || resume?.cancelled === true;
    this.advancing = this.controls.reduce<string | null>((p, c) => (c.type === 'advance' ? advanceKey(c.input, c.step) : p), null);
    // Added after the first recorded histories: cycles started before keep their own calendar.
    this.calendar = input.calendar && patched('calendar-v1') ? input.calendar : undefined;
    // Added later still: cycles started under calendar-v2 plan their planning backwards from startsOn.
    this.planning =
      this.calendar && input.calendar?.version === 2 && patched('calendar-v2') ? planningSlots(input.schedule, this.calendar.startsOn) : undefined;
    this.step = resume?.step ?? 0;
    this.week = resume?.week ?? 0;
    this.checkIns = resume?.checkIns;
    this.policy = taskPolicy(input.schedule);
    const state = this.state;
    this.run = createSteps(input.stepPolicy ?? DEFAULT_STEP_POLICY, {
      cycleKey,
      get phase() {
        return state.phase;
      },
    }).step;
  }

  get schedule() {
    return this.input.schedule;
  }

  phaseState(phase: Phase): PhaseState {
    return this.state.phases.find((p) => p.phase === phase)!;
  }

  open(ps: PhaseState): void {
    ps.status = 'open';
    ps.openedAt = new Date().toISOString();
    this.state.phase = ps.phase;
  }

  close(ps: PhaseState, note?: string): void {
    ps.status = 'closed';
    ps.closedAt = new Date().toISOString();
    if (note) ps.note = note;
  }

  /**
   * calendar-v2: waits for a planning phase's planned opening (a durable timer HR's controls
   * interrupt: an advance opens the phase at once, a cancel ends the cycle) and notes the phase's
   * due times. A phase reached after its planned opening opens now, for its full length.
   */
  async awaitPlannedOpening(ps: PhaseState): Promise<void> {
    this.plannedDue = undefined;
    const slot = this.planning && (PLANNING_PHASES as readonly Phase[]).includes(ps.phase) ? this.planning[ps.phase as PlanningPhase] : undefined;
    if (!slot) return;
    // The previous phase's advance is spent: only an advance of this phase opens it early.
    this.advanceRequested = false;
    const reached = Date.now();
    const times = planningTimes(this.schedule, ps.phase as PlanningPhase, slot, reached);
    if (times.opensAt > reached) {
      this.state.phase = ps.phase;
      ps.opensAt = new Date(times.opensAt).toISOString();
      ps.dueAt = new Date(times.dueAt).toISOString();
      const onTime = await this.waitUntil(times.opensAt, ps.phase);
      delete ps.opensAt;
      if (this.cancelled) return;
      if (!onTime) {
        // HR opened it early: the phase opens now and keeps its planned due time.
        this.advanceRequested = false;
        this.advancing = null;
      }
    }
    this.plannedDue = times.onTime ? { dueAt: times.dueAt, ...(times.managerDueAt !== undefined ? { managerDueAt: times.managerDueAt } : {}) } : undefined;
  }

  /** What an advance of `phase` (or of one week) would close now: the open week or awards step on calendar cycles. */
  advanceStep(i: AdvancePhaseInput): number | undefined {
    if (i.scope === 'week') return this.calendar ? (this.openWeek ?? undefined) : undefined;
    return i.phase === 'awards' && this.awardsByStep ? (this.phaseState('awards').round ?? 1) : undefined;
  }

  /** HR's advance ends one awards step (calendar cycles, yearly awards runs); cycles started before: the whole phase. */
  get awardsByStep(): boolean {
    return this.calendar !== undefined || this.awardsRun;
  }

  /**
   * Waits until `at`, applying HR's controls meanwhile; false when the cycle was cancelled or
   * the phase advanced during the wait.
   */
  async waitUntil(at: number, phase: Phase): Promise<boolean> {
    for (;;) {
      const wait = at - Date.now();
      if (wait <= 0) return true;
      await condition(() => this.controls.length > 0, wait);
      await this.handleControls(phase);
      if (this.cancelled || this.advanceRequested) return false;
    }
  }

  shouldContinueAsNew(): boolean {
    const info = workflowInfo();
    return info.continueAsNewSuggested || info.historyLength > (this.input.historyLimit ?? 4_000);
  }

  /**
   * Continues as new, carrying what HR asked for that is not applied yet: the queued controls and
   * a cancel. Handlers finish first, so nothing accepted is lost in the hand-over.
   */
  async handOver(): Promise<never> {
    await condition(allHandlersFinished);
    const { state, step, week, checkIns, controls, cancelled } = this;
    return continueAsNew<(i: OkrCycleInput) => Promise<unknown>>({
      ...this.input,
      resume: { state, step, week, checkIns, controls: [...controls], cancelled },
    });
  }

  /** Queues one of the cycle's own emails (announcement, cancellation) and sends it. */
  async sendCycleEmail(kind: 'awards-announcement' | 'cycle-cancelled', reason?: string): Promise<void> {
    const senderRef = workflowInfo().workflowId;
    await this.run(
      'queueCycleEmail',
      (acts) => acts.queueCycleEmail({ cycleKey: this.cycleKey, senderRef, timeZone: this.schedule.timeZone, kind, ...(reason ? { reason } : {}) }),
      { queued: 0 },
    );
    await this.run('sendQueuedEmails', (acts) => acts.sendQueuedEmails({ senderRef }), undefined);
  }

  /**
   * Starts one child per batch and waits for all of them, handling HR's controls meanwhile.
   * Batches added while the phase runs (new participants) get their own child.
   */
  async runBatches(
    phase: Phase,
    perBatch: boolean,
    make: (batchNo: number) => BatchOpening,
    batchPolicy: TaskPolicy = this.policy,
    round = 1,
  ): Promise<TaskBatchResult[]> {
    const results: TaskBatchResult[] = [];
    const { cycleKey, active } = this;
    const stepPolicy = this.input.stepPolicy ?? DEFAULT_STEP_POLICY;
    const start = async (batchNo: number) => {
      const workflowId = taskBatchWorkflowId(cycleKey, phase, round, batchNo);
      if (active.has(workflowId)) return;
      const handle = await startChild(taskBatch, { workflowId, args: [{ cycleKey, phase, batchNo, policy: batchPolicy, stepPolicy, ...make(batchNo) }] });
      active.set(workflowId, handle);
      handle.result().then(
        (r) => {
          results.push(r);
          active.delete(workflowId);
        },
        () => active.delete(workflowId),
      );
    };
    this.perPhaseStart = perBatch ? start : undefined;
    const batchNos = perBatch ? Array.from({ length: this.state.batchCount }, (_, i) => i) : [0];
    // Added later: the batches start together, all in one workflow task, instead of one after the
    // other (a workflow task each: the 40th batch of 10,000 people started 5–6 s after the first).
    if (batchNos.length > 1 && patched('batches-together-v1')) await Promise.all(batchNos.map(start));
    else for (const b of batchNos) await start(b);
    while (active.size > 0) {
      await condition(() => active.size === 0 || this.controls.length > 0);
      await this.handleControls(phase);
    }
    this.perPhaseStart = undefined;
    return results;
  }

  /** Applies HR's queued controls to the running batches. */
  async handleControls(phase: Phase): Promise<void> {
    const { state, controls } = this;
    while (controls.length) {
      const c = controls.shift()!;
      // An advance or extend of a phase that has just ended is not applied to the next one.
      if ((c.type === 'advance' || c.type === 'extend') && c.input.phase !== phase && patched('stale-controls-v1')) continue;
      // An advance of an awards step or check-in week that has just ended is not applied to the next one.
      if (c.type === 'advance' && c.step !== undefined && c.step !== this.advanceStep(c.input)) continue;
      if (c.type === 'advance' && c.input.scope === 'week') {
        await this.signalAll(closeBatchSignal, { status: 'expired', reason: `check-in week ${c.step} ended by ${c.input.actor}` });
      } else if (c.type === 'advance' && this.phaseState(phase).status === 'pending') {
        // A planning phase waiting for its date: the advance opens it now.
        this.advanceRequested = true;
        this.phaseState(phase).note = `opened early by ${c.input.actor}`;
      } else if (c.type === 'advance') {
        this.advanceRequested = true;
        this.phaseState(phase).note = `advanced early by ${c.input.actor}`;
        await this.signalAll(closeBatchSignal, { status: 'expired', reason: `phase advanced by ${c.input.actor}` });
      } else if (c.type === 'extend') {
        this.phaseState(phase).dueAt = c.input.until;
        await this.signalAll(extendTasksSignal, { dueAt: c.input.until });
      } else if (c.type === 'cancel') {
        state.cancelReason = c.input.reason;
        await this.signalAll(closeBatchSignal, { status: 'cancelled', reason: `cycle cancelled by ${c.input.actor}` });
      } else {
        const { addedBatches, removedPersonIds } = c.input;
        if (removedPersonIds.length) {
          state.participantCount -= removedPersonIds.length;
          await this.signalAll(batchChangesSignal, { removedPersonIds });
        }
        for (const b of addedBatches) {
          state.batchCount = Math.max(state.batchCount, b + 1);
          if (this.perPhaseStart) await this.perPhaseStart(b);
        }
        if (addedBatches.length)
          state.participantCount = (
            await this.run('loadCycle', (acts) => acts.loadCycle({ cycleKey: this.cycleKey }), {
              cycleId: 0,
              title: '',
              participantCount: state.participantCount,
              batchCount: state.batchCount,
            })
          ).participantCount;
      }
    }
  }

  /**
   * Signals every running batch child. A child that has ended meanwhile (its last task closed in
   * the same moment) cannot be signalled; that is no failure: its end is already on its way.
   */
  private async signalAll<Args extends unknown[]>(signal: SignalDefinition<Args>, ...args: Args): Promise<void> {
    // Added later: every batch is signalled in one workflow task. One after the other, each signal
    // waited for its own workflow task: HR's cancel reached the 40th batch of 10,000 people about
    // 5 s after the first while the worker was busy sending.
    if (this.active.size > 1 && patched('signals-together-v1')) {
      await Promise.all([...this.active.values()].map((h) => h.signal(signal, ...args).catch(() => undefined)));
      return;
    }
    for (const h of this.active.values()) {
      try {
        await h.signal(signal, ...args);
      } catch {
        // The child has ended (not found / already completed): nothing left to tell it.
      }
    }
  }
}

/** Where an advance applies: the phase, or one of its awards steps or check-in weeks. */
export function advanceKey(i: AdvancePhaseInput, step: number | undefined): string {
  return step === undefined ? i.phase : `${i.phase}:${i.scope === 'week' ? 'week' : 'step'}:${step}`;
}
