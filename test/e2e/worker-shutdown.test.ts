/**
 * A worker process stopped with SIGTERM in the middle of a send: it stops between messages and
 * exits well within its grace time; a new worker process sends the rest. Every email reaches the
 * SMTP server exactly once (counted by Message-ID at a slow SMTP server on loopback).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { TEST_TOKEN_SECRET, type TestStack, poll, startTestStack } from '../support/stack';

const PEOPLE = 80;
const DELAY_MS = 300;

let t: TestStack;
let sink: SMTPServer;
let sinkPort: number;
const received: { messageId: string; to: string }[] = [];
const children: ChildProcess[] = [];

beforeAll(async () => {
  // A slow SMTP server: each message takes DELAY_MS to be accepted, as a loaded relay would.
  sink = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, connection, callback) {
      let raw = '';
      stream.on('data', (chunk: Buffer) => {
        raw += chunk.toString('utf8');
      });
      stream.on('end', () => {
        setTimeout(() => {
          const messageId = /^message-id:\s*(\S+)/im.exec(raw)?.[1] ?? '';
          received.push({ messageId, to: connection.envelope.rcptTo[0]?.address ?? '' });
          callback();
        }, DELAY_MS);
      });
    },
  });
  await new Promise<void>((done) => sink.listen(0, '127.0.0.1', done));
  sinkPort = (sink.server.address() as { port: number }).port;
  // Only the API runs here; the workers are child processes, as in production.
  t = await startTestStack({
    database: 'postgres',
    roles: { api: true, worker: false },
    env: { STEP_RETRY_INITIAL: '200ms', STEP_RETRY_MAX: '1s', STEP_MAX_ATTEMPTS: '100' },
  });
});

afterAll(async () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  await t?.stop();
  await new Promise<void>((done) => sink?.close(() => done()));
});

function startWorker(): { child: ChildProcess; exited: Promise<number | null>; log: () => string } {
  let log = '';
  const child = spawn(process.execPath, ['--import', 'tsx', resolve(__dirname, '../../scripts/worker.ts')], {
    cwd: resolve(__dirname, '../..'),
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      DATABASE_URL: t.databaseUrl!,
      TEMPORAL_ADDRESS: inject('temporalAddress'),
      TEMPORAL_TASK_QUEUE: t.taskQueue,
      WORKFLOW_BUNDLE_PATH: inject('workflowBundlePath'),
      SMTP_URL: `smtp://127.0.0.1:${sinkPort}?tls=off`,
      SMTP_MAX_CONNECTIONS: '4',
      TOKEN_SECRET: TEST_TOKEN_SECRET,
      PUBLIC_BASE_URL: t.base,
      DATA_DIR: t.dataDir,
      LOG_LEVEL: 'info',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  child.stdout!.on('data', (d: Buffer) => (log += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (log += d.toString()));
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  return { child, exited, log: () => log };
}

it('SIGTERM mid-send: the worker exits within 15 s, a new worker finishes, every email is delivered exactly once', async () => {
  const people = [
    { email: 'hr@example.com', name: 'Hana HR', roles: ['hr', 'manager'] },
    ...Array.from({ length: PEOPLE - 1 }, (_, i) => ({ email: `p${i}@example.com`, name: `Person ${i}`, managerEmail: 'hr@example.com' })),
  ];
  expect((await t.api('/api/people', { method: 'POST', json: people })).status).toBe(200);
  const first = startWorker();
  expect(
    (
      await t.api('/api/cycles', {
        method: 'POST',
        json: { key: 'SIGTERM-1', title: 'Q1', startsOn: '2027-01-01', endsOn: '2027-03-31', schedule: { planning: 'at-once' } },
      })
    ).status,
  ).toBe(201);

  await poll(
    async () => received.length,
    (n) => n >= 12,
    60_000,
    `a dozen emails at the sink (worker log: ${first.log().slice(-2000)})`,
  );
  const stoppedAt = Date.now();
  const atSignal = received.length;
  first.child.kill('SIGTERM');
  const code = await first.exited;
  const took = Date.now() - stoppedAt;
  expect(took, first.log().slice(-3000)).toBeLessThan(15_000);
  expect(code).toBe(0);
  const atStop = received.length;
  console.info(`worker exited ${took} ms after SIGTERM (sent ${atSignal} before it, ${atStop} of ${PEOPLE} by the exit)`);
  expect(atStop, 'the send was interrupted, not finished').toBeLessThan(PEOPLE);

  // What the first worker left is still queued, nothing is lost; a new worker sends the rest.
  const second = startWorker();
  const expected = await t.stack.database.db.selectFrom('emails').select(['message_id', 'to_address']).execute();
  await poll(
    async () => received.length,
    (n) => n >= expected.length,
    90_000,
    `every email at the sink (worker log: ${second.log().slice(-2000)})`,
  );
  await poll(
    () => t.stack.database.db.selectFrom('emails').select('status').where('status', '!=', 'sent').execute(),
    (rows) => rows.length === 0,
    20_000,
    'every email marked sent',
  );
  await new Promise((r) => setTimeout(r, 1500)); // room for a duplicate to arrive
  const perId = new Map<string, number>();
  for (const m of received) perId.set(m.messageId, (perId.get(m.messageId) ?? 0) + 1);
  expect([...perId.entries()].filter(([, n]) => n > 1)).toEqual([]);
  expect([...perId.keys()].sort()).toEqual(expected.map((e) => e.message_id).sort());
  expect(new Set(received.map((m) => m.to)).size).toBeGreaterThanOrEqual(PEOPLE);

  second.child.kill('SIGTERM');
  await second.exited;
});
