/**
 * The people import's preview: what an upload would do, computed without writing anything.
 * Every row is checked with the same schema as the API import (core/people.ts), then the file
 * as a whole: duplicate emails, people managing themselves, managers that exist neither in the
 * file nor in the database, and management loops in the org chart the file would produce
 * (today's chart with the file's rows laid over it). Then, for a clean file, what changes: new,
 * updated (which fields), unchanged, and the active people who are not in the file (they leave
 * only if HR ticks the box when applying). Messages are in the person's language.
 */
import type { Kysely } from 'kysely';
import { type Locale, MAX_IMPORT_ROWS, type PersonInput, emailSchema, personInputSchema } from '../contract';
import type { DB } from '../db/schema';
import { consoleWords } from '../i18n/console';
import { localizedIssues } from '../i18n';
import { AppError } from './errors';
import { CSV_COLUMNS, csvToPeopleRows, managementLoop } from './people';

export type ImportFormat = 'csv' | 'json';

export interface ImportProblem {
  /** 1-based data row; null for the file as a whole. */
  row: number | null;
  /** CSV only: the line in the file (the header is line 1). */
  line: number | null;
  /** The column (field) concerned; '' for the whole row or file. */
  column: string;
  message: string;
}

export type ChangeKind = 'new' | 'updated' | 'unchanged';

export interface ImportChange {
  row: number;
  email: string;
  name: string;
  kind: ChangeKind;
  /** For updated rows: the fields that change. */
  fields: string[];
}

export interface ImportPreview {
  format: ImportFormat;
  rowCount: number;
  problems: ImportProblem[];
  changes: ImportChange[];
  /** Active people who are not in the file. */
  missing: { email: string; name: string }[];
  counts: Record<ChangeKind, number> & { missing: number };
  /** The checked rows, when there are no problems (what applying writes). */
  people: PersonInput[];
}

/** JSON when the file name says so or the text starts with "[", else CSV. */
export function detectFormat(text: string, filename?: string): ImportFormat {
  if (filename && /\.json$/i.test(filename)) return 'json';
  if (filename && /\.csv$/i.test(filename)) return 'csv';
  return text.trimStart().startsWith('[') ? 'json' : 'csv';
}

function readRows(text: string, format: ImportFormat, locale: Locale): { rows: unknown[] } | { problem: string } {
  const w = consoleWords(locale).people.problems;
  if (text.trim() === '') return { problem: w.empty };
  if (format === 'json') {
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch (error) {
      return { problem: w.notJson((error as Error).message) };
    }
    return Array.isArray(body) ? { rows: body } : { problem: w.notArray };
  }
  try {
    return { rows: csvToPeopleRows(text) };
  } catch (error) {
    const details = error instanceof AppError ? (error.details as { unknownColumns?: string[]; unreadable?: string } | undefined) : undefined;
    if (details?.unknownColumns) return { problem: w.unknownColumns(details.unknownColumns.join(', '), CSV_COLUMNS.join(', ')) };
    return { problem: w.unreadableCsv(details?.unreadable ?? (error as Error).message) };
  }
}

const same = (a: readonly string[], b: readonly string[]) => a.length === b.length && [...a].sort().every((v, i) => v === [...b].sort()[i]);

