/**
 * A cycle's content for spreadsheets: objectives, key results, check-ins and scores, as CSV or as
 * XLSX. One function reads an export's rows and says what each column holds (`exportTable`);
 * the two writers only lay those rows out, so both files always have the same rows.
 *
 * Text cells that a spreadsheet would run as a formula (starting with = + - @, a tab or a
 * carriage return) get a leading apostrophe in both formats, so an objective titled
 * "=HYPERLINK(…)" stays text. In XLSX numbers stay numbers, dates are dates, the header row is
 * bold and frozen, and each column is as wide as its content (within bounds).
 */
import { PassThrough } from 'node:stream';
import ExcelJS from 'exceljs';
import type { Kysely } from 'kysely';
import { exportCheckins, exportKeyResults, exportObjectives, exportScores } from '../db/dashboard';
import type { DB } from '../db/schema';

export const EXPORTS = ['objectives', 'key-results', 'checkins', 'scores'] as const;
export type ExportName = (typeof EXPORTS)[number];
export const EXPORT_FORMATS = ['csv', 'xlsx'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export const CONTENT_TYPES: Record<ExportFormat, string> = {
  csv: 'text/csv; charset=utf-8',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
};

type Cell = string | number | boolean | null | undefined | Date;
/** What a column holds: how XLSX types its cells (CSV writes them all as text). */
export type ColumnType = 'integer' | 'number' | 'text' | 'boolean' | 'date';

export interface ExportTable {
  columns: { name: string; type: ColumnType }[];
  rows: Cell[][];
}

/** A text that would start a formula, with a leading apostrophe; anything else as it is. */
export function neutralised<T extends Cell>(value: T): T | string {
  return typeof value === 'string' && /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

/** One CSV cell: formula starts neutralised, quoted when it holds a separator, quote or line break. */
export function csvCell(value: Cell): string {
  if (value === null || value === undefined) return '';
  const text = value instanceof Date ? value.toISOString() : String(neutralised(value));
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** RFC 4180 lines (CRLF), a header first; a BOM so spreadsheet programs read UTF-8 (Chinese names). */
export function toCsv(header: string[], rows: Cell[][]): string {
  return `\uFEFF${[header, ...rows].map((r) => r.map(csvCell).join(',')).join('\r\n')}\r\n`;
}

/** One XLSX cell value of a typed column (null leaves the cell empty). */
function xlsxValue(value: Cell, type: ColumnType): ExcelJS.CellValue {
  if (value === null || value === undefined || value === '') return null;
  switch (type) {
    case 'integer':
    case 'number': {
      const n = typeof value === 'number' ? value : Number(value);
      return Number.isFinite(n) ? n : String(neutralised(String(value)));
    }
    case 'boolean':
      return typeof value === 'boolean' ? value : String(value) === 'true';
    case 'date':
      return value instanceof Date ? value : new Date(String(value));
    case 'text':
      return String(neutralised(value instanceof Date ? value.toISOString() : String(value)));
  }
}

const NUMBER_FORMATS: Partial<Record<ColumnType, string>> = { integer: '0', date: 'yyyy-mm-dd hh:mm:ss' };
const MIN_WIDTH = 8;
const MAX_WIDTH = 60;

/** The width a column needs for its header and its first rows (CJK characters count double). */
function columnWidth(table: ExportTable, index: number): number {
  const { name, type } = table.columns[index]!;
  if (type === 'date') return Math.max(name.length + 2, 20);
  let widest = name.length;
  for (const row of table.rows.slice(0, 2000)) {
    const v = row[index];
    if (v === null || v === undefined) continue;
    const text = String(v);
    let w = 0;
    for (const ch of text.slice(0, MAX_WIDTH * 2)) w += /[\u1100-\uFFFF]/.test(ch) ? 2 : 1;
    if (w > widest) widest = w;
    if (widest >= MAX_WIDTH) break;
  }
  return Math.min(MAX_WIDTH, Math.max(MIN_WIDTH, widest + 2));
}

/**
 * The XLSX file of one table: one sheet, a bold frozen header with filters, typed cells. Written
 * row by row with exceljs's streaming writer (about twice as fast as building the workbook in
 * memory, and without holding every cell object at once).
 */
export async function toXlsx(table: ExportTable, sheetName: string): Promise<Buffer> {
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on('data', (chunk: Buffer) => chunks.push(chunk));
  const book = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: true, useSharedStrings: false });
  book.creator = 'OKR cycle orchestrator';
  const sheet = book.addWorksheet(sheetName, { views: [{ state: 'frozen', xSplit: 0, ySplit: 1 }] });
  sheet.columns = table.columns.map((col, i) => ({
    header: col.name,
    key: col.name,
    width: columnWidth(table, i),
    ...(NUMBER_FORMATS[col.type] ? { style: { numFmt: NUMBER_FORMATS[col.type]! } } : {}),
  }));
  if (table.columns.length) sheet.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: table.columns.length } };
  const header = sheet.getRow(1);
  header.font = { bold: true };
  header.commit();
  for (const row of table.rows) sheet.addRow(row.map((v, i) => xlsxValue(v, table.columns[i]!.type))).commit();
  sheet.commit();
  await book.commit();
  return Buffer.concat(chunks);
}

