/** The result table: one row per measure, one column per size. */
import { cpus, totalmem } from 'node:os';
import type { CheckInsResult } from './checkins';
import type { CompletionsResult } from './completions';
import type { FloorResult } from './floor';
import type { CancelStages, ExecutionSize, LaunchBreakdown, StageStats } from './history';
import type { InterruptResult } from './interrupt';
import type { CpuDelta, LaunchResult } from './launch';
import type { ReplayCheck } from './replay-check';

export interface SizeResult {
  n: number;
  batchSize: number;
  importSeconds?: number;
  launch?: LaunchResult;
  breakdown?: LaunchBreakdown;
  floor?: FloorResult;
  completions?: CompletionsResult;
  /** The same completions against HTTP + the same transaction, no Temporal. */
  completionFloor?: CompletionsResult;
  checkins?: CheckInsResult;
  /** HR's cancel during a second launch (bench/interrupt.ts). */
  interrupt?: InterruptResult;
  /** Where the cancel's time went, from the histories. */
  cancelStages?: CancelStages;
  rss?: { workerPeak: number; workerStart: number; apiPeak: number; apiStart: number };
  history?: { max: ExecutionSize; executions: number; via: string };
  /** Every execution replayed from its history after the run (bench/replay-check.ts). */
  replay?: ReplayCheck;
  /** The bench could not measure something (printed as ERROR; exit status 1). */
  errors: string[];
  /** Worth knowing, not a failure of the bench (e.g. the first non-200 answer). */
  notes: string[];
}

/** The goals `npm run bench` reports as met or missed (docs/performance.md), at 10,000 people. */
const GOALS = {
  launchRatio: 1.5,
  launchStretch: 1.2,
  fanOutRatio: 1.1,
  postgresPerEmailRatio: 3,
  p99Ratio: 2,
  throughputRatio: 0.6,
  workerRss: 512 * 1024 ** 2,
  cancelSeconds: 2,
  history: 10_240,
};

const s1 = (v: number | undefined) => (v === undefined || !Number.isFinite(v) ? '–' : v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2));
const sec = (v: number | undefined) => `${s1(v)} s`;
const s2 = (v: number | undefined) => (v === undefined || !Number.isFinite(v) ? '–' : v.toFixed(2));
const pair = ([a, b]: [number, number]) => `${s2(a)} / ${s2(b)}`;
const ms = (v: number | undefined) => (v === undefined || !Number.isFinite(v) ? '–' : `${v.toFixed(0)}`);
const mib = (b: number | undefined) => (b === undefined ? '–' : `${(b / 1024 ** 2).toFixed(0)} MiB`);
const int = (v: number) => v.toLocaleString('en-US');
const met = (ok: boolean | undefined) => (ok === undefined ? '–' : ok ? 'met' : 'MISSED');

type Row = [label: string, cell: (r: SizeResult) => string | false | undefined];

/** CPU of the processes doing the work (not other load on the machine), per completion. */
function cpuPerCompletion(c: CompletionsResult): number {
  return (Object.values(c.cpu.byProcess).reduce((a, b) => a + b, 0) * 1000) / c.requested;
}

/** PostgreSQL CPU per email of the launch against the floor's (the same rows and emails). */
function postgresRatio(r: SizeResult): number | undefined {
  if (!r.launch || !r.floor || !r.floor.postgresCpuSeconds) return undefined;
  const app = (r.launch.cpu.byProcess.postgres ?? NaN) / r.launch.accepted;
  const floor = r.floor.postgresCpuSeconds / r.floor.recipients;
  return Number.isFinite(app) ? app / floor : undefined;
}

const stretch = (r: SizeResult) => (ratio(r) !== undefined && ratio(r)! <= GOALS.launchStretch ? ' (stretch met)' : '');

function ratio(r: SizeResult): number | undefined {
  return r.launch && r.floor ? r.launch.seconds / r.floor.totalSeconds : undefined;
}

