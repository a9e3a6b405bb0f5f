/** The due-event rules, without Temporal: what fires when, and when a batch wakes next. */
import { describe, expect, it } from 'vitest';
import { type DueTask, dueNow, nextEventAt } from '../../workflows/due-events';

const H = 3600_000;
const rules = { reminders: [24 * H, 2 * H], escalations: [0, 24 * H], expireAfter: 48 * H };
const task = (over: Partial<DueTask> = {}): DueTask => ({ taskId: 1, open: true, due: 100 * H, openedAt: 0, reminders: [], escalations: 0, ...over });

describe('due events', () => {
  it('wakes for the first reminder, then the next, then escalations and expiry', () => {
    const t = task();
    expect(nextEventAt([t], rules, 0)).toBe(76 * H);
    expect(dueNow([t], rules, 76 * H).reminders).toEqual(new Map([[0, [1]]]));
    expect(nextEventAt([t], rules, 76 * H)).toBe(98 * H);
    expect(dueNow([t], rules, 98 * H).reminders).toEqual(new Map([[1, [1]]]));
    expect(nextEventAt([t], rules, 98 * H)).toBe(100 * H);
    expect(dueNow([t], rules, 100 * H)).toMatchObject({ escalations: new Map([[0, [1]]]), expiring: [] });
    expect(nextEventAt([t], rules, 100 * H)).toBe(124 * H);
    expect(dueNow([t], rules, 148 * H)).toMatchObject({ escalations: new Map([[1, [1]]]), expiring: [1] });
  });

  it('fires each reminder once, and none at or after the due time', () => {
    const t = task();
    dueNow([t], rules, 99 * H);
    expect(t.reminders).toEqual([0, 1]);
    expect(dueNow([t], rules, 99.5 * H).reminders.size).toBe(0);
    const late = task({ taskId: 2 });
    expect(dueNow([late], rules, 100 * H).reminders.size).toBe(0);
  });

  it('wakes after the due time for what can still fire, not for reminders that never will', () => {
    // A batch that woke late (a late timer, skipped time) finds both reminders unsent past the due
    // time: they are never sent, so the next wake is the first escalation, not a time in the past.
    const late = task();
    expect(dueNow([late], rules, 101 * H)).toMatchObject({ reminders: new Map(), escalations: new Map([[0, [1]]]) });
    expect(nextEventAt([late], rules, 101 * H)).toBe(124 * H);
    expect(nextEventAt([task()], rules, 100 * H)).toBeGreaterThanOrEqual(100 * H);
  });

  it('skips reminders that would fall before the task opened', () => {
    const t = task({ openedAt: 90 * H });
    expect(nextEventAt([t], rules, 90 * H)).toBe(98 * H);
    expect(dueNow([t], rules, 91 * H).reminders.size).toBe(0);
  });

  it('sends every escalation that is overdue at once, and ignores closed tasks', () => {
    const t = task();
    expect(dueNow([t, task({ taskId: 3, open: false })], rules, 130 * H).escalations).toEqual(
      new Map([
        [0, [1]],
        [1, [1]],
      ]),
    );
    expect(nextEventAt([task({ open: false })], rules, 5)).toBe(5 + 24 * H);
  });
});
