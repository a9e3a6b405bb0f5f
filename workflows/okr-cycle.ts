/**
 * okrCycle: one quarterly cycle — strategy → drafting → alignment review → weekly check-ins →
 * scoring → awards. It owns the sequence and the deadlines and fans each phase (each check-in
 * week) out to taskBatch children, one per batch of participants, so no execution grows with the
 * size of the org. HR steers it with updates (advance, extend, cancel) and a signal when
 * participants join or leave. It continues as new between steps when its history grows.
 */
import {
  ApplicationFailure,
  type ChildWorkflowHandle,
  allHandlersFinished,
  condition,
  continueAsNew,
  patched,
  type SignalDefinition,
  setHandler,
  startChild,
  workflowInfo,
} from '@temporalio/workflow';
import {
  type AdvancePhaseInput,
  type CancelCycleInput,
  type ControlResult,
  type CycleState,
  ErrorCode,
  type ExtendPhaseInput,
  type ParticipantsChangedInput,
  type Phase,
  type PhaseState,
  type Schedule,
  DEFAULT_STEP_POLICY,
  type StepPolicy,
  advancePhaseUpdate,
  batchChangesSignal,
  cancelCycleUpdate,
  closeBatchSignal,
  cycleStateQuery,
  durationToMs,
  extendPhaseUpdate,
  extendTasksSignal,
  participantsChangedSignal,
  taskBatchWorkflowId,
} from '../contract';
import { createSteps } from './steps';
import { type TaskBatchInput, type TaskBatchResult, type TaskPolicy, taskBatch } from './task-batch';

const STEPS = ['strategy', 'drafting', 'review', 'checkins', 'scoring', 'awards'] as const satisfies readonly Phase[];