const cpuRow = (c: CpuDelta) => ['worker', 'api', 'temporal', 'postgres', 'bench'].map((k) => s1(c.byProcess[k])).join(' / ');
const loadRow = (c: CpuDelta) => `${s1(c.rest)} / ${((c.machineBusy / (c.wall * cpus().length)) * 100).toFixed(0)} %`;
const stageRow = (st: StageStats) => `${s1(st.waitMax)} | ${s1(st.runP50)}/${s1(st.runMax)}`;
/** Worker CPU milliseconds per email accepted. */
const workerMsPerMail = (c: CpuDelta, mails: number) => ((c.byProcess.worker ?? NaN) / mails) * 1000;

const ROWS: Row[] = [
  ['people (N) / batches of TASK_BATCH_SIZE', (r) => `${int(r.n)} / ${Math.ceil(r.n / r.batchSize)} of ${r.batchSize}`],
  ['import N people, POST /api/people (not timed)', (r) => r.importSeconds !== undefined && sec(r.importSeconds)],
  ['LAUNCH: POST /api/cycles → last email accepted', (r) => r.launch && sec(r.launch.seconds)],
  ['  POST /api/cycles answered after', (r) => r.launch && sec(r.launch.postSeconds)],
  ['  first email accepted after', (r) => r.launch && sec(r.launch.firstMailSeconds)],
  ['  outbox all marked sent after', (r) => r.launch && sec(r.launch.outboxSettledSeconds)],
  ['  emails accepted / distinct recipients', (r) => r.launch && `${int(r.launch.accepted)} / ${int(r.launch.recipients)}`],
  ['  cycle wf started / last batch started (+s)', (r) => r.breakdown && `${s1(r.breakdown.cycleStarted)} / ${s1(r.breakdown.lastChildStarted)}`],
  [
    '  open tasks (activity): queue wait max | run p50/max',
    (r) => r.breakdown && `${s1(r.breakdown.openTasks.waitMax)} | ${s1(r.breakdown.openTasks.runP50)}/${s1(r.breakdown.openTasks.runMax)}`,
  ],
  ['  open tasks: last one done at (+s)', (r) => r.breakdown && s1(r.breakdown.openTasks.lastEnd)],
  [
    '  sendQueuedEmails: queue wait max | run p50/max',
    (r) => r.breakdown && `${s1(r.breakdown.sendQueuedEmails.waitMax)} | ${s1(r.breakdown.sendQueuedEmails.runP50)}/${s1(r.breakdown.sendQueuedEmails.runMax)}`,
  ],
  ['  workflow task queue wait p50 / max (s)', (r) => r.breakdown && `${s1(r.breakdown.workflowTaskWaitP50)} / ${s1(r.breakdown.workflowTaskWaitMax)}`],
  ['  activity retries / failed activities', (r) => r.breakdown && `${r.breakdown.activityRetries} / ${r.breakdown.activityFailures}`],
  ['  CPU s: worker / api / temporal / postgres / sink', (r) => r.launch && cpuRow(r.launch.cpu)],
  ['  CPU s: other load on the machine / machine busy', (r) => r.launch && loadRow(r.launch.cpu)],
  ['FLOOR: insert N task rows + send N emails', (r) => r.floor && sec(r.floor.totalSeconds)],
  ['  bulk insert / send (pooled transport)', (r) => r.floor && `${sec(r.floor.insertSeconds)} / ${sec(r.floor.sendSeconds)}`],
  ['  CPU s: floor process / postgres; send errors', (r) => r.floor && `${s1(r.floor.cpuSeconds)} / ${s1(r.floor.postgresCpuSeconds)}; ${r.floor.errors}`],
  ['  (rendering N emails, outside the floor)', (r) => r.floor && sec(r.floor.renderSeconds)],
  ['  peak RSS of the floor process', (r) => r.floor && mib(r.floor.peakRss)],
  ['RATIO launch / floor', (r) => s1(ratio(r))],
  ['RATIO PostgreSQL CPU per email: launch / floor', (r) => s1(postgresRatio(r))],
  ['COMPLETIONS: tasks at concurrency C', (r) => r.completions && `${int(r.completions.requested)} in ${r.completions.batchesTouched} batches`],
  ['  throughput (completions/s)', (r) => r.completions && s1(r.completions.perSecond)],
  [
    '  latency p50 / p95 / p99 / max (ms)',
    (r) => r.completions && [r.completions.p50, r.completions.p95, r.completions.p99, r.completions.max].map(ms).join(' / '),
  ],
  [
    '  non-200 answers',
    (r) =>
      r.completions &&
      (r.completions.non200 === 0
        ? '0'
        : `${r.completions.non200} (${Object.entries(r.completions.statuses)
            .filter(([k]) => k !== '200')
            .map(([k, v]) => `${k}×${v}`)
            .join(', ')})`),
  ],
  ['  tasks completed in the database', (r) => r.completions && int(r.completions.completedInDb)],
  ['  CPU s: worker / api / temporal / postgres / bench', (r) => r.completions && cpuRow(r.completions.cpu)],
  ['  CPU s: other load on the machine / machine busy', (r) => r.completions && loadRow(r.completions.cpu)],
  ['  CPU ms per completion, all processes', (r) => r.completions && s1(cpuPerCompletion(r.completions))],
  ['COMPLETION FLOOR: same, HTTP + same transaction, no Temporal', (r) => r.completionFloor && `${int(r.completionFloor.requested)} other tasks`],
  ['  throughput (completions/s)', (r) => r.completionFloor && s1(r.completionFloor.perSecond)],
  [
    '  latency p50 / p95 / p99 / max (ms)',
    (r) => r.completionFloor && [r.completionFloor.p50, r.completionFloor.p95, r.completionFloor.p99, r.completionFloor.max].map(ms).join(' / '),
  ],
  ['  non-200 answers / completed in the database', (r) => r.completionFloor && `${r.completionFloor.non200} / ${int(r.completionFloor.completedInDb)}`],
  [
    '  CPU s: floor process / postgres / bench',
    (r) => r.completionFloor && ['floor', 'postgres', 'bench'].map((k) => s1(r.completionFloor!.cpu.byProcess[k])).join(' / '),
  ],
  ['  CPU ms per completion, all processes', (r) => r.completionFloor && s1(cpuPerCompletion(r.completionFloor))],
  [
    'RATIO completions / floor: p99 | throughput',
    (r) =>
      r.completions && r.completionFloor && `${s1(r.completions.p99 / r.completionFloor.p99)} | ${s1(r.completions.perSecond / r.completionFloor.perSecond)}`,
  ],
  ['CHECK-IN FAN-OUT: POST advance → last email accepted', (r) => r.checkins && sec(r.checkins.seconds)],
  ['  (not timed) drafting → review, its mail out / seeding', (r) => r.checkins && `${sec(r.checkins.toReviewSeconds)} / ${sec(r.checkins.seedSeconds)}`],
  [
    '  (not timed) review tasks / given objectives (before review)',
    (r) => r.checkins && `${int(r.checkins.reviewTasks)} / ${int(r.checkins.seeded + r.checkins.seededBeforeReview)} (${int(r.checkins.seededBeforeReview)})`,
  ],
  ['  POST advance (review → checkins) answered after', (r) => r.checkins && sec(r.checkins.postSeconds)],
  [
    '  review batches closed / check-in batches started (+s)',
    (r) =>
      r.checkins &&
      `${s1(r.checkins.reviewClosedSeconds)} / ${r.checkins.breakdown ? `${s1(r.checkins.breakdown.firstChildStarted)}–${s1(r.checkins.breakdown.lastChildStarted)}` : '–'}`,
  ],
  ['  first email accepted after', (r) => r.checkins && sec(r.checkins.firstMailSeconds)],
  ['  outbox all marked sent after', (r) => r.checkins && sec(r.checkins.outboxSettledSeconds)],
  [
    '  emails/s: overall / first to last email',
    (r) =>
      r.checkins &&
      `${s1(r.checkins.recipients / r.checkins.seconds)} / ${s1((r.checkins.recipients - 1) / (r.checkins.seconds - r.checkins.firstMailSeconds))}`,
  ],
  [
    '  emails accepted / distinct recipients; other mail',
    (r) => r.checkins && `${int(r.checkins.accepted)} / ${int(r.checkins.recipients)}; ${int(r.checkins.other)}`,
  ],
  ['  open tasks (activity): queue wait max | run p50/max', (r) => r.checkins?.breakdown && stageRow(r.checkins.breakdown.openTasks)],
  ['  open tasks: last one done at (+s)', (r) => r.checkins?.breakdown && s1(r.checkins.breakdown.openTasks.lastEnd)],
  ['  sendQueuedEmails: queue wait max | run p50/max', (r) => r.checkins?.breakdown && stageRow(r.checkins.breakdown.sendQueuedEmails)],
  [
    '  workflow task queue wait p50 / max (s)',
    (r) => r.checkins?.breakdown && `${s1(r.checkins.breakdown.workflowTaskWaitP50)} / ${s1(r.checkins.breakdown.workflowTaskWaitMax)}`,
  ],
  [
    '  activity retries / failed activities',
    (r) => r.checkins?.breakdown && `${r.checkins.breakdown.activityRetries} / ${r.checkins.breakdown.activityFailures}`,
  ],
  ['  CPU s: worker / api / temporal / postgres / sink', (r) => r.checkins && cpuRow(r.checkins.cpu)],
  ['  CPU s: other load on the machine / machine busy', (r) => r.checkins && loadRow(r.checkins.cpu)],
  [
    '  worker CPU ms per email: check-in / launch',
    (r) =>
      r.checkins && `${s1(workerMsPerMail(r.checkins.cpu, r.checkins.accepted))} / ${r.launch ? s1(workerMsPerMail(r.launch.cpu, r.launch.accepted)) : '–'}`,
  ],
  ['RATIO check-in fan-out / launch', (r) => r.checkins && r.launch && s1(r.checkins.seconds / r.launch.seconds)],
  ['HR CANCEL during a launch: POST cancel → every batch closed', (r) => r.interrupt && sec(r.interrupt.closedSeconds)],
  ['  invitations accepted when HR cancelled / after', (r) => r.interrupt && `${int(r.interrupt.acceptedAtCancel)} / ${int(r.interrupt.invitesAfter)}`],
  ['  POST cancel answered / last invitation accepted after', (r) => r.interrupt && `${sec(r.interrupt.postSeconds)} / ${sec(r.interrupt.lastInviteSeconds)}`],
  [
    '  invitations in the outbox: sent / skipped (never sent) / other',
    (r) =>
      r.interrupt &&
      `${int(r.interrupt.outbox.sent ?? 0)} / ${int(r.interrupt.outbox.skipped ?? 0)} / ${int(Object.entries(r.interrupt.outbox).reduce((s, [k, v]) => (k === 'sent' || k === 'skipped' ? s : s + v), 0))}`,
  ],
  [
    '  cycle got the cancel / saw its last batch close (+s)',
    (r) => r.cancelStages && `${s2(r.cancelStages.cycleSignalled)} / ${s2(r.cancelStages.cycleSawLast)}`,
  ],
  ['  batches: signalled (+s, p50/max)', (r) => r.cancelStages && pair(r.cancelStages.batchSignalled)],
  [
    '  batches: send cancel requested / send ended (+s, max)',
    (r) => r.cancelStages && `${s2(r.cancelStages.sendCancelRequested[1])} / ${s2(r.cancelStages.sendEnded[1])}`,
  ],
  ['  batches: tasks closed / batch closed (+s, max)', (r) => r.cancelStages && `${s2(r.cancelStages.tasksClosed[1])} / ${s2(r.cancelStages.batchClosed[1])}`],
  ['PEAK RSS worker (VmHWM) / after start', (r) => r.rss && `${mib(r.rss.workerPeak)} / ${mib(r.rss.workerStart)}`],
  ['  worker peak by the end of the launch', (r) => r.launch && mib(r.launch.workerPeakRss)],
  ['  worker peak by the end of the check-in fan-out', (r) => r.checkins && mib(r.checkins.workerPeakRss)],
  ['PEAK RSS api (VmHWM) / after start', (r) => r.rss && `${mib(r.rss.apiPeak)} / ${mib(r.rss.apiStart)}`],
  [
    'MAX historyLength of an execution',
    (r) => r.history && `${int(r.history.max.historyLength)} (${r.history.max.workflowId.replace(/^okr-cycle:[^:]+/, '…').replace(/^…$/, 'the cycle')})`,
  ],
  ['  executions of the cycle', (r) => r.history && String(r.history.executions)],
  ['  replayed from their histories / nondeterministic', (r) => r.replay && `${r.replay.replayed} / ${r.replay.failures.length}`],
  ['goal: launch / floor ≤ 1.5 (stretch 1.2)', (r) => met(ratio(r) === undefined ? undefined : ratio(r)! <= GOALS.launchRatio) + stretch(r)],
  ['goal: check-in fan-out ≤ 1.1 × the launch', (r) => met(r.checkins && r.launch && r.checkins.seconds / r.launch.seconds <= GOALS.fanOutRatio)],
  [
    'goal: PostgreSQL CPU per email (launch) ≤ 3 × the floor’s',
    (r) => met(postgresRatio(r) === undefined ? undefined : postgresRatio(r)! <= GOALS.postgresPerEmailRatio),
  ],
  ['goal: completion p99 ≤ 2 × the floor’s', (r) => met(r.completions && r.completionFloor && r.completions.p99 <= GOALS.p99Ratio * r.completionFloor.p99)],
  [
    'goal: completion throughput ≥ 0.6 × the floor’s',
    (r) => met(r.completions && r.completionFloor && r.completions.perSecond >= GOALS.throughputRatio * r.completionFloor.perSecond),
  ],
  [
    'goal: HR’s cancel stops the sends and closes every batch ≤ 2 s',
    (r) => met(r.interrupt && r.interrupt.closedSeconds <= GOALS.cancelSeconds && r.interrupt.lastInviteSeconds <= GOALS.cancelSeconds),
  ],
  ['goal: worker RSS < 512 MiB', (r) => met(r.rss && r.rss.workerPeak < GOALS.workerRss)],
  ['goal: no execution above 10,240 events', (r) => met(r.history && r.history.max.historyLength <= GOALS.history)],
];

