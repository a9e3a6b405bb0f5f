/** Command-line options of `npm run bench` (node:util parseArgs). */
import { parseArgs } from 'node:util';

export const PARTS = ['launch', 'floor', 'completions', 'checkins', 'interrupt'] as const;
export type Part = (typeof PARTS)[number];

export interface BenchOptions {
  sizes: number[];
  parts: Set<Part>;
  concurrency: number;
  /** undefined → min(N / 2, 2000) per size (the other half of the tasks is for the completion floor). */
  completions: number | undefined;
  batchSize: number;
  smtpMaxConnections: number;
  /** Worker processes on the one task queue (the per-process numbers are summed for CPU, the largest for RSS). */
  workers: number;
  /** Extra environment for the API and worker children (KEY=VALUE, repeatable). */
  childEnv: Record<string, string>;
  /** Node flags for the workers instead of the ones `npm run worker` passes (its V8 heap bound); '' for none. */
  workerFlags: string[] | undefined;
  /** Dynamic configuration of the Temporal dev server (KEY=VALUE, repeatable). */
  serverConfig: Record<string, string>;
  /** Write V8 CPU profiles of the children and summarise them. */
  profile: boolean;
  /** Keep the temporary directory (logs, profiles, Temporal SQLite file). */
  keep: boolean;
  /** Upper bound for waiting on the launch's emails (and the check-in fan-out's), per size. */
  launchTimeoutS: number | undefined;
}

export const USAGE = `Usage: npm run bench -- [options]

  --people N            people in the cycle (default 10000)
  --sizes A,B,C         run several sizes in a row (overrides --people)
  --parts LIST          launch,floor,completions,checkins,interrupt (default: all); completions
                        and checkins need launch. checkins advances the cycle to the review, gives
                        everyone an approved objective (not timed), then times HR's advance to
                        the check-ins until week 1's check-in email has reached every inbox.
                        interrupt launches a second cycle and times HR's cancel once a quarter of
                        its invitations are out, until the sends stop and every batch has closed
  --concurrency C       concurrent completion requests (default 50)
  --completions M       tasks completed through POST /t/:token, and as many again for the
                        completion floor (no Temporal); at most N / 2 (default min(N / 2, 2000))
  --batch-size B        TASK_BATCH_SIZE for the app (default 250)
  --smtp-connections K  SMTP_MAX_CONNECTIONS for the worker and the floor (default 5)
  --workers W           worker processes on the one task queue (default 1); CPU is summed over
                        them, RSS is the largest of them
  --env KEY=VALUE       extra environment for the API and worker (repeatable)
  --worker-flags="F"    node flags for the workers instead of npm run worker's heap bound ("" = none)
  --server-config K=V   dynamic configuration of the Temporal dev server (repeatable), e.g.
                        system.enableActivityEagerExecution=true (default: none)
  --profile             V8 CPU profiles of the API and the worker (--cpu-prof), summarised at the end
  --launch-timeout S    give up waiting for the launch's emails, or the check-in fan-out's, after
                        S seconds (default 120 + N/20)
  --keep                keep the temporary directory (child logs, profiles, Temporal's SQLite file)

Needs the \`temporal\` CLI (PATH or TEMPORAL_CLI_PATH) and PostgreSQL: a fresh database is created on
BENCH_DATABASE_ADMIN_URL / TEST_DATABASE_ADMIN_URL (default postgres://postgres@127.0.0.1:5432/postgres)
and dropped afterwards; or set DATABASE_URL to use (and keep) an existing, empty database (a cycle
includes every active person, so people left from an earlier run would join it).

Each size gets its own database, Temporal dev server (SQLite in a temporary directory), API and
worker; the SMTP sink lives in this process. Ctrl-C stops everything and drops the database.`;

export class UsageError extends Error {}