export interface OkrCycleInput {
  cycleKey: string;
  schedule: Schedule;
  /** The quarter the cycle covers (YYYY-MM-DD): check-ins and scoring follow it (contract/plan.ts). */
  calendar?: { startsOn: string; endsOn: string };
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

type CheckInWeek = { opensAt: string; weekStart: string };

export type Control =
  | { type: 'advance'; input: AdvancePhaseInput }
  | { type: 'extend'; input: ExtendPhaseInput }
  | { type: 'cancel'; input: CancelCycleInput }
  | { type: 'participants'; input: ParticipantsChangedInput };

export async function okrCycle(input: OkrCycleInput): Promise<OkrCycleResult> {
  const { cycleKey, schedule } = input;
  const historyLimit = input.historyLimit ?? 4_000;
  const state: CycleState = input.resume?.state ?? {
    cycleKey,
    status: 'running',
    phase: null,
    phases: STEPS.map((phase) => ({ phase, status: 'pending', openedAt: null, dueAt: null, closedAt: null })),
    participantCount: 0,
    batchCount: 0,
    activeBatches: [],
  };
  const controls: Control[] = [...(input.resume?.controls ?? [])];
  const stepPolicy = input.stepPolicy ?? DEFAULT_STEP_POLICY;
  const { step: run } = createSteps(stepPolicy, {
    cycleKey,
    get phase() {
      return state.phase;
    },
  });
  const active = new Map<string, ChildWorkflowHandle<typeof taskBatch>>();
  let cancelled = state.status === 'cancelled' || input.resume?.cancelled === true;
  let advanceRequested = false;
  /** The phase an accepted advance is closing: a second click on the same phase is refused (409). */
  let advancing: Phase | null = controls.reduce<Phase | null>((p, c) => (c.type === 'advance' ? c.input.phase : p), null);
  /** Set while a phase whose tasks go to every batch is running: batches added meanwhile join it. */
  let perPhaseStart: ((batchNo: number) => Promise<void>) | undefined;
  const policy: TaskPolicy = { reminders: schedule.reminders, escalations: schedule.escalations, expireAfter: schedule.expireAfter, timeZone: schedule.timeZone };

  setHandler(cycleStateQuery, () => ({ ...state, activeBatches: [...active.keys()] }));

  const checkPhase = (phase: Phase) => {
    if (state.status !== 'running') throw reject(ErrorCode.conflict, `the cycle is ${state.status}`);
    if (state.phase !== phase) throw reject(ErrorCode.conflict, `the cycle is in phase ${state.phase ?? '(none)'}, not ${phase}`);
  };
  const result = (): ControlResult => ({ phase: state.phase, status: state.status });
  setHandler(
    advancePhaseUpdate,
    (i) => {
      controls.push({ type: 'advance', input: i });
      advancing = i.phase;
      return result();
    },
    {
      validator: (i) => {
        checkPhase(i.phase);
        if (advancing === i.phase) throw reject(ErrorCode.conflict, `phase ${i.phase} is already being advanced`);
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
      cancelled = true;
      state.cancelReason = i.reason;
      return { phase: state.phase, status: 'cancelled' };
    },
    {
      validator: (_i: CancelCycleInput) => {
        if (state.status !== 'running' || cancelled) throw reject(ErrorCode.conflict, `the cycle is already ${cancelled ? 'cancelled' : state.status}`);
      },
    },
  );
  setHandler(participantsChangedSignal, (i) => {
    controls.push({ type: 'participants', input: i });
  });

  if (!input.resume) {
    const cycle = await run('loadCycle', (acts) => acts.loadCycle({ cycleKey }), { cycleId: 0, title: '', participantCount: 0, batchCount: 0 });
    state.participantCount = cycle.participantCount;
    state.batchCount = cycle.batchCount;
  }

  let step = input.resume?.step ?? 0;
  let week = input.resume?.week ?? 0;
  let checkIns = input.resume?.checkIns;

  while (step < STEPS.length && !cancelled) {
    const phase = STEPS[step]!;
    const ps = phaseState(phase);
    if (ps.status === 'pending') open(ps);
    advanceRequested = false;

    if (phase === 'strategy') {
      const due = iso(Date.parse(ps.openedAt!) + durationToMs(schedule.strategy));
      ps.dueAt = due;
      await runBatches(phase, false, () => ({ opening: { kind: 'strategy', round: 1, dueAt: due }, chain: { author: 'strategy', reviewer: 'strategy-review', loop: true }, followUpDueAt: due }));
    } else if (phase === 'drafting') {
      const opened = Date.parse(ps.openedAt!);
      const dueMs = opened + durationToMs(schedule.drafting);
      const managerDue = dueMs - durationToMs(schedule.managerLead);
      ps.dueAt = iso(dueMs);
      await runBatches(phase, true, () => ({
        opening: { kind: 'draft', round: 1, dueAt: ps.dueAt!, ...(managerDue > opened ? { managerDueAt: iso(managerDue) } : {}) },
      }));
    } else if (phase === 'review') {
      const due = iso(Date.parse(ps.openedAt!) + durationToMs(schedule.review));
      ps.dueAt = due;
      await runBatches(phase, true, () => ({ opening: { kind: 'review', round: 1, dueAt: due }, chain: { author: 'draft', reviewer: 'review', loop: true }, followUpDueAt: due }));
    } else if (phase === 'checkins') {
      checkIns ??= (
        await run('planCheckIns', (acts) => acts.planCheckIns({
          cycleKey,
          from: new Date().toISOString(),
          timeZone: schedule.timeZone,
          weekday: schedule.checkIns.weekday,
          hour: schedule.checkIns.hour,
          ...(schedule.checkIns.every ? { everyMs: durationToMs(schedule.checkIns.every) } : {}),
          weeks: schedule.checkIns.weeks,
        }), { weeks: [] })
      ).weeks;
      const windowMs = durationToMs(schedule.checkIns.window);
      ps.dueAt = checkIns.length ? iso(Date.parse(checkIns[checkIns.length - 1]!.opensAt) + windowMs) : ps.openedAt;
      while (week < checkIns.length && !cancelled && !advanceRequested) {
        const { opensAt, weekStart } = checkIns[week]!;
        const wait = Date.parse(opensAt) - Date.now();
        if (wait > 0) {
          await condition(() => controls.length > 0, wait);
          await handleControls(phase);
          if (cancelled || advanceRequested) break;
          if (Date.parse(opensAt) > Date.now()) continue;
        }
        week++;
        ps.round = week;
        const due = iso(Math.max(Date.parse(opensAt), Date.now()) + windowMs);
        // A missed check-in is reported to the manager when it closes.
        await runBatches(phase, true, () => ({ opening: { kind: 'checkin', round: week, dueAt: due, weekStart } }), {
          ...policy,
          escalations: [{ after: '0s', to: 'manager' }],
          expireAfter: '0s',
          reminders: schedule.reminders.filter((r) => durationToMs(r) < windowMs),
        }, week);
        // Added after the first recorded histories: older cycles replay without the digest.
        if (patched('manager-digest-v1') && !cancelled) {
          const senderRef = `${workflowInfo().workflowId}:digest:${week}`;
          await run('queueManagerDigests', (acts) => acts.queueManagerDigests({ cycleKey, week, senderRef, timeZone: schedule.timeZone }), { queued: 0 });
          await run('sendQueuedEmails', (acts) => acts.sendQueuedEmails({ senderRef }), undefined);
        }
        if (shouldContinueAsNew()) await handOver(step, week, checkIns);
      }
    } else if (phase === 'scoring') {
      const opened = Date.parse(ps.openedAt!);
      const length = durationToMs(schedule.scoring);
      ps.dueAt = iso(opened + length);
      await runBatches(phase, true, () => ({
        opening: { kind: 'self-score', round: 1, dueAt: iso(opened + Math.round((length * 2) / 3)) },
        chain: { author: 'self-score', reviewer: 'calibrate', loop: false },
        followUpDueAt: ps.dueAt!,
      }));
    } else if (phase === 'awards') {
      const third = Math.round(durationToMs(schedule.awards) / 3);
      ps.dueAt = iso(Date.parse(ps.openedAt!) + 3 * third);
      ps.round = 1;
      await runBatches(phase, true, () => ({ opening: { kind: 'nominate', round: 1, dueAt: iso(Date.now() + third) } }), policy, 1);
      if (!cancelled && !advanceRequested) {
        ps.round = 2;
        await runBatches(phase, false, () => ({ opening: { kind: 'vote', round: 1, dueAt: iso(Date.now() + third) } }), policy, 2);
      }
      if (!cancelled && !advanceRequested) {
        ps.round = 3;
        await runBatches(phase, false, () => ({ opening: { kind: 'finalize', round: 1, dueAt: iso(Date.now() + third) } }), policy, 3);
      }
      if (!cancelled) {
        await run('queueCycleEmail', (acts) => acts.queueCycleEmail({ cycleKey, senderRef: workflowInfo().workflowId, timeZone: schedule.timeZone, kind: 'awards-announcement' }), { queued: 0 });
        await run('sendQueuedEmails', (acts) => acts.sendQueuedEmails({ senderRef: workflowInfo().workflowId }), undefined);
      }
    }

    if (cancelled) break;
    close(ps);
    step++;
    week = 0;
    if (step < STEPS.length && shouldContinueAsNew()) await handOver(step, week, checkIns);
  }

  if (cancelled) {
    const reason = state.cancelReason;
    state.status = 'cancelled';
    const ps = state.phase ? phaseState(state.phase) : undefined;
    if (ps && ps.status === 'open') close(ps, 'cancelled');
    await run('queueCycleEmail', (acts) => acts.queueCycleEmail({ cycleKey, senderRef: workflowInfo().workflowId, timeZone: schedule.timeZone, kind: 'cycle-cancelled', ...(reason ? { reason } : {}) }), { queued: 0 });
    await run('sendQueuedEmails', (acts) => acts.sendQueuedEmails({ senderRef: workflowInfo().workflowId }), undefined);
    await run('setCycleStatus', (acts) => acts.setCycleStatus({ cycleKey, status: 'cancelled' }), undefined);
  } else {
    state.status = 'completed';
    state.phase = null;
    await run('setCycleStatus', (acts) => acts.setCycleStatus({ cycleKey, status: 'completed' }), undefined);
  }
  return { cycleKey, status: state.status, phases: state.phases };

  // ---- helpers (closures over the cycle's state) --------------------------------------------

  function phaseState(phase: Phase): PhaseState {
    return state.phases.find((p) => p.phase === phase)!;
  }

  function open(ps: PhaseState): void {
    ps.status = 'open';
    ps.openedAt = new Date().toISOString();
    state.phase = ps.phase;
  }

  function close(ps: PhaseState, note?: string): void {
    ps.status = 'closed';
    ps.closedAt = new Date().toISOString();
    if (note) ps.note = note;
  }

  function allBatches(): number[] {
    return Array.from({ length: state.batchCount }, (_, b) => b);
  }

  /**
   * Continues as new, carrying what HR asked for that is not applied yet: the queued controls and
   * a cancel. Handlers finish first, so nothing accepted is lost in the hand-over.
   */
  async function handOver(step: number, week: number, checkIns: CheckInWeek[] | undefined): Promise<never> {
    await condition(allHandlersFinished);
    return continueAsNew<typeof okrCycle>({ ...input, resume: { state, step, week, checkIns, controls: [...controls], cancelled } });
  }

  function shouldContinueAsNew(): boolean {
    const info = workflowInfo();
    return info.continueAsNewSuggested || info.historyLength > historyLimit;
  }

  /**
   * Starts one child per batch and waits for all of them, handling HR's controls meanwhile.
   * Batches added while the phase runs (new participants) get their own child.
   */
  async function runBatches(
    phase: Phase,
    perBatch: boolean,
    make: (batchNo: number) => Omit<TaskBatchInput, 'cycleKey' | 'phase' | 'batchNo' | 'policy'>,
    batchPolicy: TaskPolicy = policy,
    round = 1,
  ): Promise<TaskBatchResult[]> {
    const results: TaskBatchResult[] = [];
    const start = async (batchNo: number) => {
      const workflowId = taskBatchWorkflowId(cycleKey, phase, round, batchNo);
      if (active.has(workflowId)) return;
      const handle = await startChild(taskBatch, {
        workflowId,
        args: [{ cycleKey, phase, batchNo, policy: batchPolicy, stepPolicy, ...make(batchNo) }],
      });
      active.set(workflowId, handle);
      handle.result().then(
        (r) => {
          results.push(r);
          active.delete(workflowId);
        },
        () => active.delete(workflowId),
      );
    };
    perPhaseStart = perBatch ? start : undefined;
    for (const b of perBatch ? allBatches() : [0]) await start(b);
    while (active.size > 0) {
      await condition(() => active.size === 0 || controls.length > 0);
      await handleControls(phase);
    }
    perPhaseStart = undefined;
    return results;
  }

  /** Applies HR's queued controls to the running batches. */
  async function handleControls(phase: Phase): Promise<void> {
    while (controls.length) {
      const c = controls.shift()!;
      // An advance or extend of a phase that has just ended is not applied to the next one.
      if ((c.type === 'advance' || c.type === 'extend') && c.input.phase !== phase && patched('stale-controls-v1')) continue;
      if (c.type === 'advance') {
        advanceRequested = true;
        phaseState(phase).note = `advanced early by ${c.input.actor}`;
        for (const h of active.values()) await signalBatch(h, closeBatchSignal, { status: 'expired', reason: `phase advanced by ${c.input.actor}` });
      } else if (c.type === 'extend') {
        phaseState(phase).dueAt = c.input.until;
        for (const h of active.values()) await signalBatch(h, extendTasksSignal, { dueAt: c.input.until });
      } else if (c.type === 'cancel') {
        state.cancelReason = c.input.reason;
        for (const h of active.values()) await signalBatch(h, closeBatchSignal, { status: 'cancelled', reason: `cycle cancelled by ${c.input.actor}` });
      } else {
        const { addedBatches, removedPersonIds } = c.input;
        if (removedPersonIds.length) {
          state.participantCount -= removedPersonIds.length;
          for (const h of active.values()) await signalBatch(h, batchChangesSignal, { removedPersonIds });
        }
        for (const b of addedBatches) {
          state.batchCount = Math.max(state.batchCount, b + 1);
          if (perPhaseStart) await perPhaseStart(b);
        }
        if (addedBatches.length) state.participantCount = (await run('loadCycle', (acts) => acts.loadCycle({ cycleKey }), { cycleId: 0, title: '', participantCount: state.participantCount, batchCount: state.batchCount })).participantCount;
      }
    }
  }
}

/**
 * Signals a batch child. A child that has ended meanwhile (its last task closed in the same
 * moment) cannot be signalled; that is no failure: its end is already on its way to the cycle.
 */
async function signalBatch<Args extends unknown[]>(handle: ChildWorkflowHandle<typeof taskBatch>, signal: SignalDefinition<Args>, ...args: Args): Promise<void> {
  try {
    await handle.signal(signal, ...args);
  } catch {
    // The child has ended (not found / already completed): nothing left to tell it.
  }
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

function reject(code: ErrorCode, message: string, issues?: { path: string; message: string }[]) {
  return ApplicationFailure.create({ type: code, message, nonRetryable: true, details: issues ? [{ issues }] : [] });
}
