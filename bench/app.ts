/**
 * The application under test, as production runs it: `scripts/api.ts` and `scripts/worker.ts`
 * in two child processes configured by environment variables only.
 *
 * They are started as `node --import tsx scripts/<role>.ts`, which is what `npx tsx` runs in
 * the end, without npx's npm process and tsx's relay process in between: the measured pid is
 * then the application itself (RSS, CPU, --cpu-prof) and SIGTERM reaches it directly. The
 * workers get the node flags that `npm run worker` passes (its V8 heap bound) unless
 * `--worker-flags` says otherwise.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Client } from '@temporalio/client';
import { acceptedEnvVars } from '../config';
import { sleep } from './cleanup';
import { type Child, freePort, spawnChild, tailOf } from './procs';

export const BENCH_API_KEY = 'bench-bootstrap-key-0123456789abcdefghijklmn';
export const BENCH_TOKEN_SECRET = 'bench-token-secret-0123456789abcdefghijklmno';

const ROOT = resolve(__dirname, '..');
/** temporal.api.enums.v1.TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW */
const TASK_QUEUE_TYPE_WORKFLOW = 1;

export interface AppOptions {
  dir: string;
  databaseUrl: string;
  temporalAddress: string;
  smtpPort: number;
  taskQueue: string;
  batchSize: number;
  smtpMaxConnections: number;
  /** Worker processes (1 unless --workers). */
  workers: number;
  workflowBundlePath: string;
  extraEnv: Record<string, string>;
  /** Directory for V8 CPU profiles (--cpu-prof), when profiling. */
  profileDir: string | undefined;
  /** Node flags of the workers; undefined: the ones `npm run worker` passes. */
  workerFlags?: string[] | undefined;
}

export interface RunningApp {
  base: string;
  api: Child;
  /** The worker processes as one: CPU summed, RSS the largest, "exited" when any exited. */
  worker: Child;
  workers: Child[];
  /** Authenticated request to the API. */
  request(path: string, init?: RequestInit & { json?: unknown }): Promise<Response>;
  stop(): Promise<void>;
}

function childEnv(vars: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  const appVars = new Set<string>(acceptedEnvVars);
  for (const [k, v] of Object.entries(process.env)) if (!appVars.has(k)) env[k] = v;
  return { ...env, ...vars };
}

/** The node flags `npm run worker` passes before its script (package.json: the V8 heap bound). */
export function npmWorkerFlags(): string[] {
  const script = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts.worker ?? '';
  const words = script.split(/\s+/);
  return words.slice(1, words.indexOf('scripts/worker.ts')).filter((w) => w.startsWith('--'));
}

function nodeArgs(script: string, profileDir: string | undefined, name: string, flags: string[] = []): string[] {
  // One directory per role: Node writes a profile per thread (tsx's module loader has its own).
  const prof = profileDir ? ['--cpu-prof', `--cpu-prof-dir=${join(profileDir, name)}`] : [];
  return [...flags, ...prof, '--import', 'tsx', join(ROOT, 'scripts', script)];
}

