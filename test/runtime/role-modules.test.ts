/**
 * Each role loads only its own modules: `npm run api` against a real Temporal server and
 * PostgreSQL serves requests without loading the SDK's worker (its native bridge and bundler)
 * or the workflow code's packages. The process reports what it loaded when it is stopped.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
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

async function loadedBy(script: string): Promise<string[]> {
  const port = await freePort();
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
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  let stderr = '';
  child.stderr!.on('data', (b: Buffer) => (stderr += b.toString()));
  try {
    await poll(
      () =>
        fetch(`http://127.0.0.1:${port}/healthz`).then(
          (r) => r.status,
          () => 0,
        ),
      (status) => status === 200 || child.exitCode !== null,
      60_000,
      `${script} listening`,
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
});
