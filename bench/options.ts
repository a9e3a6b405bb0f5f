/** Command-line options of `npm run bench`. */

export const PARTS = ['launch', 'floor', 'completions', 'checkins'] as const;
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
  --parts LIST          launch,floor,completions,checkins (default: all); completions and
                        checkins need launch. checkins advances the cycle to the review, gives
                        everyone an approved objective (not timed), then times HR's advance to
                        the check-ins until week 1's check-in email has reached every inbox
  --concurrency C       concurrent completion requests (default 50)
  --completions M       tasks completed through POST /t/:token, and as many again for the
                        completion floor (no Temporal); at most N / 2 (default min(N / 2, 2000))
  --batch-size B        TASK_BATCH_SIZE for the app (default 250)
  --smtp-connections K  SMTP_MAX_CONNECTIONS for the worker and the floor (default 5)
  --workers W           worker processes on the one task queue (default 1); CPU is summed over
                        them, RSS is the largest of them
  --env KEY=VALUE       extra environment for the API and worker (repeatable)
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

export function parseOptions(argv: string[]): BenchOptions | 'help' {
  const o: BenchOptions = {
    sizes: [10_000],
    parts: new Set(PARTS),
    concurrency: 50,
    completions: undefined,
    batchSize: 250,
    smtpMaxConnections: 5,
    workers: 1,
    childEnv: {},
    profile: false,
    keep: false,
    launchTimeoutS: undefined,
  };
  let people: number | undefined;
  let sizes: number[] | undefined;
  for (let i = 0; i < argv.length; i++) {
    const raw = argv[i]!;
    const eq = raw.indexOf('=');
    const flag = raw.startsWith('--') && eq > 0 ? raw.slice(0, eq) : raw;
    const inline = raw.startsWith('--') && eq > 0 ? raw.slice(eq + 1) : undefined;
    const value = () => inline ?? argv[++i];
    switch (flag) {
      case '-h':
      case '--help':
        return 'help';
      case '--people':
        people = positiveInt('--people', value());
        break;
      case '--sizes': {
        const v = value() ?? '';
        sizes = v.split(',').filter(Boolean).map((s) => positiveInt('--sizes', s.replace(/_/g, '')));
        if (!sizes.length) throw new UsageError('--sizes needs a list such as 1000,5000,10000');
        break;
      }
      case '--parts': {
        const list = (value() ?? '').split(',').filter(Boolean);
        for (const p of list) if (!(PARTS as readonly string[]).includes(p)) throw new UsageError(`--parts: unknown part ${p} (known: ${PARTS.join(', ')})`);
        if (!list.length) throw new UsageError('--parts needs at least one part');
        o.parts = new Set(list as Part[]);
        break;
      }
      case '--concurrency':
        o.concurrency = positiveInt('--concurrency', value());
        break;
      case '--completions':
        o.completions = positiveInt('--completions', value());
        break;
      case '--batch-size':
        o.batchSize = positiveInt('--batch-size', value());
        if (o.batchSize > 1000) throw new UsageError('--batch-size: the app accepts at most 1000');
        break;
      case '--smtp-connections':
        o.smtpMaxConnections = positiveInt('--smtp-connections', value());
        break;
      case '--workers':
        o.workers = positiveInt('--workers', value());
        if (o.workers > 8) throw new UsageError('--workers: at most 8 on one machine');
        break;
      case '--env': {
        const v = value() ?? '';
        const at = v.indexOf('=');
        if (at < 1) throw new UsageError(`--env needs KEY=VALUE (got ${JSON.stringify(v)})`);
        o.childEnv[v.slice(0, at)] = v.slice(at + 1);
        break;
      }
      case '--profile':
        o.profile = true;
        break;
      case '--keep':
        o.keep = true;
        break;
      case '--launch-timeout':
        o.launchTimeoutS = positiveInt('--launch-timeout', value());
        break;
      default:
        throw new UsageError(`unknown option ${raw}`);
    }
  }
  o.sizes = sizes ?? [people ?? 10_000];
  if (o.parts.has('completions') && !o.parts.has('launch')) throw new UsageError('--parts: completions needs launch (the links come from its emails)');
  if (o.parts.has('checkins') && !o.parts.has('launch')) throw new UsageError('--parts: checkins needs launch (it drives the launched cycle on to its check-ins)');
  return o;
}
