/**
 * What Temporal recorded about a cycle: every execution's history length, and from the event
 * times where the launch's wall-clock time went (activity queue waits and run times, workflow
 * task waits, when the children started).
 */
import type { Client } from '@temporalio/client';
import { type Phase, cycleWorkflowId, taskBatchWorkflowId } from '../contract';

type Long = { toString(): string } | number | string | null | undefined;
const num = (v: Long) => (v === null || v === undefined ? 0 : Number(String(v)));
type Ts = { seconds?: Long; nanos?: number | null } | null | undefined;
const tsMs = (t: Ts) => (t ? num(t.seconds) * 1000 + (t.nanos ?? 0) / 1e6 : NaN);

export interface ExecutionSize {
  workflowId: string;
  historyLength: number;
}

/** A phase (or a check-in week) whose batches ran: `round` as in taskBatchWorkflowId. */
export interface PhaseRound {
  phase: Phase;
  round: number;
}

/**
 * Every execution of the cycle (the cycle and its batch children) and its history length.
 * `phases` are the phases the bench drove, for the ids to fall back on when visibility lags.
 */
export async function executionSizes(
  client: Client,
  cycleKey: string,
  batchCount: number,
  phases: PhaseRound[] = [{ phase: 'drafting', round: 1 }],
): Promise<{ list: ExecutionSize[]; via: string }> {
  const prefix = cycleWorkflowId(cycleKey);
  let ids: string[] = [];
  let via = 'visibility list';
  try {
    for await (const wf of client.workflow.list({ query: `WorkflowId STARTS_WITH '${prefix}'` })) ids.push(wf.workflowId);
  } catch {
    ids = [];
  }
  const expected = [
    prefix,
    ...phases.flatMap(({ phase, round }) => Array.from({ length: batchCount }, (_, b) => taskBatchWorkflowId(cycleKey, phase, round, b))),
  ];
  if (ids.length < expected.length) {
    // Visibility is eventually consistent (or the query unsupported): add the ids we know.
    ids = [...new Set([...ids, ...expected])];
    via = 'known workflow ids';
  }
  const list: ExecutionSize[] = [];
  for (const workflowId of ids) {
    try {
      const d = await client.workflow.getHandle(workflowId).describe();
      list.push({ workflowId, historyLength: d.historyLength });
    } catch {
      // not started (yet)
    }
  }
  return { list, via };
}

export interface ActivityTiming {
  name: string;
  scheduledAt: number;
  startedAt: number;
  closedAt: number;
  attempt: number;
  outcome: 'completed' | 'failed' | 'timed out' | 'open';
}

export interface ExecutionTimeline {
  workflowId: string;
  startedAt: number;
  activities: ActivityTiming[];
  /** Workflow tasks: when scheduled, time from then to picked up by the worker, and their run time. */
  workflowTasks: { at: number; wait: number; run: number }[];
  childInitiated: number[];
  childStarted: number[];
}

export async function timeline(client: Client, workflowId: string): Promise<ExecutionTimeline> {
  const history = await client.workflow.getHandle(workflowId).fetchHistory();
  const out: ExecutionTimeline = { workflowId, startedAt: NaN, activities: [], workflowTasks: [], childInitiated: [], childStarted: [] };
  const acts = new Map<number, ActivityTiming>();
  const wftScheduled = new Map<number, number>();
  const wftStarted = new Map<number, { scheduledAt: number; at: number; wait: number }>();
  for (const e of history.events ?? []) {
    const at = tsMs(e.eventTime as Ts);
    const id = num(e.eventId as Long);
    if (e.workflowExecutionStartedEventAttributes) out.startedAt = at;
    const sch = e.activityTaskScheduledEventAttributes;
    if (sch) acts.set(id, { name: sch.activityType?.name ?? '?', scheduledAt: at, startedAt: NaN, closedAt: NaN, attempt: 1, outcome: 'open' });
    const st = e.activityTaskStartedEventAttributes;
    if (st) {
      const a = acts.get(num(st.scheduledEventId as Long));
      if (a) {
        a.startedAt = at;
        a.attempt = st.attempt ?? 1;
      }
    }
    const closed =
      (e.activityTaskCompletedEventAttributes && (['completed', e.activityTaskCompletedEventAttributes] as const)) ||
      (e.activityTaskFailedEventAttributes && (['failed', e.activityTaskFailedEventAttributes] as const)) ||
      (e.activityTaskTimedOutEventAttributes && (['timed out', e.activityTaskTimedOutEventAttributes] as const));
    if (closed) {
      const a = acts.get(num(closed[1].scheduledEventId as Long));
      if (a) {
        a.closedAt = at;
        a.outcome = closed[0];
      }
    }
    if (e.workflowTaskScheduledEventAttributes) wftScheduled.set(id, at);
    const ws = e.workflowTaskStartedEventAttributes;
    if (ws) {
      const s = wftScheduled.get(num(ws.scheduledEventId as Long));
      if (s !== undefined) wftStarted.set(id, { scheduledAt: s, at, wait: at - s });
    }
    const wc = e.workflowTaskCompletedEventAttributes;
    if (wc) {
      const s = wftStarted.get(num(wc.startedEventId as Long));
      if (s) out.workflowTasks.push({ at: s.scheduledAt, wait: s.wait, run: at - s.at });
    }
    if (e.startChildWorkflowExecutionInitiatedEventAttributes) out.childInitiated.push(at);
    if (e.childWorkflowExecutionStartedEventAttributes) out.childStarted.push(at);
  }
  out.activities = [...acts.values()];
  return out;
}

