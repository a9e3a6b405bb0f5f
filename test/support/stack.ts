/**
 * Starts the whole application in-process on the real parts: the run's Temporal dev server, a
 * fresh PostgreSQL database (or PGlite in a temp dir), and a real SMTP server on loopback.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { inject } from 'vitest';
import { type AppConfig, loadConfig } from '../../config';
import { type MailCatcher, type CaughtMessage, startMailCatcher } from '../../mail/catcher';
import { createLogger } from '../../runtime/logger';
import { type Stack, startStack } from '../../runtime/stack';
import type { TemporalAccess } from '../../runtime/temporal';
import { type TestDatabase, createTestDatabase } from './postgres';
import { freePort } from '../../runtime/ports';

export const TEST_API_KEY = 'test-bootstrap-key-0123456789abcdefghijklmnop';
export const TEST_TOKEN_SECRET = 'test-token-secret-0123456789abcdefghijklmnopq';

export { freePort };

/** A connection to the run's Temporal server that the stack uses but does not own. */
export async function connectTestTemporal(): Promise<TemporalAccess & { dispose(): Promise<void> }> {
  const address = inject('temporalAddress');
  const connection = await Connection.connect({ address });
  const client = new Client({ connection, namespace: 'default' });
  let native: NativeConnection | undefined;
  return {
    address,
    namespace: 'default',
    uiUrl: undefined,
    client,
    workerConnection: async () => (native ??= await NativeConnection.connect({ address })),
    close: async () => {},
    dispose: async () => {
      await native?.close();
      await connection.close();
    },
  };
}

export interface TestStackOptions {
  database: 'postgres' | 'pglite';
  /** Reuse a database (and PGlite dir) from an earlier stack: to test restarts. */
  reuse?: { databaseUrl?: string; dataDir?: string; taskQueue: string; port: number };
  env?: Record<string, string>;
  /** Another Temporal (the time-skipping server) instead of the run's dev server. */
  temporal?: TemporalAccess;
  /** Which roles run in this process (default both); a test may run workers as child processes. */
  roles?: { api: boolean; worker: boolean };
}

export interface TestStack {
  stack: Stack;
  config: AppConfig;
  base: string;
  mail: MailCatcher;
  temporal: TemporalAccess;
  databaseUrl: string | undefined;
  dataDir: string;
  taskQueue: string;
  port: number;
  /** Stops the app; `keepData` leaves the database for a restart. */
  stop(options?: { keepData?: boolean }): Promise<void>;
  api(path: string, init?: RequestInit & { json?: unknown }): Promise<Response>;
}

export async function startTestStack(options: TestStackOptions): Promise<TestStack> {
  let db: TestDatabase | undefined;
  let databaseUrl = options.reuse?.databaseUrl;
  if (options.database === 'postgres' && !databaseUrl) {
    db = await createTestDatabase();
    databaseUrl = db.url;
  }
  const dataDir = options.reuse?.dataDir ?? mkdtempSync(join(tmpdir(), 'okr-data-'));
  const mail = await startMailCatcher({ port: 0 });
  const port = options.reuse?.port ?? (await freePort());
  const taskQueue = options.reuse?.taskQueue ?? `okr-test-${randomBytes(4).toString('hex')}`;
  const temporal = options.temporal ? { ...options.temporal, dispose: async () => {} } : await connectTestTemporal();
  const config = loadConfig({
    PORT: String(port),
    HOST: '127.0.0.1',
    PUBLIC_BASE_URL: `http://127.0.0.1:${port}`,
    DATA_DIR: dataDir,
    ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
    TEMPORAL_TASK_QUEUE: taskQueue,
    WORKFLOW_BUNDLE_PATH: inject('workflowBundlePath'),
    SMTP_URL: `smtp://127.0.0.1:${mail.port}?tls=off`,
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    BOOTSTRAP_API_KEY: TEST_API_KEY,
    TOKEN_SECRET: TEST_TOKEN_SECRET,
    ...options.env,
  });
  const stack = await startStack({
    config,
    roles: options.roles ?? { api: true, worker: true },
    secrets: { tokenSecret: TEST_TOKEN_SECRET, bootstrapApiKey: TEST_API_KEY },
    temporal,
    log: createLogger(config.logLevel),
  }).catch(async (e) => {
    await mail.close();
    await temporal.dispose();
    await db?.drop();
    throw e;
  });
  const base = stack.apiUrl!;
  return {
    stack,
    config,
    base,
    mail,
    temporal,
    databaseUrl,
    dataDir,
    taskQueue,
    port,
    async stop({ keepData = false } = {}) {
      await stack.stop();
      await mail.close();
      await temporal.dispose();
      if (!keepData) {
        await db?.drop();
        if (!options.reuse?.dataDir) rmSync(dataDir, { recursive: true, force: true });
      }
    },
    api(path, init = {}) {
      const headers = new Headers(init.headers);
      if (!headers.has('authorization')) headers.set('authorization', `Bearer ${TEST_API_KEY}`);
      let body = init.body;
      if (init.json !== undefined) {
        headers.set('content-type', 'application/json');
        body = JSON.stringify(init.json);
      }
      return fetch(`${base}${path}`, { ...init, headers, body });
    },
  };
}

/** The task link in an email's text body. */
export function linkIn(message: CaughtMessage): string {
  const m = /(https?:\/\/\S+\/t\/[A-Za-z0-9_-]+)/.exec(message.text);
  if (!m) throw new Error(`no task link in the email to ${message.to}: ${message.text}`);
  return m[1]!;
}

export function tokenOf(link: string): string {
  return link.slice(link.lastIndexOf('/') + 1);
}

export async function poll<T>(fn: () => Promise<T>, until: (v: T) => boolean, timeoutMs = 20_000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T;
  for (;;) {
    last = await fn();
    if (until(last)) return last;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; last value: ${JSON.stringify(last)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
