/**
 * Importing the org chart: JSON rows or CSV with the same columns. All rows are checked first —
 * fields, duplicate emails, managers that exist (in this import or already), no one managing
 * themselves, no management loops — and only then written, in one transaction.
 */
import { parse as parseCsv } from 'csv-parse/sync';
import { type Kysely, sql } from 'kysely';
import { ErrorCode, type FieldIssue, type PersonInput, type PersonView, type Role, personInputSchema } from '../contract';
import type { DB } from '../db/schema';
import { AppError, validationError } from './errors';

const CSV_COLUMNS = ['email', 'name', 'managerEmail', 'department', 'roles', 'locale'] as const;

/** CSV → raw rows for the same schema as JSON. `roles` is a list separated by ";" "|" or spaces. */
export function csvToPeopleRows(text: string): Record<string, unknown>[] {
  let records: Record<string, string>[];
  try {
    records = parseCsv(text, { columns: (header: string[]) => header.map((h) => h.trim()), skip_empty_lines: true, trim: true, bom: true });
  } catch (error) {
    throw new AppError(ErrorCode.validation, `the CSV cannot be read: ${(error as Error).message}`);
  }
  const header = records.length ? Object.keys(records[0]!) : [];
  const unknown = header.filter((h) => !(CSV_COLUMNS as readonly string[]).includes(h));
  if (unknown.length) {
    throw new AppError(ErrorCode.validation, `unknown CSV column(s): ${unknown.join(', ')}; expected ${CSV_COLUMNS.join(', ')}`);
  }
  return records.map((r) => {
    const row: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(r)) {
      if (v === '') continue;
      row[k] = k === 'roles' ? v.split(/[;|\s]+/).filter(Boolean) : v;
    }
    return row;
  });
}

/** Checks every row; the error names the row (1-based) and the field. */
export function validatePeopleRows(rows: unknown[], rowLabel: (index: number) => string): PersonInput[] {
  const issues: FieldIssue[] = [];
  const people: PersonInput[] = [];
  rows.forEach((row, index) => {
    const parsed = personInputSchema.safeParse(row);
    if (parsed.success) people.push(parsed.data);
    else for (const i of parsed.error.issues) issues.push({ path: `${rowLabel(index)}.${i.path.join('.')}`, message: i.message });
  });
  if (issues.length) throw validationError(issues, 'the import');
  return people;
}

export interface ImportResult {
  created: number;
  updated: number;
}

export async function importPeople(db: Kysely<DB>, people: PersonInput[], actor: string, rowLabel: (index: number) => string): Promise<ImportResult> {
  const issues: FieldIssue[] = [];
  const seen = new Map<string, number>();
  people.forEach((p, i) => {
    const first = seen.get(p.email);
    if (first !== undefined) issues.push({ path: `${rowLabel(i)}.email`, message: `${p.email} also appears in ${rowLabel(first)}` });
    else seen.set(p.email, i);
    if (p.managerEmail === p.email) issues.push({ path: `${rowLabel(i)}.managerEmail`, message: 'a person cannot be their own manager' });
  });

  return db.transaction().execute(async (tx) => {
    const managerEmails = [...new Set(people.map((p) => p.managerEmail).filter((e): e is string => !!e && !seen.has(e)))];
    const existing = managerEmails.length
      ? new Set((await tx.selectFrom('people').select('email').where('email', 'in', managerEmails).execute()).map((r) => r.email))
      : new Set<string>();
    people.forEach((p, i) => {
      if (p.managerEmail && !seen.has(p.managerEmail) && !existing.has(p.managerEmail)) {
        issues.push({ path: `${rowLabel(i)}.managerEmail`, message: `no person with email ${p.managerEmail} exists or is in this import` });
      }
    });
    if (issues.length) throw validationError(issues, 'the import');

    const before = new Set(
      (await tx.selectFrom('people').select('email').where('email', 'in', people.map((p) => p.email)).execute()).map((r) => r.email),
    );
    const CHUNK = 1_000;
    for (let i = 0; i < people.length; i += CHUNK) {
      await tx
        .insertInto('people')
        .values(
          people.slice(i, i + CHUNK).map((p) => ({
            email: p.email,
            name: p.name,
            department: p.department ?? null,
            roles: p.roles ?? [],
            locale: p.locale ?? 'en',
            manager_id: null,
          })),
        )
        .onConflict((oc) =>
          oc.column('email').doUpdateSet((eb) => ({
            name: eb.ref('excluded.name'),
            department: eb.ref('excluded.department'),
            roles: eb.ref('excluded.roles'),
            locale: eb.ref('excluded.locale'),
            active: true,
            updated_at: sql`now()`,
          })),
        )
        .execute();
    }
    // Managers are set after every row exists, so rows may name managers that come later.
    const pairs = people.map((p) => ({ email: p.email, manager: p.managerEmail ?? null }));
    for (let i = 0; i < pairs.length; i += CHUNK) {
      const chunk = pairs.slice(i, i + CHUNK);
      await sql`
        update people set manager_id = m.id
        from (select unnest(${sql.val(chunk.map((c) => c.email))}::text[]) as email,
                     unnest(${sql.val(chunk.map((c) => c.manager))}::text[]) as manager) as v
        left join people m on m.email = v.manager
        where people.email = v.email`.execute(tx);
    }
    const loop = await findManagementLoop(tx);
    if (loop) throw new AppError(ErrorCode.validation, `the import would create a management loop: ${loop.join(' → ')}`, { loop });
    await tx.insertInto('audit_log').values({ actor, action: 'people.imported', cycle_id: null, subject: null, detail: JSON.stringify({ rows: people.length }) }).execute();
    return { created: people.filter((p) => !before.has(p.email)).length, updated: people.filter((p) => before.has(p.email)).length };
  });
}

async function findManagementLoop(db: Kysely<DB>): Promise<string[] | null> {
  const rows = await db.selectFrom('people').select(['id', 'email', 'manager_id']).execute();
  const managerOf = new Map(rows.map((r) => [r.id, r.manager_id]));
  const emailOf = new Map(rows.map((r) => [r.id, r.email]));
  const state = new Map<number, 'visiting' | 'done'>();
  for (const start of managerOf.keys()) {
    const path: number[] = [];
    let cur: number | null | undefined = start;
    while (cur != null && state.get(cur) !== 'done') {
      if (state.get(cur) === 'visiting') {
        const loop = path.slice(path.indexOf(cur));
        return [...loop, cur].map((id) => emailOf.get(id)!);
      }
      state.set(cur, 'visiting');
      path.push(cur);
      cur = managerOf.get(cur);
    }
    for (const id of path) state.set(id, 'done');
  }
  return null;
}

export async function listPeople(db: Kysely<DB>): Promise<PersonView[]> {
  const rows = await db
    .selectFrom('people as p')
    .leftJoin('people as m', 'm.id', 'p.manager_id')
    .select(['p.id', 'p.email', 'p.name', 'm.email as managerEmail', 'p.department', 'p.roles', 'p.locale', 'p.active'])
    .orderBy('p.email')
    .execute();
  return rows.map((r) => ({ ...r, roles: r.roles as Role[], locale: r.locale as PersonView['locale'] }));
}
