/**
 * Completions: M drafting tasks completed through `POST /t/:token` (JSON) at a fixed concurrency,
 * with links taken from the emails the sink received. Whole batches are chosen (the first
 * ceil(M / B)) so at least one batch execution sees every one of its tasks completed, which is
 * its largest history; the order is shuffled so concurrent requests spread over those batches.
 *
 * Each request comes from its own loopback source address (127.a.b.c) on a new connection, as
 * each person would from their own machine: the API limits task-page requests per client
 * address (api/rate-limit.ts), which would otherwise refuse one benchmark client after 20 posts.
 */
import { request } from 'node:http';
import type { Kysely } from 'kysely';
import { simpleParser } from 'mailparser';
import type { DB } from '../db/schema';
import { interrupted } from './cleanup';
import { quantile } from './history';
import { type CpuDelta, type CpuSnapshot, cpuDelta } from './launch';
import { trackPostgresCpu } from './procs';
import { progress } from './progress';
import type { SinkPhase } from './smtp-sink';
import { mapLimit } from '../core/concurrency';

/** The same valid draft as test/e2e/drafting-flow.ts (GOOD_DRAFT). */
export const GOOD_DRAFT = {
  objectives: [
    {
      title: 'Make onboarding delightful',
      keyResults: [
        { kind: 'numeric', title: 'Activation rate', start: 40, target: 60, unit: '%' },
        { kind: 'milestone', title: 'Ship the new guided tour' },
      ],
    },
  ],
};

const LINK = /\/t\/([A-Za-z0-9_-]{43})(?![A-Za-z0-9_-])/;

export interface CompletionsResult {
  requested: number;
  seconds: number;
  perSecond: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  statuses: Record<string, number>;
  non200: number;
  batchesTouched: number;
  completedInDb: number;
  firstFailure?: string;
  cpu: CpuDelta;
}

/** A distinct loopback address per request: 127.a.b.c with c in 1…254. */
export function sourceAddress(i: number): string {
  return `127.${1 + Math.floor(i / (254 * 256))}.${Math.floor(i / 254) % 256}.${1 + (i % 254)}`;
}

function post(url: string, body: string, localAddress: string): Promise<{ status: number; text: string }> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        hostname: u.hostname,
        port: u.port,
        path: u.pathname,
        method: 'POST',
        localAddress,
        agent: false,
        headers: { 'content-type': 'application/json', accept: 'application/json', 'content-length': Buffer.byteLength(body) },
        timeout: 60_000,
        signal: interrupted,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error('no answer within 60 s')));
    req.on('error', reject);
    req.end(body);
  });
}

/** Deterministic shuffle (mulberry32), so runs complete the same tasks in the same order. */
function shuffle<T>(items: T[], seed: number): T[] {
  let a = seed >>> 0;
  const rnd = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  return items;
}

/** Completed tasks of the cycle, in the database. */
export async function completedTasks(db: Kysely<DB>, cycleKey: string): Promise<number> {
  const row = await db
    .selectFrom('tasks as t')
    .innerJoin('cycles as c', 'c.id', 't.cycle_id')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('c.key', '=', cycleKey)
    .where('t.status', '=', 'completed')
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** The task links for M completions, from the launch's emails, after the first `skip` tasks (in batch order). */
export async function pickLinks(db: Kysely<DB>, cycleKey: string, launch: SinkPhase, m: number, skip = 0): Promise<{ tokens: string[]; batches: number }> {
  const rows = await db
    .selectFrom('tasks as t')
    .innerJoin('cycles as c', 'c.id', 't.cycle_id')
    .innerJoin('people as p', 'p.id', 't.person_id')
    .select(['p.email', 't.batch_no'])
    .where('c.key', '=', cycleKey)
    .orderBy('t.batch_no')
    .orderBy('p.email')
    .execute();
  const chosen = rows.slice(skip, skip + m);
  const tokens: string[] = [];
  for (const r of chosen) {
    const raw = launch.raw?.get(r.email);
    if (!raw) throw new Error(`no email was received for ${r.email}`);
    const parsed = await simpleParser(raw, { skipHtmlToText: true, skipTextToHtml: true, skipTextLinks: true, skipImageLinks: true });
    const token = LINK.exec(parsed.text ?? '')?.[1];
    if (!token) throw new Error(`no /t/<token> link in the text body of the email to ${r.email}`);
    tokens.push(token);
  }
  return { tokens: shuffle(tokens, 0x5eed), batches: new Set(chosen.map((r) => r.batch_no)).size };
}

export async function runCompletions(
  base: string,
  tokens: string[],
  concurrency: number,
  db: Kysely<DB>,
  cycleKey: string,
  batches: number,
  cpu: () => CpuSnapshot,
  databaseName: string,
  label = 'completions',
): Promise<CompletionsResult> {
  const latencies: number[] = [];
  const statuses: Record<string, number> = {};
  let firstFailure: string | undefined;
  let finished = 0;
  const body = JSON.stringify(GOOD_DRAFT);
  const bar = progress(label, 'tasks', () => ({ value: finished, total: tokens.length }));
  const postgres = trackPostgresCpu(databaseName);
  const before = cpu();
  const t0 = performance.now();
  const completeOne = async (token: string, i: number): Promise<void> => {
    if (interrupted.aborted) return;
    const started = performance.now();
    let status: string;
    try {
      const res = await post(`${base}/t/${token}`, body, sourceAddress(i));
      status = String(res.status);
      if (res.status !== 200) firstFailure ??= `${res.status} ${res.text.slice(0, 300)}`;
    } catch (error) {
      status = 'error';
      firstFailure ??= error instanceof Error ? error.message : String(error);
    }
    latencies.push(performance.now() - started);
    statuses[status] = (statuses[status] ?? 0) + 1;
    finished++;
  };
  try {
    await mapLimit(tokens, concurrency, completeOne);
  } finally {
    bar.done();
  }
  if (interrupted.aborted) throw interrupted.reason;
  const seconds = (performance.now() - t0) / 1000;
  const used = cpuDelta(before, cpu(), { postgres: postgres.stop() });
  latencies.sort((a, b) => a - b);
  return {
    requested: tokens.length,
    seconds,
    perSecond: tokens.length / seconds,
    p50: quantile(latencies, 0.5),
    p95: quantile(latencies, 0.95),
    p99: quantile(latencies, 0.99),
    max: latencies.at(-1) ?? NaN,
    statuses,
    non200: tokens.length - (statuses['200'] ?? 0),
    batchesTouched: batches,
    completedInDb: await completedTasks(db, cycleKey),
    ...(firstFailure ? { firstFailure } : {}),
    cpu: used,
  };
}
