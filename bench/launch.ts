/**
 * The launch: N people imported through the API (not timed), then the time from
 * `POST /api/cycles` until the SMTP sink has accepted a drafting email for every participant.
 */
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema';
import type { RunningApp } from './app';
import { interrupted, sleep } from './cleanup';
import { type ProcStats, machineCpu, trackPostgresCpu } from './procs';
import { note, progress } from './progress';
import type { SinkPhase, SmtpSink } from './smtp-sink';

const IMPORT_CHUNK = 5_000;
export const PEOPLE_DOMAIN = 'bench.example';

export function personEmail(i: number): string {
  return `p${String(i).padStart(6, '0')}@${PEOPLE_DOMAIN}`;
}

/** A plausible organisation: a manager for every ten people, one in ten reading Chinese. */
function person(i: number) {
  const manager = i - (i % 10);
  return {
    email: personEmail(i),
    name: `Person ${i}`,
    department: `Department ${Math.floor(i / 200)}`,
    ...(i === manager ? { roles: i === 0 ? ['hr', 'manager'] : ['manager'] } : { managerEmail: personEmail(manager) }),
    ...(i % 10 === 3 ? { locale: 'zh-CN' } : {}),
  };
}

export async function importPeople(app: RunningApp, n: number): Promise<number> {
  const started = performance.now();
  let done = 0;
  const bar = progress('import', 'people', () => ({ value: done, total: n }));
  try {
    for (let from = 0; from < n; from += IMPORT_CHUNK) {
      const rows = Array.from({ length: Math.min(IMPORT_CHUNK, n - from) }, (_, j) => person(from + j));
      const res = await app.request('/api/people', { method: 'POST', json: rows, signal: interrupted });
      if (res.status !== 200) throw new Error(`POST /api/people answered ${res.status}: ${(await res.text()).slice(0, 500)}`);
      done += rows.length;
    }
  } finally {
    bar.done();
  }
  return (performance.now() - started) / 1000;
}

/**
 * The schedule of the bench's cycle: the defaults, except one compressed check-in week. With
 * `every`, week 1 opens the moment the check-ins phase opens (activities/notifications.ts
 * planCheckIns), so the check-in fan-out can be measured right after HR advances to it. The
 * drafting launch does not read the check-in settings.
 */
export const BENCH_SCHEDULE = { checkIns: { every: '7d', weeks: 1, window: '2d' } } as const;

export const cycleTitle = (n: number) => `Bench ${n}`;

export interface CpuSnapshot {
  at: number;
  procs: Record<string, number>;
  bench: number;
  machine: { busy: number; total: number };
}

export function cpuSnapshot(procs: Record<string, () => ProcStats | undefined>): CpuSnapshot {
  const out: Record<string, number> = {};
  for (const [k, f] of Object.entries(procs)) out[k] = f()?.cpuSeconds ?? 0;
  const u = process.cpuUsage();
  return { at: performance.now(), procs: out, bench: (u.user + u.system) / 1e6, machine: machineCpu() };
}

export interface CpuDelta {
  wall: number;
  byProcess: Record<string, number>;
  /** Every other process on the machine (other users' work: it competes for the same cores). */
  rest: number;
  machineBusy: number;
}

export function cpuDelta(a: CpuSnapshot, b: CpuSnapshot, extra: Record<string, number> = {}): CpuDelta {
  const byProcess: Record<string, number> = { bench: b.bench - a.bench, ...extra };
  for (const k of Object.keys(a.procs)) byProcess[k] = (b.procs[k] ?? 0) - (a.procs[k] ?? 0);
  const machineBusy = b.machine.busy - a.machine.busy;
  const ours = Object.values(byProcess).reduce((s, v) => s + v, 0);
  return { wall: (b.at - a.at) / 1000, byProcess, rest: Math.max(0, machineBusy - ours), machineBusy };
}

/** One wave of emails, timed from the request that starts it (the launch, a check-in week). */
export interface MailWave {
  /** Seconds from sending the request to the last participant's email accepted. */
  seconds: number;
  postSeconds: number;
  firstMailSeconds: number;
  /** Until every outbox row of the cycle is marked sent (after the last SMTP accept). */
  outboxSettledSeconds: number;
  /** Emails accepted (a resend counts again) and distinct recipients. */
  accepted: number;
  recipients: number;
}

