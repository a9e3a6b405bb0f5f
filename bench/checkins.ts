/**
 * The check-in fan-out: the time from HR's `POST /api/cycles/:key/advance` out of the review
 * until the SMTP sink has accepted week 1's check-in email for every participant.
 *
 * Getting there is not timed. The cycle is advanced from drafting to review through the API; then
 * every participant without objectives gets an approved objective with two key results, written
 * straight into the database (a check-in goes to each participant who owns a current objective
 * with key results: activities/recipients.ts). The cycle's schedule has one compressed check-in
 * week (launch.ts BENCH_SCHEDULE), so week 1 opens the moment the check-ins phase does.
 *
 * A review phase with no objectives to review has no tasks and closes by itself, and the cycle
 * would run on through the check-ins before anyone had objectives. So when nobody has objectives
 * yet (no completions ran), one participant gets them before the advance to review: their review
 * task keeps the phase open until HR advances it.
 */
import type { Client } from '@temporalio/client';
import type { Kysely } from 'kysely';
import { formatDue, renderEmail } from '../mail/templates';
import { type CycleState, type Phase, type TaskKind, taskBatchWorkflowId } from '../contract';
import { activeParticipants, participantsWithObjectives } from '../db/participants';
import type { DB } from '../db/schema';
import type { RunningApp } from './app';
import { interrupted, sleep } from './cleanup';
import { GOOD_DRAFT } from './completions';
import { type LaunchBreakdown, phaseBreakdown } from './history';
import { type CpuDelta, type CpuSnapshot, type MailWave, cpuDelta, outboxSettled, queuedEmails } from './launch';
import { trackPostgresCpu } from './procs';
import { note, progress } from './progress';
import type { SmtpSink } from './smtp-sink';
import { checkinKind } from '../kinds/checkin';

const INSERT_CHUNK = 1_000;
/** The check-in week the bench measures (round of the check-in batches). */
const WEEK = 1;

/** The wave starts with the advance (review → checkins); only check-in emails count. */
export interface CheckInsResult extends MailWave {
  /** Other mail that arrived meanwhile. */
  other: number;
  /** The most frequent subjects of the other mail, with their counts. */
  otherSubjects: [string, number][];
  expected: number;
  /** When the last review batch had closed its tasks (the cycle waits for that), after the advance. */
  reviewClosedSeconds: number;
  breakdown?: LaunchBreakdown;
  /** Not timed: from the advance out of drafting until the review's emails had all gone out. */
  toReviewSeconds: number;
  reviewTasks: number;
  /** Not timed: people given objectives (before the review to keep it open, and during it). */
  seededBeforeReview: number;
  seeded: number;
  seedSeconds: number;
  /** VmHWM of the worker when the fan-out had finished. */
  workerPeakRss: number;
  cpu: CpuDelta;
}

export interface CheckInsContext {
  app: RunningApp;
  sink: SmtpSink;
  db: Kysely<DB>;
  client: Client;
  cycleKey: string;
  cycleTitle: string;
  batchCount: number;
  cpu: () => CpuSnapshot;
  databaseName: string;
  /** Upper bound for the fan-out's emails, and for each untimed wait. */
  timeoutS: number;
  waitS: number;
}

/**
 * Whether a decoded Subject is a week's check-in invitation, in either language. The shape comes
 * from the app's own template: the subject rendered around a due time, split at the due time
 * (which the bench cannot know in advance).
 */
export function checkInSubjectMatcher(cycleTitle: string, week = WEEK): (subject: string) => boolean {
  const dueAt = '2031-07-15T12:34:00.000Z';
  const shapes = (['en', 'zh-CN'] as const).map((locale) => {
    const { subject } = renderEmail(
      'task-invite',
      { locale, personName: 'x', cycleTitle, timeZone: 'UTC', taskKind: checkinKind.kind, dueAt, round: week },
      'http://127.0.0.1/t/x',
    );
    const due = formatDue(dueAt, locale, 'UTC');
    const at = subject.indexOf(due);
    if (at < 0) throw new Error(`the check-in subject ${JSON.stringify(subject)} does not show its due time`);
    return { before: subject.slice(0, at), after: subject.slice(at + due.length) };
  });
  return (s) => shapes.some(({ before, after }) => s.length > before.length + after.length && s.startsWith(before) && s.endsWith(after));
}

async function cycleState(app: RunningApp, cycleKey: string): Promise<CycleState | null> {
  const res = await app.request(`/api/cycles/${encodeURIComponent(cycleKey)}`, { signal: interrupted });
  if (res.status !== 200) throw new Error(`GET /api/cycles/${cycleKey} answered ${res.status}: ${(await res.text()).slice(0, 300)}`);
  return ((await res.json()) as { state: CycleState | null }).state;
}

async function advance(app: RunningApp, cycleKey: string, phase: Phase): Promise<void> {
  const res = await app.request(`/api/cycles/${encodeURIComponent(cycleKey)}/advance`, { method: 'POST', json: { phase }, signal: interrupted });
  if (res.status !== 200) throw new Error(`POST /api/cycles/${cycleKey}/advance {phase: ${phase}} answered ${res.status}: ${(await res.text()).slice(0, 300)}`);
}

