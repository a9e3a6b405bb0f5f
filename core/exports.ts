/**
 * A cycle's content as CSV for spreadsheets: objectives, key results, check-ins and scores.
 * Cells that a spreadsheet would run as a formula (starting with = + - @, a tab or a carriage
 * return) get a leading apostrophe, so an objective titled "=HYPERLINK(…)" stays text.
 */
import type { Kysely } from 'kysely';
import { exportCheckins, exportKeyResults, exportObjectives, exportScores } from '../db/dashboard';
import type { DB } from '../db/schema';

export const EXPORTS = ['objectives', 'key-results', 'checkins', 'scores'] as const;
export type ExportName = (typeof EXPORTS)[number];

type Cell = string | number | boolean | null | undefined | Date;

/** One cell: formula starts neutralised, quoted when it holds a separator, quote or line break. */
export function csvCell(value: Cell): string {
  if (value === null || value === undefined) return '';
  let text = value instanceof Date ? value.toISOString() : String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** RFC 4180 lines (CRLF), a header first; a BOM so spreadsheet programs read UTF-8 (Chinese names). */
export function toCsv(header: string[], rows: Cell[][]): string {
  return `\uFEFF${[header, ...rows].map((r) => r.map(csvCell).join(',')).join('\r\n')}\r\n`;
}

/** The CSV text of one export of one cycle. */
export async function cycleExport(db: Kysely<DB>, cycleId: number, name: ExportName): Promise<string> {
  switch (name) {
    case 'objectives': {
      const rows = await exportObjectives(db, cycleId);
      return toCsv(
        ['objective_id', 'owner_email', 'owner_name', 'department', 'position', 'title', 'status', 'parent_objective_id', 'parent_title', 'score'],
        rows.map((r) => [r.id, r.email ?? 'company', r.name, r.department, r.position, r.title, r.status, r.parentId, r.parentTitle, r.score]),
      );
    }
    case 'key-results': {
      const rows = await exportKeyResults(db, cycleId);
      return toCsv(
        [
          'key_result_id',
          'objective_id',
          'owner_email',
          'objective',
          'position',
          'title',
          'kind',
          'start',
          'target',
          'unit',
          'current',
          'done',
          'confidence',
          'self_score',
          'score',
        ],
        rows.map((r) => [
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
      );
    }
    case 'checkins': {
      const rows = await exportCheckins(db, cycleId);
      return toCsv(
        ['week', 'email', 'name', 'confidence', 'key_result_id', 'value', 'done', 'report', 'submitted_at'],
        rows.flatMap((r) => {
          const values = (r.values as unknown as { keyResultId: number; value?: number; done?: boolean }[]) ?? [];
          const base = [r.week, r.email, r.name, r.confidence] as Cell[];
          const tail = [r.report, new Date(r.created_at)] as Cell[];
          return values.length ? values.map((v) => [...base, v.keyResultId, v.value, v.done, ...tail]) : [[...base, null, null, null, ...tail]];
        }),
      );
    }
    case 'scores': {
      const rows = await exportScores(db, cycleId);
      return toCsv(
        ['email', 'name', 'department', 'person_score', 'objective', 'objective_score', 'key_result', 'self_score', 'score', 'comment'],
        rows.map((r) => [r.email, r.name, r.department, r.personScore, r.objective, r.objectiveScore, r.keyResult, r.self_score, r.score, r.score_comment]),
      );
    }
  }
}