export interface LaunchBreakdown {
  /** All times in seconds after the POST /api/cycles (or /advance) was sent. */
  cycleStarted: number;
  firstChildStarted: number;
  lastChildStarted: number;
  openTasks: StageStats;
  sendQueuedEmails: StageStats;
  workflowTaskWaitMax: number;
  workflowTaskWaitP50: number;
  activityRetries: number;
  activityFailures: number;
}

export interface StageStats {
  count: number;
  waitP50: number;
  waitMax: number;
  runP50: number;
  runMax: number;
  /** When the last one finished, seconds after the POST. */
  lastEnd: number;
  firstStart: number;
}

export function quantile(sorted: number[], q: number): number {
  if (!sorted.length) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[i]!;
}

function stage(activities: ActivityTiming[], t0: number): StageStats {
  const waits = activities
    .map((a) => a.startedAt - a.scheduledAt)
    .filter(Number.isFinite)
    .sort((a, b) => a - b);
  const runs = activities
    .map((a) => a.closedAt - a.startedAt)
    .filter(Number.isFinite)
    .sort((a, b) => a - b);
  return {
    count: activities.length,
    waitP50: quantile(waits, 0.5) / 1000,
    waitMax: (waits.at(-1) ?? NaN) / 1000,
    runP50: quantile(runs, 0.5) / 1000,
    runMax: (runs.at(-1) ?? NaN) / 1000,
    lastEnd: (Math.max(...activities.map((a) => a.closedAt)) - t0) / 1000,
    firstStart: (Math.min(...activities.map((a) => a.startedAt)) - t0) / 1000,
  };
}

/** `read` for every id, eight at a time; the ids whose execution does not exist (yet) are left out. */
async function eightAtATime<T>(ids: string[], read: (id: string) => Promise<T>): Promise<T[]> {
  const out: T[] = [];
  for (let i = 0; i < ids.length; i += 8) {
    const got = await Promise.all(
      ids.slice(i, i + 8).map((id) =>
        read(id).then(
          (v): T | undefined => v,
          () => undefined,
        ),
      ),
    );
    out.push(...got.filter((v): v is Awaited<T> => v !== undefined));
  }
  return out;
}

/** Reads the cycle's and its children's histories; `t0` is Date.now() when the POST was sent. */
export function launchBreakdown(client: Client, cycleKey: string, batchCount: number, t0: number): Promise<LaunchBreakdown> {
  return phaseBreakdown(client, cycleKey, batchCount, t0, { phase: 'drafting', round: 1 });
}

/**
 * The same for the batches of any phase (a check-in week: round = week). Only the cycle's
 * workflow tasks scheduled after `t0` count: its history also holds the phases before.
 */
export async function phaseBreakdown(client: Client, cycleKey: string, batchCount: number, t0: number, { phase, round }: PhaseRound): Promise<LaunchBreakdown> {
  const ids = Array.from({ length: batchCount }, (_, b) => taskBatchWorkflowId(cycleKey, phase, round, b));
  const cycle = await timeline(client, cycleWorkflowId(cycleKey));
  const children = await eightAtATime(ids, (id) => timeline(client, id));
  const all = children.flatMap((c) => c.activities);
  // Only the first attempt chain of each launch activity (reminders come days later).
  const open = all.filter((a) => /^open\w*Tasks$/.test(a.name)); // openTasks, openPhaseTasks
  const send = all.filter((a) => a.name === 'sendQueuedEmails');
  const wft = [...cycle.workflowTasks.filter((w) => w.at >= t0), ...children.flatMap((c) => c.workflowTasks)].map((w) => w.wait).sort((a, b) => a - b);
  return {
    cycleStarted: (cycle.startedAt - t0) / 1000,
    firstChildStarted: (Math.min(...children.map((c) => c.startedAt)) - t0) / 1000,
    lastChildStarted: (Math.max(...children.map((c) => c.startedAt)) - t0) / 1000,
    openTasks: stage(open, t0),
    sendQueuedEmails: stage(send, t0),
    workflowTaskWaitMax: (wft.at(-1) ?? NaN) / 1000,
    workflowTaskWaitP50: quantile(wft, 0.5) / 1000,
    activityRetries: all.filter((a) => a.attempt > 1).length,
    activityFailures: all.filter((a) => a.outcome === 'failed' || a.outcome === 'timed out').length,
  };
}