export async function queuedEmails(db: Kysely<DB>, cycleId: number): Promise<number> {
  const row = await db
    .selectFrom('emails')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('cycle_id', '=', cycleId)
    .where('status', '=', 'queued')
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Seconds from t0 until the cycle's outbox has no queued row (NaN, with a note, after 60 s). */
export async function outboxSettled(db: Kysely<DB>, cycleId: number, t0: number, part: string): Promise<number> {
  for (let i = 0; i < 600 && !interrupted.aborted; i++) {
    if ((await queuedEmails(db, cycleId)) === 0) return (performance.now() - t0) / 1000;
    await sleep(100);
  }
  note(`${part}: the outbox still has queued rows 60 s after the last email`);
  return NaN;
}

export interface LaunchResult extends MailWave {
  cycleKey: string;
  /** Date.now() when the POST was sent (history event times are wall-clock). */
  t0Wall: number;
  batchCount: number;
  /** VmHWM of the worker when the launch had finished (the completions come later). */
  workerPeakRss: number;
  cpu: CpuDelta;
  phase: SinkPhase;
}

export async function runLaunch(
  app: RunningApp,
  sink: SmtpSink,
  db: Kysely<DB>,
  n: number,
  batchSize: number,
  runId: string,
  timeoutS: number,
  cpu: () => CpuSnapshot,
  databaseName: string,
): Promise<LaunchResult> {
  const cycleKey = `bench-${runId}-n${n}`;
  const phase = sink.phase('launch', n, { keepRaw: true });
  const bar = progress('launch', 'mails', () => ({ value: phase.recipients, total: n }));
  const postgres = trackPostgresCpu(databaseName);
  const before = cpu();
  const t0Wall = Date.now();
  const t0 = performance.now();
  let postSeconds = NaN;
  try {
    const res = await app.request('/api/cycles', {
      method: 'POST',
      json: { key: cycleKey, title: cycleTitle(n), startsOn: '2027-01-01', endsOn: '2027-03-31', schedule: BENCH_SCHEDULE },
      signal: interrupted,
    });
    postSeconds = (performance.now() - t0) / 1000;
    if (res.status !== 201) throw new Error(`POST /api/cycles answered ${res.status}: ${(await res.text()).slice(0, 500)}`);

    let lastCount = -1;
    let lastChange = performance.now();
    for (;;) {
      const finished = await Promise.race([phase.done.then(() => true), sleep(500).then(() => false)]);
      if (finished) break;
      const now = performance.now();
      if (phase.accepted !== lastCount) {
        lastCount = phase.accepted;
        lastChange = now;
      }
      if (now - lastChange > 120_000) throw new Error(`launch stalled: no email for 120 s at ${phase.recipients}/${n} (see worker.log)`);
      if (now - t0 > timeoutS * 1000) throw new Error(`launch timed out after ${timeoutS} s at ${phase.recipients}/${n} (raise --launch-timeout)`);
      if (app.worker.process.exitCode !== null) throw new Error('the worker exited during the launch (see worker.log)');
    }
  } finally {
    bar.done();
  }
  const after = cpu();
  const postgresCpu = postgres.stop();
  const seconds = (phase.doneAt! - t0) / 1000;
  const firstMailSeconds = (phase.firstAt! - t0) / 1000;

  // Let the worker finish marking the outbox before anything else is measured.
  const cycle = await db.selectFrom('cycles').select('id').where('key', '=', cycleKey).executeTakeFirstOrThrow();
  const outboxSettledSeconds = await outboxSettled(db, cycle.id, t0, 'launch');
  sink.endPhase();
  return {
    cycleKey,
    seconds,
    postSeconds,
    firstMailSeconds,
    outboxSettledSeconds,
    accepted: phase.accepted,
    recipients: phase.recipients,
    t0Wall,
    batchCount: Math.ceil(n / batchSize),
    workerPeakRss: app.worker.stats()?.peakRss ?? NaN,
    cpu: cpuDelta(before, after, { postgres: postgresCpu }),
    phase,
  };
}
