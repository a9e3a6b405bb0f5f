/**
 * Importing the org chart: JSON rows or CSV with the same columns. All rows are checked first —
 * fields, duplicate emails, managers that exist (in this import or already), no one managing
 * themselves, no management loops — and only then written, in one transaction.
 */
import { parse as parseCsv } from 'csv-parse/sync';
import type { Kysely } from 'kysely';
import { ErrorCode, type FieldIssue, type PersonInput, type PersonView, personInputSchema } from '../contract';
import { writeAudit } from '../db/audit';
import {
  absenceWeeks,
  addAbsences,
  existingEmails,
  listPeopleWithManagers,
  markLeftExcept,
  orgChart,
  requirePersonByEmail,
  setManagersByEmail,
  upsertPeople,
} from '../db/people';
import type { DB } from '../db/schema';
import { AppError, validationError } from './errors';

export const CSV_COLUMNS = ['email', 'name', 'managerEmail', 'department', 'roles', 'locale', 'timeZone'] as const;

/** CSV → raw rows for the same schema as JSON. `roles` is a list separated by ";" "|" or spaces. */
export function csvToPeopleRows(text: string): Record<string, unknown>[] {
  let records: Record<string, string>[];
  try {
    records = parseCsv(text, { columns: (header: string[]) => header.map((h) => h.trim()), skip_empty_lines: true, trim: true, bom: true });
  } catch (error) {
    throw new AppError(ErrorCode.validation, `the CSV cannot be read: ${(error as Error).message}`, { unreadable: (error as Error).message });
  }
  const header = records.length ? Object.keys(records[0]!) : [];
  const unknown = header.filter((h) => !(CSV_COLUMNS as readonly string[]).includes(h));
  if (unknown.length) {
    throw new AppError(ErrorCode.validation, `unknown CSV column(s): ${unknown.join(', ')}; expected ${CSV_COLUMNS.join(', ')}`, {
      unknownColumns: unknown,
      expected: CSV_COLUMNS,
    });
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
  /** With `markMissingAsLeft`: how many people left. */
  left?: number;
}

export interface ImportOptions {
  /** People (active) not in this import leave: marked inactive, except these emails (the importer). */
  markMissingAsLeft?: { keep: string[] };
}

export async function importPeople(
  db: Kysely<DB>,
  people: PersonInput[],
  actor: string,
  rowLabel: (index: number) => string,
  options: ImportOptions = {},
): Promise<ImportResult> {
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
    const existing = await existingEmails(tx, managerEmails);
    people.forEach((p, i) => {
      if (p.managerEmail && !seen.has(p.managerEmail) && !existing.has(p.managerEmail)) {
        issues.push({ path: `${rowLabel(i)}.managerEmail`, message: `no person with email ${p.managerEmail} exists or is in this import` });
      }
    });
    if (issues.length) throw validationError(issues, 'the import');

    const before = await existingEmails(
      tx,
      people.map((p) => p.email),
    );
    await upsertPeople(
      tx,
      people.map((p) => ({
        email: p.email,
        name: p.name,
        department: p.department ?? null,
        roles: p.roles ?? [],
        locale: p.locale ?? 'en',
        time_zone: p.timeZone || null,
      })),
    );
    // Managers are set after every row exists, so rows may name managers that come later.
    await setManagersByEmail(
      tx,
      people.map((p) => ({ email: p.email, manager: p.managerEmail ?? null })),
    );
    const loop = await findManagementLoop(tx);
    if (loop) throw new AppError(ErrorCode.validation, `the import would create a management loop: ${loop.join(' → ')}`, { loop });
    const left = options.markMissingAsLeft ? await markLeftExcept(tx, [...seen.keys(), ...options.markMissingAsLeft.keep]) : [];
    await writeAudit(tx, {
      actor,
      action: 'people.imported',
      cycleId: null,
      subject: null,
      detail: { rows: people.length, ...(options.markMissingAsLeft ? { left: left.length } : {}) },
    });
    return {
      created: people.filter((p) => !before.has(p.email)).length,
      updated: people.filter((p) => before.has(p.email)).length,
      ...(options.markMissingAsLeft ? { left: left.length } : {}),
    };
  });
}

async function findManagementLoop(db: Kysely<DB>): Promise<string[] | null> {
  const rows = await orgChart(db);
  const emailOf = new Map(rows.map((r) => [r.id, r.email]));
  const loop = managementLoop(new Map(rows.map((r) => [r.id, r.manager_id])));
  return loop ? loop.map((id) => emailOf.get(id)!) : null;
}

/** A management loop in a "person → manager" map (ids or emails), as the path around it, or null. */
export function managementLoop<K>(managerOf: Map<K, K | null | undefined>): K[] | null {
  const state = new Map<K, 'visiting' | 'done'>();
  for (const start of managerOf.keys()) {
    const path: K[] = [];
    let cur: K | null | undefined = start;
    while (cur != null && state.get(cur) !== 'done') {
      if (state.get(cur) === 'visiting') {
        const loop = path.slice(path.indexOf(cur));
        return [...loop, cur];
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
  return listPeopleWithManagers(db);
}

/** Marks whole weeks out of office for a person (NOT_FOUND for an unknown email); returns all their marked weeks. */
export async function markAbsent(db: Kysely<DB>, email: string, weeks: string[], actor: string): Promise<string[]> {
  const person = await requirePersonByEmail(db, email);
  await addAbsences(db, person.id, weeks);
  await writeAudit(db, { actor, action: 'person.absent', cycleId: null, subject: `person:${email}`, detail: { weeks } });
  return absenceWeeks(db, person.id);
}
