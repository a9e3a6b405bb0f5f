/**
 * The due-event rules of a task batch, in one pure place: reminders before a task's due time,
 * escalations after it (manager, then HR), and expiry `expireAfter` later. `dueNow` says what
 * fires at a moment (and marks it fired); `nextEventAt` says when the batch must wake next.
 */
export interface DueRules {
  /** Offsets before the due time (ms). */
  reminders: number[];
  /** Offsets after the due time (ms), in order. */
  escalations: number[];
  /** An unfinished task expires this long after its due time (ms). */
  expireAfter: number;
}

export interface DueTask {
  taskId: number;
  open: boolean;
  due: number;
  openedAt: number;
  /** Reminder numbers already sent. */
  reminders: number[];
  /** Escalation steps already sent. */
  escalations: number;
}

export interface DueNow {
  /** reminder number → tasks */
  reminders: Map<number, number[]>;
  /** escalation step → tasks */
  escalations: Map<number, number[]>;
  expiring: number[];
}

/** A reminder is sent only if its time falls after the task opened and before it is due. */
export function dueNow(tasks: Iterable<DueTask>, rules: DueRules, now: number): DueNow {
  const reminders = new Map<number, number[]>();
  const escalations = new Map<number, number[]>();
  const expiring: number[] = [];
  for (const t of tasks) {
    if (!t.open) continue;
    rules.reminders.forEach((offset, i) => {
      const at = t.due - offset;
      if (at <= now && at > t.openedAt && !t.reminders.includes(i) && now < t.due) {
        t.reminders.push(i);
        reminders.set(i, [...(reminders.get(i) ?? []), t.taskId]);
      }
    });
    while (t.escalations < rules.escalations.length && t.due + rules.escalations[t.escalations]! <= now) {
      escalations.set(t.escalations, [...(escalations.get(t.escalations) ?? []), t.taskId]);
      t.escalations++;
    }
    if (t.due + rules.expireAfter <= now) expiring.push(t.taskId);
  }
  return { reminders, escalations, expiring };
}

/** The earliest future reminder, escalation or expiry among open tasks (a day from now if none). */
export function nextEventAt(tasks: Iterable<DueTask>, rules: DueRules, now: number): number {
  let next = Number.POSITIVE_INFINITY;
  for (const t of tasks) {
    if (!t.open) continue;
    rules.reminders.forEach((offset, i) => {
      const at = t.due - offset;
      // A reminder not sent by the due time is never sent (dueNow): it is no reason to wake. Waking
      // for it made a batch that woke after a due time (a late timer, skipped time) loop without end.
      if (!t.reminders.includes(i) && at > t.openedAt && at < t.due && now < t.due) next = Math.min(next, at);
    });
    if (t.escalations < rules.escalations.length) next = Math.min(next, t.due + rules.escalations[t.escalations]!);
    next = Math.min(next, t.due + rules.expireAfter);
  }
  return next === Number.POSITIVE_INFINITY ? now + 24 * 3600 * 1000 : next;
}