const col = (name: string, type: ColumnType) => ({ name, type });

/** The rows of one export of one cycle, with its typed columns: what both formats write. */
export async function exportTable(db: Kysely<DB>, cycleId: number, name: ExportName): Promise<ExportTable> {
  switch (name) {
    case 'objectives': {
      const rows = await exportObjectives(db, cycleId);
      return {
        columns: [
          col('objective_id', 'integer'),
          col('owner_email', 'text'),
          col('owner_name', 'text'),
          col('department', 'text'),
          col('position', 'integer'),
          col('title', 'text'),
          col('status', 'text'),
          col('parent_objective_id', 'integer'),
          col('parent_title', 'text'),
          col('score', 'number'),
        ],
        rows: rows.map((r) => [r.id, r.email ?? 'company', r.name, r.department, r.position, r.title, r.status, r.parentId, r.parentTitle, r.score]),
      };
    }
    case 'key-results': {
      const rows = await exportKeyResults(db, cycleId);
      return {
        columns: [
          col('key_result_id', 'integer'),
          col('objective_id', 'integer'),
          col('owner_email', 'text'),
          col('objective', 'text'),
          col('position', 'integer'),
          col('title', 'text'),
          col('kind', 'text'),
          col('start', 'number'),
          col('target', 'number'),
          col('unit', 'text'),
          col('current', 'number'),
          col('done', 'boolean'),
          col('confidence', 'integer'),
          col('self_score', 'number'),
          col('score', 'number'),
        ],
        rows: rows.map((r) => [
          r.id,
          r.objectiveId,
          r.email ?? 'company',
          r.objective,
          r.position,
          r.title,
          r.kind,
          r.start_value,
          r.target_value,
          r.unit,
          r.current_value,
          r.done,
          r.confidence,
          r.self_score,
          r.score,
        ]),
      };
    }
    case 'checkins': {
      const rows = await exportCheckins(db, cycleId);
      return {
        columns: [
          col('week', 'integer'),
          col('email', 'text'),
          col('name', 'text'),
          col('confidence', 'integer'),
          col('key_result_id', 'integer'),
          col('value', 'number'),
          col('done', 'boolean'),
          col('report', 'text'),
          col('submitted_at', 'date'),
        ],
        rows: rows.flatMap((r) => {
          const values = (r.values as unknown as { keyResultId: number; value?: number; done?: boolean }[]) ?? [];
          const base = [r.week, r.email, r.name, r.confidence] as Cell[];
          const tail = [r.report, new Date(r.created_at)] as Cell[];
          return values.length ? values.map((v) => [...base, v.keyResultId, v.value, v.done, ...tail]) : [[...base, null, null, null, ...tail]];
        }),
      };
    }
    case 'scores': {
      const rows = await exportScores(db, cycleId);
      return {
        columns: [
          col('email', 'text'),
          col('name', 'text'),
          col('department', 'text'),
          col('person_score', 'number'),
          col('objective', 'text'),
          col('objective_score', 'number'),
          col('key_result', 'text'),
          col('self_score', 'number'),
          col('score', 'number'),
          col('comment', 'text'),
        ],
        rows: rows.map((r) => [
          r.email,
          r.name,
          r.department,
          r.personScore,
          r.objective,
          r.objectiveScore,
          r.keyResult,
          r.self_score,
          r.score,
          r.score_comment,
        ]),
      };
    }
  }
}

/** "objectives.xlsx" → the export and its format; undefined for any other name. */
export function parseExportFile(file: string): { name: ExportName; format: ExportFormat } | undefined {
  const m = /^([a-z-]+)\.(csv|xlsx)$/.exec(file);
  if (!m || !(EXPORTS as readonly string[]).includes(m[1]!)) return undefined;
  return { name: m[1] as ExportName, format: m[2] as ExportFormat };
}

/** One export of one cycle as a file: its bytes (or text), content type and file name. */
export async function cycleExportFile(
  db: Kysely<DB>,
  cycle: { id: number; key: string },
  name: ExportName,
  format: ExportFormat,
): Promise<{ body: string | Buffer; contentType: string; filename: string }> {
  const table = await exportTable(db, cycle.id, name);
  const body =
    format === 'xlsx'
      ? await toXlsx(table, name)
      : toCsv(
          table.columns.map((c) => c.name),
          table.rows,
        );
  return { body, contentType: CONTENT_TYPES[format], filename: `${cycle.key}-${name}.${format}` };
}

/** The CSV text of one export of one cycle. */
export async function cycleExport(db: Kysely<DB>, cycleId: number, name: ExportName): Promise<string> {
  const table = await exportTable(db, cycleId, name);
  return toCsv(
    table.columns.map((c) => c.name),
    table.rows,
  );
}
