/**
 * The flow's notices (an approval to the author, the final scores to the calibrated person):
 * a kind's handler says what to tell whom (`KindHandler.notices`), and the completion's own
 * transaction queues it here, so a completion and its notice are written together or not at
 * all. They go with the mail of the task's batch (its sender reference): the completion tells the
 * batch, whose next pass sends them, and an SMTP outage only delays them like any other email.
 */
import type { Transaction } from 'kysely';
import { personTimeZone } from '../contract';
import { queueEmails } from '../db/emails';
import type { DB } from '../db/schema';
import type { Notice, TaskRef } from '../kinds/types';
import type { OutboxData } from '../mail/templates/data';
import { emailRow } from './outbox';

/** Queues a completion's notices with the mail of its batch (`senderRef`: the batch's workflow id). */
export async function queueNotices(tx: Transaction<DB>, task: TaskRef, notices: Notice[], from: string, senderRef: string): Promise<number> {
  if (!notices.length) return 0;
  const cycle = await tx.selectFrom('cycles').select(['title', 'schedule']).where('id', '=', task.cycleId).executeTakeFirstOrThrow();
  const cycleZone = (cycle.schedule as { timeZone?: string } | null)?.timeZone ?? 'UTC';
  const ids = [...new Set(notices.map((n) => n.to))];
  const people = new Map(
    (await tx.selectFrom('people').select(['id', 'name', 'email', 'locale', 'time_zone']).where('id', 'in', ids).where('active', '=', true).execute()).map(
      (p) => [p.id, p],
    ),
  );
  const rows = notices.flatMap((n) => {
    const p = people.get(n.to);
    if (!p) return [];
    const data = {
      ...n.data,
      locale: p.locale === 'zh-CN' ? 'zh-CN' : 'en',
      personName: p.name,
      cycleTitle: cycle.title,
      timeZone: personTimeZone(p.time_zone, cycleZone),
    } as OutboxData[typeof n.kind];
    return [
      emailRow({
        key: `task:${task.id}:notice:${n.kind}:${p.id}`,
        kind: n.kind,
        cycleId: task.cycleId,
        taskId: null,
        person: { id: p.id, name: p.name, email: p.email },
        data,
        senderRef,
        from,
      }),
    ];
  });
  await queueEmails(tx, rows);
  return rows.length;
}