export function renderTable(results: SizeResult[], header: string): string {
  const cells = ROWS.map(([label, f]) => [label, ...results.map((r) => f(r) || '–')]);
  const widths = cells[0]!.map((_, c) => Math.max(...cells.map((row) => [...row[c]!].length)));
  const line = (row: string[]) => row.map((v, c) => (c === 0 ? v.padEnd(widths[c]!) : v.padStart(widths[c]!))).join('  ');
  const head = line(['', ...results.map((r) => `N = ${int(r.n)}`)]);
  const rule = '-'.repeat([...head].length);
  const out = [header, rule, head, rule, ...cells.map(line), rule];
  for (const r of results) for (const e of r.notes) out.push(`N = ${int(r.n)}: ${e}`);
  for (const r of results) for (const e of r.errors) out.push(`N = ${int(r.n)}: ERROR ${e}`);
  out.push(machineCaveat());
  return out.join('\n');
}

export function machineCaveat(): string {
  const c = cpus();
  return (
    `Machine: ${c.length} shared cores (${c[0]?.model.trim() ?? 'unknown CPU'}), ${(totalmem() / 1024 ** 3).toFixed(0)} GiB; ` +
    'Temporal dev server (SQLite), PostgreSQL, API, worker and SMTP sink all share these cores — numbers vary run to run.'
  );
}