function positiveInt(name: string, value: string | undefined): number {
  const n = Number(value);
  if (value === undefined || !Number.isInteger(n) || n < 1) throw new UsageError(`${name} needs a positive integer (got ${JSON.stringify(value)})`);
  return n;
}

const FLAGS = {
  help: { type: 'boolean', short: 'h' },
  people: { type: 'string' },
  sizes: { type: 'string' },
  parts: { type: 'string' },
  concurrency: { type: 'string' },
  completions: { type: 'string' },
  'batch-size': { type: 'string' },
  'smtp-connections': { type: 'string' },
  workers: { type: 'string' },
  env: { type: 'string', multiple: true },
  'worker-flags': { type: 'string' },
  'server-config': { type: 'string', multiple: true },
  profile: { type: 'boolean' },
  keep: { type: 'boolean' },
  'launch-timeout': { type: 'string' },
} as const;

function parseFlags(argv: string[]) {
  try {
    return parseArgs({ args: argv, options: FLAGS, strict: true, allowPositionals: false }).values;
  } catch (error) {
    // parseArgs names the option in its message ("Unknown option '--x'", "Option '--people <value>' argument missing").
    throw new UsageError((error as Error).message);
  }
}

export function parseOptions(argv: string[]): BenchOptions | 'help' {
  const v = parseFlags(argv);
  if (v.help) return 'help';
  const optional = (name: keyof typeof FLAGS, value: string | undefined) => (value === undefined ? undefined : positiveInt(`--${name}`, value));

  let sizes = [optional('people', v.people) ?? 10_000];
  if (v.sizes !== undefined) {
    sizes = v.sizes
      .split(',')
      .filter(Boolean)
      .map((s) => positiveInt('--sizes', s.replace(/_/g, '')));
    if (!sizes.length) throw new UsageError('--sizes needs a list such as 1000,5000,10000');
  }

  let parts = new Set<Part>(PARTS);
  if (v.parts !== undefined) {
    const list = v.parts.split(',').filter(Boolean);
    for (const p of list) if (!(PARTS as readonly string[]).includes(p)) throw new UsageError(`--parts: unknown part ${p} (known: ${PARTS.join(', ')})`);
    if (!list.length) throw new UsageError('--parts needs at least one part');
    parts = new Set(list as Part[]);
  }

  const batchSize = optional('batch-size', v['batch-size']) ?? 250;
  if (batchSize > 1000) throw new UsageError('--batch-size: the app accepts at most 1000');
  const workers = optional('workers', v.workers) ?? 1;
  if (workers > 8) throw new UsageError('--workers: at most 8 on one machine');

  const pairs = (flag: string, list: string[]) => {
    const out: Record<string, string> = {};
    for (const pair of list) {
      const at = pair.indexOf('=');
      if (at < 1) throw new UsageError(`${flag} needs KEY=VALUE (got ${JSON.stringify(pair)})`);
      out[pair.slice(0, at)] = pair.slice(at + 1);
    }
    return out;
  };
  const childEnv = pairs('--env', v.env ?? []);
  const serverConfig = pairs('--server-config', v['server-config'] ?? []);

  if (parts.has('completions') && !parts.has('launch')) throw new UsageError('--parts: completions needs launch (the links come from its emails)');
  if (parts.has('checkins') && !parts.has('launch')) throw new UsageError('--parts: checkins needs launch (it drives the launched cycle on to its check-ins)');
  return {
    sizes,
    parts,
    concurrency: optional('concurrency', v.concurrency) ?? 50,
    completions: optional('completions', v.completions),
    batchSize,
    smtpMaxConnections: optional('smtp-connections', v['smtp-connections']) ?? 5,
    workers,
    childEnv,
    workerFlags: v['worker-flags'] === undefined ? undefined : v['worker-flags'].split(/\s+/).filter(Boolean),
    serverConfig,
    profile: v.profile ?? false,
    keep: v.keep ?? false,
    launchTimeoutS: optional('launch-timeout', v['launch-timeout']),
  };
}
