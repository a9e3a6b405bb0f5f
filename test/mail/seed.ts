/**
 * Rows for the email tests, written straight into the database: people, a cycle, objectives with
 * key results, tasks and outbox rows. No workflow owns these tasks unless a test starts one.
 */
import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import { emailRow } from '../../activities/outbox';
import type { EmailData } from '../../mail/templates/data';
import { PHASE_OF_KIND, type TaskKind } from '../../contract';
import { hashToken, taskToken } from '../../core/tokens';
import type { DB } from '../../db/schema';

export interface SeedPerson {
  email: string;
  name: string;
  locale?: 'en' | 'zh-CN';
}

export async function seedPeople(db: Kysely<DB>, people: SeedPerson[]): Promise<{ id: number; email: string; name: string; locale: string }[]> {
  return db
    .insertInto('people')
    .values(people.map((p) => ({ email: p.email, name: p.name, locale: p.locale ?? 'en', roles: [] })))
    .returning(['id', 'email', 'name', 'locale'])
    .execute();
}

export async function seedCycle(db: Kysely<DB>, title: string, personIds: number[]): Promise<{ id: number; key: string; title: string }> {
  const key = `T-${randomBytes(4).toString('hex')}`;
  const cycle = await db
    .insertInto('cycles')
    .values({
      key,
      title,
      starts_on: '2027-01-01',
      ends_on: '2027-03-31',
      schedule: JSON.stringify({}),
      request_fingerprint: key,
      workflow_id: `okr-cycle:${key}`,
      created_by: 'test',
    })
    .returning(['id', 'key', 'title'])
    .executeTakeFirstOrThrow();
  if (personIds.length) {
    await db
      .insertInto('cycle_participants')
      .values(personIds.map((id) => ({ cycle_id: cycle.id, person_id: id, batch_no: 0 })))
      .execute();
  }
  return cycle;
}

export interface SeedKeyResult {
  title: string;
  kind: 'numeric' | 'percent' | 'milestone';
  start?: number;
  target?: number;
  unit?: string;
  current?: number;
}

/** One approved objective with its key results; returns the key result ids in order. */
export async function seedObjective(
  db: Kysely<DB>,
  cycleId: number,
  ownerId: number,
  title: string,
  keyResults: SeedKeyResult[],
  position = 0,
): Promise<number[]> {
  const objective = await db
    .insertInto('objectives')
    .values({ cycle_id: cycleId, owner_id: ownerId, position, title, status: 'approved' })
    .returning('id')
    .executeTakeFirstOrThrow();
  const rows = await db
    .insertInto('key_results')
    .values(
      keyResults.map((kr, i) => ({
        objective_id: objective.id,
        position: i,
        title: kr.title,
        kind: kr.kind,
        start_value: kr.kind === 'milestone' ? 0 : (kr.start ?? 0),
        target_value: kr.kind === 'milestone' ? 1 : (kr.target ?? 100),
        unit: kr.kind === 'percent' ? '%' : (kr.unit ?? null),
        current_value: kr.current ?? null,
      })),
    )
    .returning('id')
    .execute();
  return rows.map((r) => r.id);
}

export async function seedTask(
  db: Kysely<DB>,
  tokenSecret: string,
  t: { cycleId: number; personId: number; kind: TaskKind; round?: number; workflowId?: string; dueAt?: string; subjectPersonId?: number | null },
): Promise<{ id: number; token: string }> {
  const round = t.round ?? 1;
  const token = taskToken(tokenSecret, { cycleId: t.cycleId, kind: t.kind, round, personId: t.personId, subjectPersonId: t.subjectPersonId ?? null });
  const row = await db
    .insertInto('tasks')
    .values({
      cycle_id: t.cycleId,
      person_id: t.personId,
      subject_person_id: t.subjectPersonId ?? null,
      kind: t.kind,
      phase: PHASE_OF_KIND[t.kind],
      round,
      batch_no: 0,
      workflow_id: t.workflowId ?? `test-no-workflow-${randomBytes(3).toString('hex')}`,
      due_at: t.dueAt ?? '2027-01-18T17:00:00.000Z',
      token_hash: hashToken(token),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return { id: row.id, token };
}

/** Queues a task invite for the task's owner; returns the row's Message-ID. */
export async function queueInvite(
  db: Kysely<DB>,
  e: {
    senderRef: string;
    from: string;
    cycle: { id: number; title: string };
    taskId: number;
    kind: TaskKind;
    round?: number;
    person: { id: number; name: string; email: string; locale?: string };
    subjectName?: string;
  },
): Promise<string> {
  const data: EmailData['task-invite'] = {
    locale: e.person.locale === 'zh-CN' ? 'zh-CN' : 'en',
    personName: e.person.name,
    cycleTitle: e.cycle.title,
    timeZone: 'UTC',
    taskKind: e.kind,
    dueAt: '2027-01-18T17:00:00.000Z',
    round: e.round ?? 1,
    ...(e.subjectName ? { subjectName: e.subjectName } : {}),
  };
  const row = emailRow({
    key: `task:${e.taskId}:invite`,
    kind: 'task-invite',
    cycleId: e.cycle.id,
    taskId: e.taskId,
    person: e.person,
    data,
    senderRef: e.senderRef,
    from: e.from,
  });
  await db.insertInto('emails').values(row).execute();
  return row.message_id;
}
