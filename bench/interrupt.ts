/**
 * HR's cancel during a launch: a second cycle for the same N people is started, and once a
 * quarter of its invitations have been accepted by the SMTP sink, HR cancels it. Measured from
 * the cancel request: when the last invitation was accepted (the sends stop between messages),
 * and when every batch had closed and the cycle said it was cancelled. The invitations not sent
 * stay in the outbox as skipped; the cancellation emails that follow are counted apart.
 */
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema';
import { renderEmail } from '../mail/templates';
import type { RunningApp } from './app';
import { interrupted, sleep } from './cleanup';
import { BENCH_SCHEDULE } from './launch';
import { progress } from './progress';
import type { SmtpSink } from './smtp-sink';

/** The share of the invitations accepted before HR cancels. */
const CANCEL_AT = 0.25;

export interface InterruptResult {
  n: number;
  cycleKey: string;
  /** Invitations accepted when the cancel was sent. */
  acceptedAtCancel: number;
  /** Seconds for `POST /cancel` to answer. */
  postSeconds: number;
  /** Seconds from the cancel request to the last invitation accepted (0 if none came after it). */
  lastInviteSeconds: number;
  /** Invitations accepted after the cancel request (the ones already on the wire or composed). */
  invitesAfter: number;
  /** Seconds from the cancel request until every batch had closed and the cycle was cancelled. */
  closedSeconds: number;
  /** The cycle's invitations in the outbox by status. */
  outbox: Record<string, number>;
  /** Date.now() when the cancel was sent (history event times are wall-clock). */
  t0Wall: number;
}

const titleOf = (n: number) => `Bench ${n} cancelled`;

/** The cancellation email's subject in each language, to tell it from the invitations. */
function isCancellation(title: string): (subject: string) => boolean {
  const subjects = new Set(
    (['en', 'zh-CN'] as const).map(
      (locale) => renderEmail('cycle-cancelled', { locale, personName: 'x', cycleTitle: title, timeZone: 'UTC' }, undefined).subject,
    ),
  );
  return (subject) => subjects.has(subject);
}

type CycleView = { state: { status: string; activeBatches: string[] } | null };

export async function runInterrupt(app: RunningApp, sink: SmtpSink, db: Kysely<DB>, n: number, runId: string, timeoutS: number): Promise<InterruptResult> {
  const key = `bench-${runId}-n${n}-cancel`;
  const cancellation = isCancellation(titleOf(n));
  const phase = sink.phase('interrupt', n, { match: (subject) => !cancellation(subject) });
  let lastInviteAt = 0;
  const counted = () => phase.accepted;
  const bar = progress('interrupt', 'mails', () => ({ value: phase.accepted, total: Math.ceil(n * CANCEL_AT) }));
  try {
    const res = await app.request('/api/cycles', {
      method: 'POST',
      json: { key, title: titleOf(n), startsOn: '2027-04-01', endsOn: '2027-06-30', schedule: BENCH_SCHEDULE },
      signal: interrupted,
    });
    if (res.status !== 201) throw new Error(`POST /api/cycles answered ${res.status}: ${(await res.text()).slice(0, 500)}`);
    const started = performance.now();
    while (counted() < n * CANCEL_AT) {
      if (performance.now() - started > timeoutS * 1000) throw new Error(`interrupt: only ${counted()} of ${n} invitations after ${timeoutS} s`);
      await sleep(5);
    }
  } finally {
    bar.done();
  }

  const acceptedAtCancel = counted();
  const t0Wall = Date.now();
  const t0 = performance.now();
  const res = await app.request(`/api/cycles/${key}/cancel`, { method: 'POST', json: { reason: 'bench: cancel during the launch' }, signal: interrupted });
  const postSeconds = (performance.now() - t0) / 1000;
  if (res.status !== 200) throw new Error(`POST /cancel answered ${res.status}: ${(await res.text()).slice(0, 500)}`);

  // Watch the invitations still arriving and the cycle closing, for up to 60 s.
  let closedSeconds = Number.NaN;
  let seen = acceptedAtCancel;
  for (let i = 0; i < 6_000 && !interrupted.aborted; i++) {
    if (counted() !== seen) {
      seen = counted();
      lastInviteAt = performance.now();
    }
    if (Number.isNaN(closedSeconds) && i % 10 === 0) {
      const view = (await (await app.request(`/api/cycles/${key}`)).json()) as CycleView;
      if (view.state?.status === 'cancelled' && view.state.activeBatches.length === 0) closedSeconds = (performance.now() - t0) / 1000;
    }
    // Done once the cycle is closed and no invitation has come for a second.
    if (!Number.isNaN(closedSeconds) && performance.now() - Math.max(lastInviteAt, t0) > 1_000) break;
    await sleep(10);
  }
  sink.endPhase();

  const cycle = await db.selectFrom('cycles').select('id').where('key', '=', key).executeTakeFirstOrThrow();
  const rows = await db
    .selectFrom('emails')
    .select(['status', (eb) => eb.fn.countAll<string>().as('n')])
    .where('cycle_id', '=', cycle.id)
    .where('kind', '=', 'task-invite')
    .groupBy('status')
    .execute();
  const outbox = Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
  return {
    n,
    cycleKey: key,
    acceptedAtCancel,
    postSeconds,
    lastInviteSeconds: lastInviteAt ? (lastInviteAt - t0) / 1000 : 0,
    invitesAfter: counted() - acceptedAtCancel,
    closedSeconds,
    outbox,
    t0Wall,
  };
}
