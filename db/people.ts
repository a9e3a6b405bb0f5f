/** Repository: people (the org chart HR imports) and their out-of-office weeks. */
import { type Kysely, type Transaction, sql } from 'kysely';
import { ErrorCode, type Role } from '../contract';
import { AppError } from '../core/errors';
import type { DB, NewPerson, Person } from './schema';

type Db = Kysely<DB> | Transaction<DB>;

/** The person with this email, or undefined. */
export async function findPersonByEmail(db: Db, email: string): Promise<Person | undefined> {
  return db.selectFrom('people').selectAll().where('email', '=', email).executeTakeFirst();
}

/** The person with this email; throws NOT_FOUND ("no person with email …") when there is none. */
export async function requirePersonByEmail(db: Db, email: string): Promise<Person> {
  const person = await findPersonByEmail(db, email);
  if (!person) throw new AppError(ErrorCode.notFound, `no person with email ${email}`);
  return person;
}

/** Name and email of the person with this id, or undefined. */
export async function findPersonById(db: Db, id: number): Promise<Pick<Person, 'id' | 'name' | 'email' | 'locale' | 'time_zone' | 'manager_id'> | undefined> {
  return db.selectFrom('people').select(['id', 'name', 'email', 'locale', 'time_zone', 'manager_id']).where('id', '=', id).executeTakeFirst();
}

/** Active people among these emails: email → id. */
export async function activePersonIdsByEmail(db: Db, emails: string[]): Promise<Map<string, number>> {
  if (!emails.length) return new Map();
  const rows = await db.selectFrom('people').select(['id', 'email']).where('email', 'in', emails).where('active', '=', true).execute();
  return new Map(rows.map((r) => [r.email, r.id]));
}

/** The time zones people chose, by email (people without one are left out). */
export async function timeZonesByEmail(db: Db, emails: string[]): Promise<Map<string, string>> {
  if (!emails.length) return new Map();
  const rows = await db.selectFrom('people').select(['email', 'time_zone']).where('email', 'in', emails).where('time_zone', 'is not', null).execute();
  return new Map(rows.map((r) => [r.email, r.time_zone!]));
}

/** Ids of every active person, in id order. */
export async function activePersonIds(db: Db): Promise<number[]> {
  return (await db.selectFrom('people').select('id').where('active', '=', true).orderBy('id').execute()).map((r) => r.id);
}

/** Ids of the active people with this role, in id order. */
export async function activePersonIdsWithRole(db: Db, role: Role): Promise<number[]> {
  const rows = await db
    .selectFrom('people')
    .select('id')
    .where('active', '=', true)
    .where(sql<boolean>`${role} = any(roles)`)
    .orderBy('id')
    .execute();
  return rows.map((r) => r.id);
}

/** Which of these emails belong to a person already (active or not). */
export async function existingEmails(db: Db, emails: string[]): Promise<Set<string>> {
  if (!emails.length) return new Set();
  return new Set((await db.selectFrom('people').select('email').where('email', 'in', emails).execute()).map((r) => r.email));
}

const CHUNK = 1_000;

/**
 * Inserts people, or updates the ones whose email exists (and makes them active again).
 * Managers are left alone: `setManagersByEmail` sets them once every row exists.
 */
export async function upsertPeople(db: Db, people: Omit<NewPerson, 'manager_id'>[]): Promise<void> {
  for (let i = 0; i < people.length; i += CHUNK) {
    await db
      .insertInto('people')
      .values(people.slice(i, i + CHUNK).map((p) => ({ ...p, manager_id: null })))
      .onConflict((oc) =>
        oc.column('email').doUpdateSet((eb) => ({
          name: eb.ref('excluded.name'),
          department: eb.ref('excluded.department'),
          roles: eb.ref('excluded.roles'),
          locale: eb.ref('excluded.locale'),
          time_zone: eb.ref('excluded.time_zone'),
          active: true,
          updated_at: sql`now()`,
        })),
      )
      .execute();
  }
}

/** Sets each person's manager by the manager's email (null: no manager). */
export async function setManagersByEmail(db: Db, pairs: { email: string; manager: string | null }[]): Promise<void> {
  for (let i = 0; i < pairs.length; i += CHUNK) {
    const chunk = pairs.slice(i, i + CHUNK);
    await sql`
      update people set manager_id = m.id
      from (select unnest(${sql.val(chunk.map((c) => c.email))}::text[]) as email,
                   unnest(${sql.val(chunk.map((c) => c.manager))}::text[]) as manager) as v
      left join people m on m.email = v.manager
      where people.email = v.email`.execute(db);
  }
}

/** The whole org chart as id → manager id, with emails (to look for management loops). */
export async function orgChart(db: Db): Promise<{ id: number; email: string; manager_id: number | null }[]> {
  return db.selectFrom('people').select(['id', 'email', 'manager_id']).execute();
}

/** Everyone, by email, with their manager's email. */
export async function listPeopleWithManagers(db: Db) {
  return db
    .selectFrom('people as p')
    .leftJoin('people as m', 'm.id', 'p.manager_id')
    .select(['p.id', 'p.email', 'p.name', 'm.email as managerEmail', 'p.department', 'p.roles', 'p.locale', 'p.time_zone as timeZone', 'p.active'])
    .orderBy('p.email')
    .execute();
}

/** Marks whole weeks (their Mondays) out of office; weeks already marked stay as they are. */
export async function addAbsences(db: Db, personId: number, weekStarts: string[]): Promise<void> {
  if (!weekStarts.length) return;
  await db
    .insertInto('absences')
    .values(weekStarts.map((w) => ({ person_id: personId, week_start: w })))
    .onConflict((oc) => oc.columns(['person_id', 'week_start']).doNothing())
    .execute();
}

/** Every week the person is marked out of office, oldest first. */
export async function absenceWeeks(db: Db, personId: number): Promise<string[]> {
  return (await db.selectFrom('absences').select('week_start').where('person_id', '=', personId).orderBy('week_start').execute()).map((a) => a.week_start);
}

/** Marks every active person whose email is not among `keep` as left (inactive); returns their emails. */
export async function markLeftExcept(db: Db, keep: string[]): Promise<string[]> {
  const rows = await db
    .updateTable('people')
    .set({ active: false, updated_at: sql`now()` })
    .where('active', '=', true)
    .where(sql<boolean>`not (email = any(${sql.val(keep)}::text[]))`)
    .returning('email')
    .execute();
  return rows.map((r) => r.email);
}