/** Polls until `ready` answers true; `what` names the wait in the timeout's message. */
async function until(what: string, timeoutS: number, ready: () => Promise<boolean>): Promise<void> {
  const deadline = performance.now() + timeoutS * 1000;
  for (;;) {
    if (interrupted.aborted) throw interrupted.reason;
    if (await ready()) return;
    if (performance.now() > deadline) throw new Error(`timed out after ${timeoutS} s waiting for ${what}`);
    await sleep(250);
  }
}

async function countWithObjectives(db: Kysely<DB>, cycleId: number): Promise<number> {
  const row = await participantsWithObjectives(db, cycleId)
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** The objective every seeded participant gets: the completions' draft, approved. */
const SEED = {
  title: GOOD_DRAFT.objectives[0]!.title,
  keyResults: [
    { kind: 'numeric', title: 'Activation rate', start_value: 40, target_value: 60, unit: '%' },
    { kind: 'milestone', title: 'Ship the new guided tour', start_value: 0, target_value: 1, unit: null },
  ] as const,
};

/**
 * Gives participants without objectives one approved objective with two key results (multi-row
 * inserts, one transaction); with `limit`, only that many and not `except` (the HR owner).
 */
async function seedObjectives(db: Kysely<DB>, cycleId: number, only?: { limit: number; except: number | null }): Promise<number> {
  let q = participantsWithObjectives(db, cycleId, false).select('p.id').orderBy('p.id');
  if (only) q = q.where('p.id', '!=', only.except ?? -1).limit(only.limit);
  const owners = (await q.execute()).map((r) => r.id);
  await db.transaction().execute(async (tx) => {
    for (let i = 0; i < owners.length; i += INSERT_CHUNK) {
      const rows = await tx
        .insertInto('objectives')
        .values(
          owners.slice(i, i + INSERT_CHUNK).map((owner) => ({
            cycle_id: cycleId,
            owner_id: owner,
            task_id: null,
            position: 0,
            title: SEED.title,
            parent_objective_id: null,
            status: 'approved',
            round: 1,
          })),
        )
        .returning('id')
        .execute();
      await tx
        .insertInto('key_results')
        .values(rows.flatMap((o) => SEED.keyResults.map((kr, position) => ({ objective_id: o.id, position, ...kr }))))
        .execute();
    }
  });
  return owners.length;
}

async function tasksOfKind(db: Kysely<DB>, cycleId: number, kind: TaskKind, round?: number): Promise<number> {
  let q = db
    .selectFrom('tasks')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('cycle_id', '=', cycleId)
    .where('kind', '=', kind);
  if (round !== undefined) q = q.where('round', '=', round);
  return Number((await q.executeTakeFirstOrThrow()).n);
}

/**
 * Whether every review batch has opened its tasks: it has finished (a batch with nothing to
 * review ends at once), or its tasks are in the database (they and their emails are written in
 * one transaction). The cycle starts its batches one after the other, so at 10,000 people the
 * last ones open seconds after the first; objectives seeded before then would get reviews.
 */
async function reviewBatchesOpened(x: CheckInsContext): Promise<boolean> {
  const ready = await Promise.all(
    Array.from({ length: x.batchCount }, async (_, b) => {
      const workflowId = taskBatchWorkflowId(x.cycleKey, 'review', 1, b);
      const status = await x.client.workflow
        .getHandle(workflowId)
        .describe()
        .then((d) => d.status.name)
        .catch(() => 'NOT STARTED');
      if (status === 'NOT STARTED') return false;
      if (status !== 'RUNNING') return true;
      return (await x.db.selectFrom('tasks').select('id').where('workflow_id', '=', workflowId).limit(1).executeTakeFirst()) !== undefined;
    }),
  );
  return ready.every(Boolean);
}

/** Advances the cycle from wherever it stands before the review (strategy, drafting) into the review. */
async function driveToReview(x: CheckInsContext): Promise<void> {
  for (;;) {
    const state = await cycleState(x.app, x.cycleKey);
    const phase = state?.phase ?? null;
    if (phase === 'review') return;
    if (phase !== 'strategy' && phase !== 'drafting')
      throw new Error(`expected the cycle in drafting before the review, found ${phase ?? `no phase (${state?.status ?? 'no state'})`}`);
    await advance(x.app, x.cycleKey, phase);
    await until(`the cycle to leave ${phase}`, x.waitS, async () => (await cycleState(x.app, x.cycleKey))?.phase !== phase);
  }
}

export async function runCheckIns(x: CheckInsContext): Promise<CheckInsResult> {
  const { app, sink, db } = x;
  const cycle = await db.selectFrom('cycles').select(['id', 'hr_person_id']).where('key', '=', x.cycleKey).executeTakeFirstOrThrow();
  const participants = Number(
    (
      await activeParticipants(db, cycle.id)
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );

  // ---- not timed: into the review, then objectives for everyone -----------------------------
  note('check-ins: advancing drafting → review, then seeding objectives (not timed)…');
  const subjects = await countWithObjectives(db, cycle.id);
  const seededBeforeReview = subjects === 0 ? await seedObjectives(db, cycle.id, { limit: 1, except: cycle.hr_person_id }) : 0;
  const reviewSubjects = subjects + seededBeforeReview;
  const toReview = performance.now();
  await driveToReview(x);
  // Every review batch must have opened its tasks before objectives are seeded (or it would
  // open reviews of them), and the review's emails must be out before the clock starts.
  await until(`the review's ${reviewSubjects} tasks and their emails`, x.waitS, async () => {
    if ((await cycleState(app, x.cycleKey))?.phase !== 'review')
      throw new Error('the cycle left the review before HR advanced it (a review with no tasks closes by itself)');
    return (await reviewBatchesOpened(x)) && (await tasksOfKind(db, cycle.id, 'review')) >= reviewSubjects && (await queuedEmails(db, cycle.id)) === 0;
  });
  const toReviewSeconds = (performance.now() - toReview) / 1000;
  const reviewTasks = await tasksOfKind(db, cycle.id, 'review');

  const seedStarted = performance.now();
  const seeded = await seedObjectives(db, cycle.id);
  const seedSeconds = (performance.now() - seedStarted) / 1000;
  const expected = await countWithObjectives(db, cycle.id);
  if (expected !== participants) throw new Error(`after seeding, ${expected} of ${participants} participants own objectives with key results`);
  if ((await cycleState(app, x.cycleKey))?.phase !== 'review') throw new Error('the cycle left the review while objectives were seeded');

  // ---- timed: review → checkins until every participant's check-in email is accepted ---------
  const phase = sink.phase('checkins', expected, { match: checkInSubjectMatcher(x.cycleTitle) });
  const bar = progress('checkins', 'mails', () => ({ value: phase.recipients, total: expected }));
  const postgres = trackPostgresCpu(x.databaseName);
  const before = x.cpu();
  const t0Wall = Date.now();
  const t0 = performance.now();
  let postSeconds = NaN;
  try {
    await advance(app, x.cycleKey, 'review');
    postSeconds = (performance.now() - t0) / 1000;
    let lastCount = -1;
    let lastChange = performance.now();
    for (;;) {
      const finished = await Promise.race([phase.done.then(() => true), sleep(500).then(() => false)]);
      if (finished) break;
      if (interrupted.aborted) throw interrupted.reason;
      const now = performance.now();
      if (phase.accepted + phase.other !== lastCount) {
        lastCount = phase.accepted + phase.other;
        lastChange = now;
      }
      if (now - lastChange > 120_000) throw new Error(`check-in fan-out stalled: no email for 120 s at ${phase.recipients}/${expected} (see worker.log)`);
      if (now - t0 > x.timeoutS * 1000)
        throw new Error(`check-in fan-out timed out after ${x.timeoutS} s at ${phase.recipients}/${expected} (raise --launch-timeout)`);
      if (app.worker.process.exitCode !== null) throw new Error('the worker exited during the check-in fan-out (see worker.log)');
    }
  } finally {
    bar.done();
    if (phase.doneAt === undefined) {
      postgres.stop();
      sink.endPhase();
    }
  }
  const after = x.cpu();
  const postgresCpu = postgres.stop();
  const workerPeakRss = app.worker.stats()?.peakRss ?? NaN;
  const seconds = (phase.doneAt! - t0) / 1000;
  const firstMailSeconds = (phase.firstAt! - t0) / 1000;

  const outboxSettledSeconds = await outboxSettled(db, cycle.id, t0, 'check-ins');
  sink.endPhase();

  const checkinTasks = await tasksOfKind(db, cycle.id, checkinKind.kind, WEEK);
  if (checkinTasks !== expected) note(`check-ins: ${checkinTasks} check-in tasks for week ${WEEK}, expected ${expected}`);

  let reviewClosedSeconds = NaN;
  let breakdown: LaunchBreakdown | undefined;
  try {
    const closes = await Promise.all(
      Array.from({ length: x.batchCount }, (_, b) =>
        x.client.workflow
          .getHandle(taskBatchWorkflowId(x.cycleKey, 'review', 1, b))
          .describe()
          .then((d) => d.closeTime?.getTime() ?? NaN),
      ),
    );
    reviewClosedSeconds = (Math.max(...closes) - t0Wall) / 1000;
    breakdown = await phaseBreakdown(x.client, x.cycleKey, x.batchCount, t0Wall, { phase: 'checkins', round: WEEK });
  } catch (error) {
    note(`check-ins: could not read the histories: ${(error as Error).message}`);
  }

  return {
    seconds,
    postSeconds,
    firstMailSeconds,
    outboxSettledSeconds,
    accepted: phase.accepted,
    recipients: phase.recipients,
    other: phase.other,
    otherSubjects: [...phase.otherSubjects].sort((a, b) => b[1] - a[1]).slice(0, 3),
    expected,
    reviewClosedSeconds,
    ...(breakdown ? { breakdown } : {}),
    toReviewSeconds,
    reviewTasks,
    seededBeforeReview,
    seeded,
    seedSeconds,
    workerPeakRss,
    cpu: cpuDelta(before, after, { postgres: postgresCpu }),
  };
}
