/**
 * Each role loads only its own modules: `npm run api` against a real Temporal server and
 * PostgreSQL serves requests without loading the SDK's worker (its native bridge and bundler)
 * or the workflow code's packages; `npm run worker` runs without the HTTP server and without the
 * PDF and spreadsheet libraries, which it loads only to attach an award certificate. The process
 * reports what it loaded when it is stopped.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type TestDatabase, createTestDatabase } from '../support/postgres';
import { TEST_API_KEY, TEST_TOKEN_SECRET, freePort, poll } from '../support/stack';

let db: TestDatabase;
let dir: string;
beforeAll(async () => {
  db = await createTestDatabase();
  dir = mkdtempSync(join(tmpdir(), 'okr-role-'));
});
afterAll(async () => {
  await db?.drop();
  rmSync(dir, { recursive: true, force: true });
});

async function loadedBy(script: 'api' | 'worker'): Promise<string[]> {
  const port = await freePort();
  const heartbeat = join(dir, `${script}.beat`);
  const out = join(dir, `${script}.json`);
  const child: ChildProcess = spawn(
    process.execPath,
    ['--require', join(__dirname, 'loaded-modules.cjs'), '--import', 'tsx', join('scripts', `${script}.ts`)],
    {
      env: {
        ...process.env,
        DATABASE_URL: db.url,
        TEMPORAL_ADDRESS: inject('temporalAddress'),
        TOKEN_SECRET: TEST_TOKEN_SECRET,
        BOOTSTRAP_API_KEY: TEST_API_KEY,
        PORT: String(port),
        DATA_DIR: join(dir, script),
        LOG_LEVEL: 'silent',
        ROLE_MODULES_OUT: out,
        // The worker serves no HTTP: it says it runs by touching this file.
        ...(script === 'worker' ? { WORKER_HEARTBEAT_FILE: heartbeat, SMTP_URL: 'smtp://127.0.0.1:9' } : {}),
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  let stderr = '';
  child.stderr!.on('data', (b: Buffer) => (stderr += b.toString()));
  try {
    await poll(
      async () =>
        script === 'worker'
          ? existsSync(heartbeat)
            ? 200
            : 0
          : fetch(`http://127.0.0.1:${port}/healthz`).then(
              (r) => r.status,
              () => 0,
            ),
      (status) => status === 200 || child.exitCode !== null,
      60_000,
      `${script} running`,
    );
    expect(child.exitCode, stderr).toBeNull();
  } finally {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  }
  return JSON.parse(readFileSync(out, 'utf8')) as string[];
}

describe('each role loads only its modules', () => {
  it('the API process never loads the SDK worker, its bundler or the testing server', async () => {
    const loaded = await loadedBy('api');
    expect(loaded).toContain('@temporalio/client');
    expect(loaded).toContain('hono');
    for (const name of ['@temporalio/worker', '@temporalio/testing', '@temporalio/core-bridge', 'webpack', '@swc/core']) expect(loaded).not.toContain(name);
  }, 90_000);

  it('the worker loads neither the HTTP server nor the PDF and spreadsheet libraries until it needs them', async () => {
    const loaded = await loadedBy('worker');
    expect(loaded).toContain('@temporalio/worker');
    expect(loaded).toContain('nodemailer');
    for (const name of ['@hono/node-server', '@hono/zod-openapi', 'exceljs', 'pdf-lib', '@pdf-lib/fontkit', 'mailparser']) expect(loaded).not.toContain(name);
  }, 90_000);
});
