/**
 * A completion Temporal does not answer in time: the API's client reaches Temporal through a TCP
 * proxy that is made to hang (the worker is connected directly). The request answers 503 with
 * Retry-After within COMPLETION_DEADLINE, as JSON for programs and as the page for the form; once
 * Temporal answers again, the same submission answers the real result, and each task is
 * completed once.
 */
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { inject } from 'vitest';
import type { TemporalAccess } from '../../runtime/temporal';
import { type TestStack, linkIn, poll, startTestStack } from '../support/stack';
import { type TcpProxy, startTcpProxy } from '../support/tcp-proxy';
import { GOOD_DRAFT, ORG, cycleView } from './drafting-flow';

const DEADLINE_MS = 3000;
let t: TestStack;
let proxy: TcpProxy;
let connection: Connection;
let native: NativeConnection;

beforeAll(async () => {
  const address = inject('temporalAddress');
  const [host, port] = address.split(':');
  proxy = await startTcpProxy({ host: host === 'localhost' ? '127.0.0.1' : host, port: Number(port) });
  connection = await Connection.connect({ address: `127.0.0.1:${proxy.port}` });
  native = await NativeConnection.connect({ address });
  const temporal: TemporalAccess = {
    address,
    namespace: 'default',
    uiUrl: undefined,
    client: new Client({ connection, namespace: 'default' }),
    workerConnection: async () => native,
    close: async () => {},
  };
  t = await startTestStack({ database: 'postgres', temporal, env: { COMPLETION_DEADLINE: `${DEADLINE_MS}ms`, TASK_LINK_WRITES_PER_MINUTE: '600' } });
});

afterAll(async () => {
  proxy?.resume();
  await t?.stop();
  await native?.close();
  await connection?.close();
  await proxy?.close();
});

const form = new URLSearchParams({
  'o0.title': 'Make onboarding delightful',
  'o0.kr0.title': 'Activation rate',
  'o0.kr0.kind': 'percent',
  'o0.kr0.start': '40',
  'o0.kr0.target': '60',
  'o0.kr1.title': 'Ship the new guided tour',
  'o0.kr1.kind': 'milestone',
});

it('answers 503 with Retry-After when Temporal hangs, and the same submission later answers completed, once', { timeout: 120_000 }, async () => {
  expect((await t.api('/api/people', { method: 'POST', json: ORG })).status).toBe(200);
  expect(
    (
      await t.api('/api/cycles', {
        method: 'POST',
        json: { key: 'SLOW-1', title: 'Q1 2027', startsOn: '2027-01-01', endsOn: '2027-03-31', schedule: { planning: 'at-once' } },
      })
    ).status,
  ).toBe(201);
  const mails = await t.mail.waitFor((all) => all.length >= 3, 30_000);
  const cyLink = linkIn(mails.find((m) => m.envelopeTo[0] === 'cy@example.com')!);
  const anaLink = linkIn(mails.find((m) => m.envelopeTo[0] === 'ana@example.com')!);
  const postJson = (body: unknown) => fetch(cyLink, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const postForm = () => fetch(anaLink, { method: 'POST', body: form, headers: { origin: new URL(anaLink).origin } });

  proxy.stall();
  let began = Date.now();
  const slowJson = await postJson(GOOD_DRAFT);
  const jsonMs = Date.now() - began;
  expect(slowJson.status).toBe(503);
  expect(slowJson.headers.get('retry-after')).toBe('5');
  const body = (await slowJson.json()) as { error: { code: string; message: string } };
  expect(body.error.code).toBe('SERVICE_UNAVAILABLE');
  expect(body.error.message).toMatch(/did not answer within 3 s.*same submission again/);
  expect(jsonMs).toBeGreaterThanOrEqual(DEADLINE_MS - 50);
  expect(jsonMs).toBeLessThan(DEADLINE_MS + 3000);

  began = Date.now();
  const slowForm = await postForm();
  expect(slowForm.status).toBe(503);
  expect(Date.now() - began).toBeLessThan(DEADLINE_MS + 3000);
  expect(slowForm.headers.get('retry-after')).toBe('5');
  const page = await slowForm.text();
  expect(page).toContain('could not be confirmed right now');
  expect(page).toContain('value="Make onboarding delightful"'); // what she typed is kept

  proxy.resume();
  // The same submissions again, as a client honouring Retry-After would (sooner, to keep the test short).
  const answered = await poll(
    async () =>
      postJson(GOOD_DRAFT).then(async (r) => ({ status: r.status, body: (await r.json()) as { status?: string; taskId?: number; completedAt?: string } })),
    (r) => r.status !== 503,
    60_000,
    'the JSON retry answered',
  );
  expect(answered.status).toBe(200);
  expect(answered.body).toMatchObject({ status: 'completed', taskId: expect.any(Number) });
  const again = await postJson(GOOD_DRAFT);
  expect(again.status).toBe(200);
  expect(await again.json()).toEqual(answered.body);
  const formAgain = await poll(
    async () => postForm().then(async (r) => ({ status: r.status, html: await r.text() })),
    (r) => r.status !== 503,
    30_000,
    'the form retry answered',
  );
  expect(formAgain.status).toBe(200);
  expect(formAgain.html).toContain('your OKRs are submitted');

  // A different submission to the completed task is still refused.
  const other = await postJson({ objectives: [{ title: 'Something else entirely', keyResults: [{ kind: 'milestone', title: 'Done' }] }] });
  expect(other.status).toBe(409);

  // Completed once each: one completion event per task, the workflow agrees.
  const events = await t.stack.database.db.selectFrom('task_events').select(['task_id']).where('to_status', '=', 'completed').execute();
  expect(events).toHaveLength(2);
  expect(new Set(events.map((e) => e.task_id)).size).toBe(2);
  const view = await poll(
    () => cycleView(t, 'SLOW-1'),
    (v) => v.taskCounts.completed === 2,
    10_000,
    'two completed',
  );
  expect(view.taskCounts).toMatchObject({ open: 1, completed: 2 });
});
