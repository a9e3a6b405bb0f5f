/** A task batch's state without Temporal: follow-ups a chain owes, HR's requests, due events, refusals. */
import { describe, expect, it } from 'vitest';
import type { TaskInfo } from '../../activities/tasks';
import { BatchState, completionProblem } from '../../workflows/batch-state';

const H = 3_600_000;
const policy = { reminders: ['2h'], escalations: [{ after: '0s', to: 'manager' as const }], expireAfter: '1h', timeZone: 'UTC' };
const info = (taskId: number, over: Partial<TaskInfo> = {}): TaskInfo => ({
  taskId,
  kind: 'draft',
  round: 1,
  personId: taskId * 10,
  subjectPersonId: null,
  dueAt: new Date(Date.now() + 10 * H).toISOString(),
  status: 'open',
  ...over,
});
const batch = (chain?: { author: 'draft'; reviewer: 'review'; loop: boolean }) =>
  new BatchState({ chain, opening: { kind: 'draft', round: 1, dueAt: '2027-01-01T00:00:00.000Z' }, policy });

describe('BatchState', () => {
  it('turns an author completion into a review, and a review asking for changes into the next round', () => {
    const b = batch({ author: 'draft', reviewer: 'review', loop: true });
    b.track(info(1));
    b.track(info(2, { kind: 'review', personId: 99, subjectPersonId: 10 }));
    b.markCompleted(b.tasks.get(1)!, {});
    b.markCompleted(b.tasks.get(2)!, { decision: 'changes', comment: 'Say how many' });
    expect(b.followUps).toEqual([
      { kind: 'review', round: 1, subjectPersonId: 10 },
      { kind: 'draft', round: 2, subjectPersonId: 10, comment: 'Say how many' },
    ]);
    expect(b.snapshot()).toMatchObject({ open: 0, completed: 2 });
  });

  it("keeps HR's requests for the loop: the first close wins, extensions move due times and restart reminders", () => {
    const b = batch();
    b.track(info(1));
    b.track(info(2, { status: 'completed' }));
    const before = b.changes;
    b.request('close', { status: 'expired', reason: 'advanced' });
    b.request('close', { status: 'cancelled', reason: 'cancelled' });
    b.request('remove', [20]);
    expect(b.closeRequest).toEqual({ status: 'expired', reason: 'advanced' });
    expect(b.removals).toEqual([20]);
    expect(b.changes).toBe(before + 3);
    expect(b.extendable({ dueAt: 'x' })).toEqual([1]);
    b.tasks.get(1)!.reminders.push(0);
    b.moveDue([1], '2030-01-01T00:00:00.000Z');
    expect(b.tasks.get(1)).toMatchObject({ due: Date.parse('2030-01-01T00:00:00.000Z'), reminders: [], escalations: 0 });
    b.setStatus(b.tasks.keys(), 'expired', true);
    expect([...b.tasks.values()].map((t) => t.status)).toEqual(['expired', 'completed']);
  });

  it('fires a reminder, then the escalation and the expiry, once each, and says when to wake', () => {
    const b = batch();
    const now = Date.now();
    b.track(info(1, { dueAt: new Date(now + 3 * H).toISOString() }));
    expect(b.nextWake(now)).toBe(now + H);
    expect(b.dueNow(now + H).reminders).toEqual(new Map([[0, [1]]]));
    expect(b.dueNow(now + H).reminders.size).toBe(0);
    expect(b.dueNow(now + 3 * H).escalations).toEqual(new Map([[0, [1]]]));
    expect(b.dueNow(now + 4 * H)).toMatchObject({ escalations: new Map(), expiring: [1] });
  });

  it('says why a task cannot be completed', () => {
    expect(completionProblem(undefined, 7)).toEqual({ type: 'NOT_FOUND', message: 'task 7 does not belong to this batch' });
    expect(completionProblem('completing', 7)?.type).toBe('TASK_ALREADY_COMPLETED');
    expect(completionProblem('expired', 7)).toEqual({ type: 'TASK_CLOSED', message: 'this task is expired' });
    expect(completionProblem('open', 7)).toBeUndefined();
  });
});