export async function previewPeopleImport(
  db: Kysely<DB>,
  text: string,
  locale: Locale,
  options: { filename?: string; format?: ImportFormat } = {},
): Promise<ImportPreview> {
  const format = options.format ?? detectFormat(text, options.filename);
  const w = consoleWords(locale).people.problems;
  const empty: ImportPreview = {
    format,
    rowCount: 0,
    problems: [],
    changes: [],
    missing: [],
    counts: { new: 0, updated: 0, unchanged: 0, missing: 0 },
    people: [],
  };
  const read = readRows(text, format, locale);
  if ('problem' in read) return { ...empty, problems: [{ row: null, line: null, column: '', message: read.problem }] };
  const { rows } = read;
  if (rows.length === 0) return { ...empty, problems: [{ row: null, line: null, column: '', message: w.empty }] };
  if (rows.length > MAX_IMPORT_ROWS)
    return { ...empty, rowCount: rows.length, problems: [{ row: null, line: null, column: '', message: w.tooMany(MAX_IMPORT_ROWS) }] };

  const at = (i: number) => ({ row: i + 1, line: format === 'csv' ? i + 2 : null });
  const problems: ImportProblem[] = [];
  const people: (PersonInput | undefined)[] = rows.map((row, i) => {
    const parsed = personInputSchema.safeParse(row);
    if (parsed.success) return parsed.data;
    const given = row && typeof row === 'object' ? (row as Record<string, unknown>) : {};
    const messages = localizedIssues(parsed.error.issues, locale);
    parsed.error.issues.forEach((issue, k) => {
      const column = String(issue.path[0] ?? '');
      // A column left empty: say so, rather than the schema's "expected string".
      const missing = issue.code === 'invalid_type' && issue.path.length === 1 && given[column] === undefined;
      problems.push({ ...at(i), column, message: missing ? w.required : messages[k]!.message });
    });
    return undefined;
  });

  const firstRow = new Map<string, number>();
  people.forEach((p, i) => {
    if (!p) return;
    const first = firstRow.get(p.email);
    if (first !== undefined) problems.push({ ...at(i), column: 'email', message: w.duplicate(p.email, first + 1) });
    else firstRow.set(p.email, i);
    if (p.managerEmail === p.email) problems.push({ ...at(i), column: 'managerEmail', message: w.ownManager });
  });

  // Today's people: the file's and their managers', and the whole chart for loops.
  const chart = await db
    .selectFrom('people as p')
    .leftJoin('people as m', 'm.id', 'p.manager_id')
    .select(['p.email', 'p.name', 'p.department', 'p.roles', 'p.locale', 'p.active', 'm.email as managerEmail'])
    .execute();
  const existing = new Map(chart.map((r) => [r.email, r]));
  // Managers are checked on every row, also on rows with other problems (so one upload shows all).
  rows.forEach((row, i) => {
    const raw = people[i]?.managerEmail ?? emailSchema.safeParse((row as { managerEmail?: unknown } | null)?.managerEmail).data;
    if (raw && !firstRow.has(raw) && !existing.has(raw)) problems.push({ ...at(i), column: 'managerEmail', message: w.unknownManager(raw) });
  });
  const managerOf = new Map<string, string | null>(chart.map((r) => [r.email, r.managerEmail]));
  for (const p of people) if (p) managerOf.set(p.email, p.managerEmail ?? null);
  const loop = managementLoop(managerOf);
  if (loop) {
    const i = firstRow.get(loop[0]!);
    problems.push({
      row: i === undefined ? null : i + 1,
      line: i === undefined || format !== 'csv' ? null : i + 2,
      column: 'managerEmail',
      message: w.loop(loop.join(' → ')),
    });
  }
  problems.sort((a, b) => (a.row ?? 0) - (b.row ?? 0) || a.column.localeCompare(b.column));

  const changes: ImportChange[] = [];
  people.forEach((p, i) => {
    if (!p || firstRow.get(p.email) !== i) return;
    const now = existing.get(p.email);
    if (!now) return void changes.push({ row: i + 1, email: p.email, name: p.name, kind: 'new', fields: [] });
    const fields: string[] = [];
    if (now.name !== p.name) fields.push('name');
    if ((now.department ?? null) !== (p.department ?? null)) fields.push('department');
    if ((now.managerEmail ?? null) !== (p.managerEmail ?? null)) fields.push('managerEmail');
    if (!same(now.roles, p.roles ?? [])) fields.push('roles');
    if (now.locale !== (p.locale ?? 'en')) fields.push('locale');
    if (!now.active) fields.push('active');
    changes.push({ row: i + 1, email: p.email, name: p.name, kind: fields.length ? 'updated' : 'unchanged', fields });
  });
  const missing = chart
    .filter((r) => r.active && !firstRow.has(r.email))
    .map((r) => ({ email: r.email, name: r.name }))
    .sort((a, b) => a.email.localeCompare(b.email));
  const count = (k: ChangeKind) => changes.filter((c) => c.kind === k).length;
  return {
    format,
    rowCount: rows.length,
    problems,
    changes,
    missing,
    counts: { new: count('new'), updated: count('updated'), unchanged: count('unchanged'), missing: missing.length },
    people: problems.length ? [] : (people as PersonInput[]),
  };
}

/** How many people would be listed: a bound for the page (the counts are always complete). */
export const PREVIEW_LIST_LIMIT = 500;
