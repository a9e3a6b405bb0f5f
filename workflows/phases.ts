/**
 * The phase table: what each phase of a cycle does, in order. Each entry opens its tasks in
 * batch children (workflows/task-batch.ts) with their due times and waits until they end; the
 * cycle (workflows/okr-cycle.ts) runs the entries one after another.
 */
import { condition, patched, workflowInfo } from '@temporalio/workflow';
import { type Phase, type PhaseState, durationToMs } from '../contract';
import type { CycleRun } from './cycle-run';

export type PhaseRunner = (cycle: CycleRun, ps: PhaseState) => Promise<void>;

const iso = (ms: number) => new Date(ms).toISOString();

export const PHASE_TABLE: Record<Phase, PhaseRunner> = {
  /** Executives write company objectives; HR reviews each, with rounds until approved. */
  async strategy(cycle, ps) {
    const due = iso(Date.parse(ps.openedAt!) + durationToMs(cycle.schedule.strategy));
    ps.dueAt = due;
    await cycle.runBatches('strategy', false, () => ({ opening: { kind: 'strategy', round: 1, dueAt: due }, chain: { author: 'strategy', reviewer: 'strategy-review', loop: true }, followUpDueAt: due }));
  },

  /** Everyone drafts objectives aligned to a parent; managers' drafts are due earlier. */
  async drafting(cycle, ps) {
    const opened = Date.parse(ps.openedAt!);
    const dueMs = opened + durationToMs(cycle.schedule.drafting);
    const managerDue = dueMs - durationToMs(cycle.schedule.managerLead);
    ps.dueAt = iso(dueMs);
    await cycle.runBatches('drafting', true, () => ({ opening: { kind: 'draft', round: 1, dueAt: ps.dueAt!, ...(managerDue > opened ? { managerDueAt: iso(managerDue) } : {}) } }));
  },

  /** Managers review their reports' drafts; "changes requested" opens the next drafting round. */
  async review(cycle, ps) {
    const due = iso(Date.parse(ps.openedAt!) + durationToMs(cycle.schedule.review));
    ps.dueAt = due;
    await cycle.runBatches('review', true, () => ({ opening: { kind: 'review', round: 1, dueAt: due }, chain: { author: 'draft', reviewer: 'review', loop: true }, followUpDueAt: due }));
  },

  /** Weekly check-ins, each week its own batches; managers get a digest after each week. */
  async checkins(cycle, ps) {
    const { schedule, cycleKey } = cycle;
    cycle.checkIns ??= (
      await cycle.run('planCheckIns', (acts) => acts.planCheckIns({
        cycleKey,
        from: new Date().toISOString(),
        timeZone: schedule.timeZone,
        weekday: schedule.checkIns.weekday,
        hour: schedule.checkIns.hour,
        ...(schedule.checkIns.every ? { everyMs: durationToMs(schedule.checkIns.every) } : {}),
        weeks: schedule.checkIns.weeks,
      }), { weeks: [] })
    ).weeks;
    const checkIns = cycle.checkIns;
    const windowMs = durationToMs(schedule.checkIns.window);
    ps.dueAt = checkIns.length ? iso(Date.parse(checkIns[checkIns.length - 1]!.opensAt) + windowMs) : ps.openedAt;
    while (cycle.week < checkIns.length && !cycle.cancelled && !cycle.advanceRequested) {
      const { opensAt, weekStart } = checkIns[cycle.week]!;
      const wait = Date.parse(opensAt) - Date.now();
      if (wait > 0) {
        await condition(() => cycle.controls.length > 0, wait);
        await cycle.handleControls('checkins');
        if (cycle.cancelled || cycle.advanceRequested) break;
        if (Date.parse(opensAt) > Date.now()) continue;
      }
      const week = ++cycle.week;
      ps.round = week;
      const due = iso(Math.max(Date.parse(opensAt), Date.now()) + windowMs);
      // A missed check-in is reported to the manager when it closes.
      await cycle.runBatches('checkins', true, () => ({ opening: { kind: 'checkin', round: week, dueAt: due, weekStart } }), {
        ...cycle.policy,
        escalations: [{ after: '0s', to: 'manager' }],
        expireAfter: '0s',
        reminders: schedule.reminders.filter((r) => durationToMs(r) < windowMs),
      }, week);
      // Added after the first recorded histories: older cycles replay without the digest.
      if (patched('manager-digest-v1') && !cycle.cancelled) {
        const senderRef = `${workflowInfo().workflowId}:digest:${week}`;
        await cycle.run('queueManagerDigests', (acts) => acts.queueManagerDigests({ cycleKey, week, senderRef, timeZone: schedule.timeZone }), { queued: 0 });
        await cycle.run('sendQueuedEmails', (acts) => acts.sendQueuedEmails({ senderRef }), undefined);
      }
      if (cycle.shouldContinueAsNew()) await cycle.handOver();
    }
  },

  /** Self-scores, then each manager calibrates the report's score. */
  async scoring(cycle, ps) {
    const opened = Date.parse(ps.openedAt!);
    const length = durationToMs(cycle.schedule.scoring);
    ps.dueAt = iso(opened + length);
    await cycle.runBatches('scoring', true, () => ({
      opening: { kind: 'self-score', round: 1, dueAt: iso(opened + Math.round((length * 2) / 3)) },
      chain: { author: 'self-score', reviewer: 'calibrate', loop: false },
      followUpDueAt: ps.dueAt!,
    }));
  },

  /** Nominations, the committee's votes, HR's final choice; then the announcement to everyone. */
  async awards(cycle, ps) {
    const third = Math.round(durationToMs(cycle.schedule.awards) / 3);
    ps.dueAt = iso(Date.parse(ps.openedAt!) + 3 * third);
    ps.round = 1;
    await cycle.runBatches('awards', true, () => ({ opening: { kind: 'nominate', round: 1, dueAt: iso(Date.now() + third) } }), cycle.policy, 1);
    if (!cycle.cancelled && !cycle.advanceRequested) {
      ps.round = 2;
      await cycle.runBatches('awards', false, () => ({ opening: { kind: 'vote', round: 1, dueAt: iso(Date.now() + third) } }), cycle.policy, 2);
    }
    if (!cycle.cancelled && !cycle.advanceRequested) {
      ps.round = 3;
      await cycle.runBatches('awards', false, () => ({ opening: { kind: 'finalize', round: 1, dueAt: iso(Date.now() + third) } }), cycle.policy, 3);
    }
    if (!cycle.cancelled) await cycle.sendCycleEmail('awards-announcement');
  },
};
