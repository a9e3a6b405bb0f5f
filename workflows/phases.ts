/**
 * The phase table: what each phase of a cycle does, in order. Each entry opens its tasks in
 * batch children (workflows/task-batch.ts) with their due times and waits until they end; the
 * cycle (workflows/okr-cycle.ts) runs the entries one after another.
 */
import { condition, patched, workflowInfo } from '@temporalio/workflow';
import { AWARDS_STEPS, type Phase, type PhaseState, awardsStepMs, checkInPolicy, checkInWeeks, durationToMs, scoringOpensAt, weekDueAt } from '../contract';
import type { CycleRun } from './cycle-run';

export type PhaseRunner = (cycle: CycleRun, ps: PhaseState) => Promise<void>;

const iso = (ms: number) => new Date(ms).toISOString();

export const PHASE_TABLE: Record<Phase, PhaseRunner> = {
  /** Executives write company objectives; HR reviews each, with rounds until approved. */
  async strategy(cycle, ps) {
    const due = iso(cycle.plannedDue?.dueAt ?? Date.parse(ps.openedAt!) + durationToMs(cycle.schedule.strategy));
    ps.dueAt = due;
    await cycle.runBatches('strategy', false, () => ({
      opening: { kind: 'strategy', round: 1, dueAt: due },
      chain: { author: 'strategy', reviewer: 'strategy-review', loop: true },
      followUpDueAt: due,
    }));
  },

  /** Everyone drafts objectives aligned to a parent; managers' drafts are due earlier. */
  async drafting(cycle, ps) {
    const opened = Date.parse(ps.openedAt!);
    const dueMs = cycle.plannedDue?.dueAt ?? opened + durationToMs(cycle.schedule.drafting);
    const managerDue = dueMs - durationToMs(cycle.schedule.managerLead);
    ps.dueAt = iso(dueMs);
    await cycle.runBatches('drafting', true, () => ({
      opening: { kind: 'draft', round: 1, dueAt: ps.dueAt!, ...(managerDue > opened ? { managerDueAt: iso(managerDue) } : {}) },
    }));
  },

  /** Managers review their reports' drafts; "changes requested" opens the next drafting round. */
  async review(cycle, ps) {
    const due = iso(cycle.plannedDue?.dueAt ?? Date.parse(ps.openedAt!) + durationToMs(cycle.schedule.review));
    ps.dueAt = due;
    await cycle.runBatches('review', true, () => ({
      opening: { kind: 'review', round: 1, dueAt: due },
      chain: { author: 'draft', reviewer: 'review', loop: true },
      followUpDueAt: due,
    }));
  },

  /**
   * Weekly check-ins, each week its own batches, opening on its day (a durable wait HR's controls
   * interrupt); managers get a digest after each week. On the calendar the phase lasts until
   * endsOn, when scoring opens.
   */
  async checkins(cycle, ps) {
    const { schedule, calendar } = cycle;
    cycle.checkIns ??= calendar ? checkInWeeks({ schedule, from: Date.now(), ...calendar }) : await plannedByActivity(cycle);
    const weeks = cycle.checkIns;
    const windowMs = durationToMs(schedule.checkIns.window);
    const scoringAt = calendar ? scoringOpensAt(schedule, calendar.endsOn) : undefined;
    const lastDue = weeks.length ? Date.parse(weeks[weeks.length - 1]!.opensAt) + windowMs : undefined;
    ps.dueAt = lastDue !== undefined || scoringAt !== undefined ? iso(Math.max(lastDue ?? 0, scoringAt ?? 0)) : ps.openedAt;
    while (cycle.week < weeks.length && !cycle.cancelled && !cycle.advanceRequested) {
      const { opensAt, weekStart } = weeks[cycle.week]!;
      if (calendar) {
        if (!(await cycle.waitUntil(Date.parse(opensAt), 'checkins'))) break;
      } else if (Date.parse(opensAt) > Date.now()) {
        await condition(() => cycle.controls.length > 0, Date.parse(opensAt) - Date.now());
        await cycle.handleControls('checkins');
        if (cycle.cancelled || cycle.advanceRequested) break;
        if (Date.parse(opensAt) > Date.now()) continue;
      }
      const week = ++cycle.week;
      ps.round = week;
      // What HR's "end this week" leaves: the next week opens at its planned time.
      if (weeks[week]) ps.nextOpensAt = weeks[week]!.opensAt;
      else delete ps.nextOpensAt;
      const due = iso(calendar ? weekDueAt(Date.parse(opensAt), Date.now(), windowMs) : Math.max(Date.parse(opensAt), Date.now()) + windowMs);
      // A missed check-in is reported to the manager when it closes.
      cycle.openWeek = week;
      // On the calendar a week's answers stay correctable until its window closes, even once everyone has answered.
      const holdUntilDue = calendar !== undefined && !schedule.checkIns.every;
      await cycle.runBatches(
        'checkins',
        true,
        () => ({ opening: { kind: 'checkin', round: week, dueAt: due, weekStart }, ...(holdUntilDue ? { holdUntilDue } : {}) }),
        checkInPolicy(schedule),
        week,
      );
      cycle.openWeek = null;
      // Added after the first recorded histories: older cycles replay without the digest.
      if ((calendar || patched('manager-digest-v1')) && !cycle.cancelled) {
        const senderRef = `${workflowInfo().workflowId}:digest:${week}`;
        await cycle.run('queueManagerDigests', (acts) => acts.queueManagerDigests({ cycleKey: cycle.cycleKey, week, senderRef, timeZone: schedule.timeZone }), {
          queued: 0,
        });
        await cycle.run('sendQueuedEmails', (acts) => acts.sendQueuedEmails({ senderRef }), undefined);
      }
      if (cycle.shouldContinueAsNew()) await cycle.handOver();
    }
    if (scoringAt !== undefined && !cycle.cancelled && !cycle.advanceRequested) await cycle.waitUntil(scoringAt, 'checkins');
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

  /**
   * Nominations, the committee's votes, HR's final choice, each a third of the phase; then the
   * announcement to everyone. HR's advance ends one step (cycles started before: the phase).
   */
  async awards(cycle, ps) {
    const third = awardsStepMs(cycle.schedule);
    ps.dueAt = iso(Date.parse(ps.openedAt!) + 3 * third);
    for (const [i, kind] of AWARDS_STEPS.entries()) {
      if (cycle.cancelled || (i > 0 && cycle.advanceRequested && !cycle.awardsByStep)) break;
      cycle.advanceRequested = false;
      ps.round = i + 1;
      await cycle.runBatches('awards', kind === 'nominate', () => ({ opening: { kind, round: 1, dueAt: iso(Date.now() + third) } }), cycle.policy, i + 1);
    }
    if (!cycle.cancelled) await cycle.sendCycleEmail('awards-announcement');
  },
};

/** Check-in weeks of cycles started before the calendar: planned by an activity from now on. */
async function plannedByActivity(cycle: CycleRun) {
  const { schedule } = cycle;
  const planned = await cycle.run(
    'planCheckIns',
    (acts) =>
      acts.planCheckIns({
        cycleKey: cycle.cycleKey,
        from: new Date().toISOString(),
        timeZone: schedule.timeZone,
        weekday: schedule.checkIns.weekday,
        hour: schedule.checkIns.hour,
        ...(schedule.checkIns.every ? { everyMs: durationToMs(schedule.checkIns.every) } : {}),
        weeks: schedule.checkIns.weeks,
      }),
    { weeks: [] },
  );
  return planned.weeks;
}