/** Seconds after HR's cancel, as p50 / max over the batches (NaN when no batch recorded it). */
export interface CancelStages {
  /** The cycle's workflow accepted HR's cancel (an update). */
  cycleSignalled: number;
  /** A batch saw the cycle's signal; asked Temporal to cancel its send; the send ended; its tasks closed; it completed. */
  batchSignalled: [number, number];
  sendCancelRequested: [number, number];
  sendEnded: [number, number];
  tasksClosed: [number, number];
  batchClosed: [number, number];
  /** The cycle's workflow saw the last batch complete. */
  cycleSawLast: number;
}

/** Where the time from HR's cancel (`t0`, Date.now()) to every batch closed went, from the histories. */
export async function cancelStages(client: Client, cycleKey: string, batchCount: number, t0: number): Promise<CancelStages> {
  const after = (at: number) => (at - t0) / 1000;
  const spread = (xs: number[]): [number, number] => {
    const s = xs.filter(Number.isFinite).sort((a, b) => a - b);
    return [quantile(s, 0.5), s.at(-1) ?? NaN];
  };
  const cycle = await client.workflow.getHandle(cycleWorkflowId(cycleKey)).fetchHistory();
  let cycleSignalled = NaN;
  let cycleSawLast = NaN;
  for (const e of cycle.events ?? []) {
    const at = tsMs(e.eventTime as Ts);
    if (at < t0) continue;
    if ((e.workflowExecutionUpdateAcceptedEventAttributes || e.workflowExecutionSignaledEventAttributes) && Number.isNaN(cycleSignalled))
      cycleSignalled = after(at);
    if (e.childWorkflowExecutionCompletedEventAttributes) cycleSawLast = after(at);
  }
  const stages = {
    batchSignalled: [] as number[],
    sendCancelRequested: [] as number[],
    sendEnded: [] as number[],
    tasksClosed: [] as number[],
    batchClosed: [] as number[],
  };
  const ids = Array.from({ length: batchCount }, (_, b) => taskBatchWorkflowId(cycleKey, 'drafting', 1, b));
  for (const h of await eightAtATime(ids, (id) => client.workflow.getHandle(id).fetchHistory())) {
    const names = new Map<number, { name: string; at: number }>();
    let signalled = false;
    let sendEnded = false;
    for (const e of h.events ?? []) {
      const at = tsMs(e.eventTime as Ts);
      const sch = e.activityTaskScheduledEventAttributes;
      if (sch) names.set(num(e.eventId as Long), { name: sch.activityType?.name ?? '?', at });
      if (at < t0) continue;
      if (e.workflowExecutionSignaledEventAttributes && !signalled) {
        signalled = true;
        stages.batchSignalled.push(after(at));
      }
      if (e.activityTaskCancelRequestedEventAttributes) stages.sendCancelRequested.push(after(at));
      const ended =
        e.activityTaskCanceledEventAttributes ??
        e.activityTaskCompletedEventAttributes ??
        e.activityTaskFailedEventAttributes ??
        e.activityTaskTimedOutEventAttributes;
      const act = ended ? names.get(num(ended.scheduledEventId as Long)) : undefined;
      const name = act?.name;
      // The send running at the cancel, however it ended (cancelled, or done before the cancel reached it); not the settling send after closeTasks.
      if (name === 'sendQueuedEmails' && act!.at < t0 && !sendEnded) {
        sendEnded = true;
        stages.sendEnded.push(after(at));
      }
      if (name === 'closeTasks') stages.tasksClosed.push(after(at));
      if (e.workflowExecutionCompletedEventAttributes) stages.batchClosed.push(after(at));
    }
  }
  return {
    cycleSignalled,
    cycleSawLast,
    batchSignalled: spread(stages.batchSignalled),
    sendCancelRequested: spread(stages.sendCancelRequested),
    sendEnded: spread(stages.sendEnded),
    tasksClosed: spread(stages.tasksClosed),
    batchClosed: spread(stages.batchClosed),
  };
}
