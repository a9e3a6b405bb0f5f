/**
 * What the page benches (bench/console.ts, bench/homes.ts, bench/team.ts) share: the API alone on
 * a fresh PostgreSQL database and a Temporal dev server of its own, and requests timed in-process
 * (`app.request`, no network) as p50 / p95.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NativeConnection } from '@temporalio/worker';
import type { Client } from '@temporalio/client';
import { type AppConfig, loadConfig } from '../config';
import { createLogger } from '../runtime/logger';
import { type Stack, startStack } from '../runtime/stack';
import { openBenchDatabase } from './database';
import { freePort } from './procs';
import { startTemporalServer } from './temporal-server';

/** Runs `measure` against an API-only stack (secrets: the bench's own key and token secret), then removes everything. */
export interface ApiStack {
  stack: Stack;
  config: AppConfig;
  databaseUrl: string;
  client: Client;
}

export async function withApiStack<T>(name: string, secrets: { key: string; tokenSecret: string }, measure: (api: ApiStack) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), `okr-bench-${name}-`));
  const database = await openBenchDatabase(4);
  const temporal = await startTemporalServer(dir);
  let native: NativeConnection | undefined;
  const port = await freePort();
  const config = loadConfig({
    PORT: String(port),
    HOST: '127.0.0.1',
    PUBLIC_BASE_URL: `http://127.0.0.1:${port}`,
    DATA_DIR: dir,
    DATABASE_URL: database.url,
    TEMPORAL_ADDRESS: temporal.address,
    TEMPORAL_TASK_QUEUE: `okr-bench-${name}-${randomBytes(3).toString('hex')}`,
    SMTP_URL: 'smtp://127.0.0.1:9?tls=off',
    LOG_LEVEL: 'silent',
    BOOTSTRAP_API_KEY: secrets.key,
    TOKEN_SECRET: secrets.tokenSecret,
  });
  const stack = await startStack({
    config,
    roles: { api: true, worker: false },
    secrets: { tokenSecret: secrets.tokenSecret, bootstrapApiKey: secrets.key },
    temporal: {
      address: temporal.address,
      namespace: 'default',
      uiUrl: undefined,
      client: temporal.client,
      workerConnection: async () => (native ??= await NativeConnection.connect({ address: temporal.address })),
      close: async () => {},
    },
    log: createLogger('silent'),
  });
  try {
    return await measure({ stack, config, databaseUrl: database.url, client: temporal.client });
  } finally {
    await stack.stop();
    await native?.close();
    await temporal.stop();
    await database.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

export function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

/** One warm-up request (its size is reported), then `runs` timed ones; request `i` may pick its caller. */
export async function timeRequests(label: string, runs: number, request: (i: number) => Promise<Response>, width = 34): Promise<string> {
  const first = await request(0);
  const size = (await first.arrayBuffer()).byteLength;
  if (first.status !== 200) return `${label.padEnd(width)} status ${first.status} (not measured)`;
  const times: number[] = [];
  for (let i = 1; i <= runs; i++) {
    const t0 = performance.now();
    const res = await request(i);
    await res.arrayBuffer();
    if (res.status !== 200) throw new Error(`${label}: status ${res.status}`);
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return `${label.padEnd(width)} p50 ${percentile(times, 50).toFixed(0).padStart(5)} ms   p95 ${percentile(times, 95).toFixed(0).padStart(5)} ms   ${(size / 1024).toFixed(0).padStart(6)} KiB`;
}
