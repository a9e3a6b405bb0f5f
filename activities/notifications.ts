/**
 * Queueing the emails a batch or a cycle decides to send: reminders, escalations, the awards
 * announcement, the cancellation notice. Each row's idempotency key says what it is about, so a
 * retried activity queues nothing twice; `sendQueuedEmails` sends them.
 */
import { sql } from 'kysely';
import { type Locale, type TaskKind, mondayOf, personTimeZone, zonedTime } from '../contract';
import type { ActivityDeps } from './deps';
import type { EmailData } from '../mail/templates/data';
import { emailRow } from './outbox';
import { finalizeKind } from '../kinds/awards';
import { citationsOf } from '../kinds/awards/handler';
import { cycleWinners, storyObjectives } from '../core/awards';
import { awardWords } from '../i18n/awards';
import { mailWords } from '../i18n/mail';
import { checkinKind } from '../kinds/checkin';
import { requireCycleByKey } from '../db/cycles';
import { queueEmails } from '../db/emails';
import { openTasksWithOwner } from '../db/tasks';

export interface QueueTaskRemindersInput {
  workflowId: string;
  taskIds: number[];
  reminderNo: number;
  timeZone: string;
}
export interface QueueEscalationsInput {
  workflowId: string;
  taskIds: number[];
  /** Which escalation step (its index in the schedule), and to whom. */
  step: number;
  level: 'manager' | 'hr';
  timeZone: string;
}
export interface QueueCycleEmailInput {
  cycleKey: string;
  senderRef: string;
  timeZone: string;
  kind: 'awards-announcement' | 'cycle-cancelled';
  reason?: string;
  announcement?: string;
}
export interface QueuedResult {
  queued: number;
}

export interface QueueManagerDigestsInput {
  cycleKey: string;
  week: number;
  senderRef: string;
  timeZone: string;
}

export interface PlanCheckInsInput {
  cycleKey: string;
  /** The first check-in is at or after this time. */
  from: string;
  timeZone: string;
  weekday: number;
  hour: number;
  /** Compressed schedule: every `everyMs` from `from`, `weeks` times. */
  everyMs?: number;
  weeks: number;
}
export interface PlanCheckInsResult {
  /** When each week's check-in opens, and the Monday (YYYY-MM-DD) of that week. */
  weeks: { opensAt: string; weekStart: string }[];
}

const locale = (l: string): Locale => (l === 'zh-CN' ? 'zh-CN' : 'en');

// The calendar helpers live in the contract (the workflow plans with them too).
export { mondayOf, zonedTime };

