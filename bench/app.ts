/**
 * The application under test, as production runs it: `scripts/api.ts` and `scripts/worker.ts`
 * in two child processes configured by environment variables only.
 *
 * They are started as `node --import tsx scripts/<role>.ts`, which is what `npx tsx` runs in
 * the end, without npx's npm process and tsx's relay process in between: the measured pid is
 * then the application itself (RSS, CPU, --cpu-prof) and SIGTERM reaches it directly.
 */
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
  workflowBundlePath: string;
  extraEnv: Record<string, string>;
  /** Directory for V8 CPU profiles (--cpu-prof), when profiling. */
  profileDir: string | undefined;
}

export interface RunningApp {
  base: string;
  api: Child;
  worker: Child;
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

function nodeArgs(script: string, profileDir: string | undefined, name: string): string[] {
  // One directory per role: Node writes a profile per thread (tsx's module loader has its own).
  const prof = profileDir ? ['--cpu-prof', `--cpu-prof-dir=${join(profileDir, name)}`] : [];
  return [...prof, '--import', 'tsx', join(ROOT, 'scripts', script)];
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
  const worker = spawnChild({
    name: 'worker',
    command: process.execPath,
    args: nodeArgs('worker.ts', o.profileDir, 'worker'),
    env,
    cwd: ROOT,
    logFile: join(o.dir, 'worker.log'),
    graceMs: 20_000,
  });
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
    await Promise.all([api.stop(), worker.stop()]);
  };
  try {
    await waitReady('API', api, async () => (await fetch(`${base}/healthz`, { signal: AbortSignal.timeout(2_000) })).ok);
    await waitReady('worker', worker, async () => {
      const res = await client.workflowService.describeTaskQueue({
        namespace: 'default',
        taskQueue: { name: o.taskQueue },
        taskQueueType: TASK_QUEUE_TYPE_WORKFLOW,
      });
      return (res.pollers?.length ?? 0) > 0;
    });
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    base,
    api,
    worker,
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
