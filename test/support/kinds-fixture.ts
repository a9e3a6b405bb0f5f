/**
 * A fresh PostgreSQL database per test file, seeded row by row, and a `submit` that does what the
 * recordSubmission activity does: parse with the kind's schema, run the handler's `record` inside
 * a transaction, mark the task completed with `{ submission, outcome }`.
 */
import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import { expect } from 'vitest';
import { type FieldIssue, PHASE_OF_KIND, type Role, type TaskKind, submissionSchemas } from '../../contract';
import { type KindHandler, type RecordOutcome, SubmissionRejected, type TaskRef, kindHandlers } from '../../kinds';
import { migrateToLatest, openDatabase } from '../../db/connect';
import type { DB } from '../../db/schema';
import { createTestDatabase } from '../support/postgres';

export interface Fixture {
  db: Kysely<DB>;
  close(): Promise<void>;
}

export async function openFixture(): Promise<Fixture> {
  const testDb = await createTestDatabase();
  const database = await openDatabase({ url: testDb.url, poolSize: 2, dataDir: 'memory://' });
  try {
    await migrateToLatest(database.db);
  } catch (error) {
    await database.close();
    await testDb.drop();
    throw error;
  }
  return {
    db: database.db,
    async close() {
      await database.close();
      await testDb.drop();
    },
  };
}

export async function addPerson(db: Kysely<DB>, p: { name: string; managerId?: number; roles?: Role[]; active?: boolean }): Promise<number> {
  const email = `${p.name.toLowerCase().replace(/[^a-z]+/g, '.')}@example.com`;
  const row = await db
    .insertInto('people')
    .values({ email, name: p.name, manager_id: p.managerId ?? null, department: null, roles: p.roles ?? [], active: p.active ?? true })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export async function emailOf(db: Kysely<DB>, personId: number): Promise<string> {
  return (await db.selectFrom('people').select('email').where('id', '=', personId).executeTakeFirstOrThrow()).email;
}

export async function addCycle(db: Kysely<DB>, key: string, participants: number[], removed: number[] = []): Promise<number> {
  const row = await db
    .insertInto('cycles')
    .values({
      key,
      title: `Cycle ${key}`,
      starts_on: '2027-01-01',
      ends_on: '2027-03-31',
      schedule: JSON.stringify({ timeZone: 'UTC' }),
      request_fingerprint: `fp-${key}`,
      workflow_id: `okr-cycle:${key}`,
      created_by: 'test',
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const rows = [
    ...participants.map((person_id) => ({ cycle_id: row.id, person_id, batch_no: 0, removed_at: null })),
    ...removed.map((person_id) => ({ cycle_id: row.id, person_id, batch_no: 0, removed_at: new Date() })),
  ];
  if (rows.length) await db.insertInto('cycle_participants').values(rows).execute();
  return row.id;
}

export async function openTask(
  db: Kysely<DB>,
  t: { cycleId: number; personId: number; kind: TaskKind; round?: number; subjectPersonId?: number },
): Promise<TaskRef> {
  const round = t.round ?? 1;
  const row = await db
    .insertInto('tasks')
    .values({
      cycle_id: t.cycleId,
      person_id: t.personId,
      kind: t.kind,
      phase: PHASE_OF_KIND[t.kind],
      round,
      batch_no: 0,
      workflow_id: `batch:${t.kind}:${round}`,
      due_at: new Date(Date.UTC(2027, 0, 31)),
      token_hash: randomBytes(16).toString('hex'),
      subject_person_id: t.subjectPersonId ?? null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return {
    id: row.id,
    kind: t.kind,
    cycleId: t.cycleId,
    personId: t.personId,
    ownerEmail: await emailOf(db, t.personId),
    subjectPersonId: t.subjectPersonId ?? null,
    round,
  };
}

/** Parses `raw` with the kind's schema and records it as recordSubmission does. */
export async function submit(db: Kysely<DB>, task: TaskRef, raw: unknown): Promise<RecordOutcome> {
  const submission = submissionSchemas[task.kind].parse(raw);
  const handler = kindHandlers[task.kind] as KindHandler<TaskKind>;
  return db.transaction().execute(async (tx) => {
    const outcome = await handler.record(tx, task, submission);
    await tx
      .updateTable('tasks')
      .set({ status: 'completed', completed_at: new Date(), result: JSON.stringify({ submission, outcome }) })
      .where('id', '=', task.id)
      .execute();
    return outcome;
  });
}

/** Submits and expects a rejection; returns its issues. */
export async function rejected(db: Kysely<DB>, task: TaskRef, raw: unknown): Promise<FieldIssue[]> {
  const error = await submit(db, task, raw).then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(SubmissionRejected);
  const status = await db.selectFrom('tasks').select('status').where('id', '=', task.id).executeTakeFirstOrThrow();
  expect(status.status).toBe('open');
  // Path and words; the rule codes (for other languages) are checked where they matter.
  return (error as SubmissionRejected).issues.map(({ path, message }) => ({ path, message }));
}

export function contextOf(db: Kysely<DB>, task: TaskRef) {
  return (kindHandlers[task.kind] as KindHandler<TaskKind>).context(db, task);
}

/** Two key results of each kind the draft form offers. */
export const kr = {
  users: { kind: 'numeric', title: 'Weekly active users', start: 100, target: 500, unit: 'users' },
  activation: { kind: 'percent', title: 'Activation rate', start: 40, target: 60 },
  share: { kind: 'percent', title: 'Share of self-serve signups' },
  launch: { kind: 'milestone', title: 'Launch the new onboarding' },
  churn: { kind: 'numeric', title: 'Monthly churn', start: 10, target: 5, unit: 'pct' },
} as const;