/** What HR wrote with the winners (the finalize task's submission), if anything. */
export async function finalAnnouncement(db: ActivityDeps['db'], cycleId: number): Promise<string | undefined> {
  const row = await db
    .selectFrom('tasks')
    .select(sql<string | null>`result->'submission'->>'announcement'`.as('announcement'))
    .where('cycle_id', '=', cycleId)
    .where('kind', '=', finalizeKind.kind)
    .where('status', '=', 'completed')
    .orderBy('completed_at', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row?.announcement?.trim() || undefined;
}

export function createNotificationActivities({ db, mailer }: ActivityDeps) {
  return {
    async queueTaskReminders({ workflowId, taskIds, reminderNo, timeZone }: QueueTaskRemindersInput): Promise<QueuedResult> {
      if (!taskIds.length) return { queued: 0 };
      const rows = await openTasksWithOwner(db, taskIds).leftJoin('people as s', 's.id', 't.subject_person_id').select('s.name as subject_name').execute();
      const queued = await queueEmails(
        db,
        rows.map((t) => {
          const data: EmailData['task-reminder'] = {
            locale: locale(t.locale),
            personName: t.name,
            cycleTitle: t.title,
            timeZone: personTimeZone(t.time_zone, timeZone),
            taskKind: t.kind,
            dueAt: new Date(t.due_at).toISOString(),
            round: t.round,
            reminderNo,
            ...(t.subject_name ? { subjectName: t.subject_name } : {}),
          };
          return emailRow({
            key: `task:${t.id}:reminder:${reminderNo}:${new Date(t.due_at).toISOString()}`,
            kind: 'task-reminder',
            cycleId: t.cycle_id,
            taskId: t.id,
            person: { id: t.person_id, name: t.name, email: t.email },
            data,
            senderRef: workflowId,
            from: mailer.from,
          });
        }),
      );
      return { queued };
    },

    async queueEscalations({ workflowId, taskIds, step, level, timeZone }: QueueEscalationsInput): Promise<QueuedResult> {
      if (!taskIds.length) return { queued: 0 };
      const rows = await openTasksWithOwner(db, taskIds)
        .leftJoin('people as m', 'm.id', 'p.manager_id')
        .leftJoin('people as h', 'h.id', 'c.hr_person_id')
        .select([
          'm.id as m_id',
          'm.name as m_name',
          'm.email as m_email',
          'm.locale as m_locale',
          'm.time_zone as m_time_zone',
          'h.id as h_id',
          'h.name as h_name',
          'h.email as h_email',
          'h.locale as h_locale',
          'h.time_zone as h_time_zone',
        ])
        .execute();
      const values = rows.flatMap((t) => {
        // Without a manager (or when the manager is the owner), the escalation goes to HR.
        const toManager = level === 'manager' && t.m_id !== null && t.m_email !== t.email;
        const to = toManager
          ? { id: t.m_id!, name: t.m_name!, email: t.m_email!, locale: t.m_locale!, timeZone: t.m_time_zone }
          : t.h_id !== null
            ? { id: t.h_id, name: t.h_name!, email: t.h_email!, locale: t.h_locale!, timeZone: t.h_time_zone }
            : null;
        if (!to) return [];
        const data: EmailData['task-escalation'] = {
          locale: locale(to.locale),
          personName: to.name,
          cycleTitle: t.title,
          timeZone: personTimeZone(to.timeZone, timeZone),
          taskKind: t.kind,
          dueAt: new Date(t.due_at).toISOString(),
          round: t.round,
          ownerName: t.name,
          ownerEmail: t.email,
          level: toManager ? 'manager' : 'hr',
        };
        return [
          emailRow({
            key: `task:${t.id}:escalation:${step}:${new Date(t.due_at).toISOString()}`,
            kind: 'task-escalation',
            cycleId: t.cycle_id,
            taskId: t.id,
            person: { id: to.id, name: to.name, email: to.email },
            data,
            senderRef: workflowId,
            from: mailer.from,
          }),
        ];
      });
      const queued = await queueEmails(db, values);
      await db
        .updateTable('tasks')
        .set({ escalations_sent: sql`greatest(escalations_sent, ${step + 1})` })
        .where('id', 'in', taskIds)
        .execute();
      return { queued };
    },

    async queueCycleEmail(input: QueueCycleEmailInput): Promise<QueuedResult> {
      const cycle = await requireCycleByKey(db, input.cycleKey);
      const people = await db
        .selectFrom('cycle_participants as cp')
        .innerJoin('people as p', 'p.id', 'cp.person_id')
        .select(['p.id', 'p.name', 'p.email', 'p.locale', 'p.time_zone'])
        .where('cp.cycle_id', '=', cycle.id)
        .where('cp.removed_at', 'is', null)
        .where('p.active', '=', true)
        .orderBy('p.id')
        .execute();
      let winnersIn = (_l: Locale): EmailData['awards-announcement']['winners'] => [];
      if (input.kind === 'awards-announcement') {
        const rows = await db
          .selectFrom('nominations as n')
          .leftJoin('objectives as o', 'o.id', 'n.objective_id')
          .leftJoin('people as op', 'op.id', 'o.owner_id')
          .leftJoin('people as np', 'np.id', 'n.person_id')
          .select(['n.id', 'n.citation', 'o.title', 'op.name as objective_owner', 'np.name as person_name'])
          .where('n.cycle_id', '=', cycle.id)
          .where('n.winner', '=', true)
          .orderBy('n.id')
          .execute();
        // Every citation of a nomination (one nomination per subject), and the objective's owner in the reader's brackets.
        const more = await citationsOf(
          db,
          rows.map((r) => r.id),
        );
        // The stories: HR's award and citation, the objective and its key results with their scores.
        const awarded = new Map((await cycleWinners(db, cycle.id)).map((w) => [w.nominationId, w]));
        const stories = new Map<number, Awaited<ReturnType<typeof storyObjectives>>>();
        for (const w of awarded.values()) stories.set(w.nominationId, await storyObjectives(db, w));
        const score = (n: number | null, l: Locale) => (n === null ? '—' : n.toLocaleString(l, { minimumFractionDigits: 2, maximumFractionDigits: 2 }));
        winnersIn = (l) =>
          rows.map((r) => {
            const w = awarded.get(r.id);
            return {
              label: r.person_name ?? `${r.title}${mailWords[l].aside(r.objective_owner ?? '')}`,
              citation:
                w?.citation.split('\n').join(mailWords[l].listSeparator) ??
                [r.citation, ...(more.get(r.id) ?? []).map((c) => c.citation)].join(mailWords[l].listSeparator),
              ...(w ? { award: w.awardName ?? awardWords(l).certificate.defaultAward } : {}),
              story: (stories.get(r.id) ?? []).flatMap((o) => [
                `${o.title}${mailWords[l].colon}${score(o.score, l)}`,
                ...o.keyResults.map((k) => `↳ ${k.title}${mailWords[l].colon}${score(k.score ?? k.self_score, l)}`),
              ]),
            };
          });
      }
      const announcement = input.kind === 'awards-announcement' ? (input.announcement ?? (await finalAnnouncement(db, cycle.id))) : undefined;
      // Each winner's own email carries their certificates (rendered when it is sent).
      const certificates = new Map<number, number[]>();
      if (input.kind === 'awards-announcement')
        for (const w of await cycleWinners(db, cycle.id)) certificates.set(w.person.id, [...(certificates.get(w.person.id) ?? []), w.nominationId]);
      const values = people.map((p) => {
        const base = { locale: locale(p.locale), personName: p.name, cycleTitle: cycle.title, timeZone: personTimeZone(p.time_zone, input.timeZone) };
        const data =
          input.kind === 'awards-announcement'
            ? ({
                ...base,
                winners: winnersIn(base.locale),
                ...(announcement ? { announcement } : {}),
                ...(certificates.has(p.id) ? { certificates: certificates.get(p.id)! } : {}),
              } satisfies EmailData['awards-announcement'])
            : ({
                ...base,
                ...(input.reason ? { reason: input.reason } : {}),
                ...(cycle.kind === 'awards-run' ? { awardsRun: true as const } : {}),
              } satisfies EmailData['cycle-cancelled']);
        return {
          ...emailRow({
            key: `cycle:${cycle.id}:${input.kind}:${p.id}`,
            kind: input.kind,
            cycleId: cycle.id,
            taskId: null,
            person: { id: p.id, name: p.name, email: p.email },
            data,
            senderRef: input.senderRef,
            from: mailer.from,
          }),
        };
      });
      return { queued: await queueEmails(db, values) };
    },

    /** After a check-in week: each manager hears who checked in, who did not, and low confidence. */
    async queueManagerDigests({ cycleKey, week, senderRef, timeZone }: QueueManagerDigestsInput): Promise<QueuedResult> {
      const cycle = await requireCycleByKey(db, cycleKey);
      const reports = await db
        .selectFrom('cycle_participants as cp')
        .innerJoin('people as p', 'p.id', 'cp.person_id')
        .innerJoin('people as m', 'm.id', 'p.manager_id')
        .innerJoin('cycle_participants as mp', (j) =>
          j.onRef('mp.person_id', '=', 'm.id').onRef('mp.cycle_id', '=', 'cp.cycle_id').on('mp.removed_at', 'is', null),
        )
        .leftJoin('tasks as t', (j) =>
          j.onRef('t.person_id', '=', 'p.id').onRef('t.cycle_id', '=', 'cp.cycle_id').on('t.kind', '=', checkinKind.kind).on('t.round', '=', week),
        )
        .select(['p.id', 'p.name', 'm.id as manager_id', 'm.name as manager_name', 'm.email as manager_email', 'm.locale as manager_locale', 't.status'])
        .where('cp.cycle_id', '=', cycle.id)
        .where('cp.removed_at', 'is', null)
        .where('m.active', '=', true)
        .orderBy('p.name')
        .execute();
      // One confidence per person: the check-in's, not one line per key result.
      const low = await db
        .selectFrom('checkins as c')
        .innerJoin('people as p', 'p.id', 'c.person_id')
        .select(['p.id as person_id', 'p.name', 'c.confidence'])
        .where('c.cycle_id', '=', cycle.id)
        .where('c.week', '=', week)
        .where('c.confidence', '<=', 4)
        .orderBy('p.name')
        .execute();
      const byManager = new Map<
        number,
        { manager: { id: number; name: string; email: string; locale: string }; reportIds: Set<number>; checkedIn: string[]; missed: string[] }
      >();
      for (const r of reports) {
        let entry = byManager.get(r.manager_id);
        if (!entry)
          byManager.set(
            r.manager_id,
            (entry = {
              manager: { id: r.manager_id, name: r.manager_name, email: r.manager_email, locale: r.manager_locale },
              reportIds: new Set(),
              checkedIn: [],
              missed: [],
            }),
          );
        entry.reportIds.add(r.id);
        if (r.status === 'completed') entry.checkedIn.push(r.name);
        else if (r.status === 'expired' || r.status === 'open') entry.missed.push(r.name);
      }
      const values = [...byManager.values()]
        .filter((e) => e.checkedIn.length + e.missed.length > 0)
        .map((e) => {
          const data: EmailData['manager-digest'] = {
            locale: locale(e.manager.locale),
            personName: e.manager.name,
            cycleTitle: cycle.title,
            timeZone,
            week,
            checkedIn: e.checkedIn,
            missed: e.missed,
            lowConfidence: low.filter((l) => e.reportIds.has(l.person_id)).map((l) => ({ person: l.name, confidence: l.confidence })),
          };
          return emailRow({
            key: `cycle:${cycle.id}:digest:${week}:${e.manager.id}`,
            kind: 'manager-digest',
            cycleId: cycle.id,
            taskId: null,
            person: e.manager,
            data,
            senderRef,
            from: mailer.from,
          });
        });
      return { queued: await queueEmails(db, values) };
    },

    async planCheckIns(input: PlanCheckInsInput): Promise<PlanCheckInsResult> {
      const from = new Date(input.from);
      const weeks: PlanCheckInsResult['weeks'] = [];
      if (input.everyMs) {
        for (let w = 0; w < input.weeks; w++) {
          const at = new Date(from.getTime() + w * input.everyMs);
          weeks.push({ opensAt: at.toISOString(), weekStart: mondayOf(at, input.timeZone) });
        }
        return { weeks };
      }
      const cycle = await requireCycleByKey(db, input.cycleKey);
      const end = zonedTime(cycle.ends_on, 23, input.timeZone);
      let monday = mondayOf(from, input.timeZone);
      for (let guard = 0; guard < 60 && weeks.length < 26; guard++) {
        const day = new Date(`${monday}T00:00:00Z`);
        day.setUTCDate(day.getUTCDate() + input.weekday - 1);
        const opensAt = zonedTime(day.toISOString().slice(0, 10), input.hour, input.timeZone);
        if (opensAt > end) break;
        if (opensAt >= from) weeks.push({ opensAt: opensAt.toISOString(), weekStart: monday });
        const next = new Date(`${monday}T00:00:00Z`);
        next.setUTCDate(next.getUTCDate() + 7);
        monday = next.toISOString().slice(0, 10);
      }
      return { weeks };
    },
  };
}