export async function startApp(o: AppOptions, client: Client): Promise<RunningApp> {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const env = childEnv({
    HOST: '127.0.0.1',
    PORT: String(port),
    PUBLIC_BASE_URL: base,
    DATA_DIR: join(o.dir, 'data'),
    LOG_LEVEL: 'info',
    DATABASE_URL: o.databaseUrl,
    TEMPORAL_ADDRESS: o.temporalAddress,
    TEMPORAL_NAMESPACE: 'default',
    TEMPORAL_TASK_QUEUE: o.taskQueue,
    WORKFLOW_BUNDLE_PATH: o.workflowBundlePath,
    SMTP_URL: `smtp://127.0.0.1:${o.smtpPort}?tls=off`,
    SMTP_MAX_CONNECTIONS: String(o.smtpMaxConnections),
    BOOTSTRAP_API_KEY: BENCH_API_KEY,
    TOKEN_SECRET: BENCH_TOKEN_SECRET,
    TASK_BATCH_SIZE: String(o.batchSize),
    // No inbound SMTP listener for replies (newer configurations have one; 0 = off).
    INBOUND_SMTP_PORT: '0',
    ...o.extraEnv,
  });
  const workers = Array.from({ length: Math.max(1, o.workers) }, (_, i) => {
    const name = i === 0 ? 'worker' : `worker-${i + 1}`;
    return spawnChild({
      name,
      command: process.execPath,
      args: nodeArgs('worker.ts', o.profileDir, name, o.workerFlags ?? npmWorkerFlags()),
      env,
      cwd: ROOT,
      logFile: join(o.dir, `${name}.log`),
      graceMs: 20_000,
    });
  });
  const worker = workers.length === 1 ? workers[0]! : combined(workers);
  const api = spawnChild({
    name: 'api',
    command: process.execPath,
    args: nodeArgs('api.ts', o.profileDir, 'api'),
    env,
    cwd: ROOT,
    logFile: join(o.dir, 'api.log'),
    graceMs: 15_000,
  });
  const stop = async () => {
    await Promise.all([api.stop(), ...workers.map((w) => w.stop())]);
  };
  try {
    await waitReady('API', api, async () => (await fetch(`${base}/healthz`, { signal: AbortSignal.timeout(2_000) })).ok);
    await waitReady('worker', worker, async () => {
      const res = await client.workflowService.describeTaskQueue({
        namespace: 'default',
        taskQueue: { name: o.taskQueue },
        taskQueueType: TASK_QUEUE_TYPE_WORKFLOW,
      });
      return new Set((res.pollers ?? []).map((p) => p.identity)).size >= workers.length;
    });
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    base,
    api,
    worker,
    workers,
    request(path, init = {}) {
      const headers = new Headers(init.headers);
      headers.set('authorization', `Bearer ${BENCH_API_KEY}`);
      let body = init.body;
      if (init.json !== undefined) {
        headers.set('content-type', 'application/json');
        body = JSON.stringify(init.json);
      }
      return fetch(`${base}${path}`, { ...init, headers, body });
    },
    stop,
  };
}

/** Several worker processes seen as one (the bench's tables show one worker column). */
function combined(children: Child[]): Child {
  const stats = () => {
    const all = children.map((c) => c.stats()).filter((s) => s !== undefined);
    if (!all.length) return undefined;
    return {
      peakRss: Math.max(...all.map((s) => s.peakRss)),
      sampledPeakRss: Math.max(...all.map((s) => s.sampledPeakRss)),
      rss: Math.max(...all.map((s) => s.rss)),
      cpuSeconds: all.reduce((sum, s) => sum + s.cpuSeconds, 0),
    };
  };
  // `process.exitCode` is read to notice a crash: any worker's exit counts.
  const anyExited = Promise.race(children.map((c) => c.exited));
  const first = children[0]!;
  const process = new Proxy(first.process, {
    get: (target, key) => (key === 'exitCode' ? (children.find((c) => c.process.exitCode !== null)?.process.exitCode ?? null) : Reflect.get(target, key)),
  });
  return {
    name: `${children.length} workers`,
    pid: first.pid,
    process,
    logFile: first.logFile,
    stats,
    exited: anyExited,
    stop: async (graceMs?: number) => {
      await Promise.all(children.map((c) => c.stop(graceMs)));
    },
  };
}

async function waitReady(what: string, child: Child, probe: () => Promise<boolean>): Promise<void> {
  let exited = false;
  void child.exited.then(() => {
    exited = true;
  });
  const deadline = Date.now() + 90_000;
  for (;;) {
    if (exited) throw new Error(`the ${what} process exited during start-up:\n${tailOf(child.logFile)}`);
    if (await probe().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`the ${what} was not ready within 90 s:\n${tailOf(child.logFile)}`);
    await sleep(200);
  }
}
