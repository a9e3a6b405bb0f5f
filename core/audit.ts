/**
 * Reading the audit log: who did what, when, to which cycle. Rows are written by the use cases
 * themselves (in the same transaction as the change); this module only reads them.
 * Newest first by id (ids grow with insertion), paged with `before` = the last id seen.
 */
import { type Kysely, sql } from 'kysely';
import { ErrorCode } from '../contract';
import type { DB } from '../db/schema';
import { AppError } from './errors';

export interface AuditQuery {
  /** A cycle key: only entries about that cycle. */
  cycle?: string;
  /** Exact actor ("bootstrap", "key:3:ci", "ana@example.com"), or a prefix ending in `*`. */
  actor?: string;
  /** Exact action ("cycle.started"), or a prefix ending in `*` ("api-key.*"). */
  action?: string;
  /** Only entries at or after this time. */
  since?: Date;
  limit: number;
  /** Only entries with a smaller id (the `next` of the previous page). */
  before?: number;
}

export interface AuditEntry {
  id: number;
  at: string;
  actor: string;
  action: string;
  cycleKey: string | null;
  subject: string | null;
  detail: unknown;
}

export interface AuditPage {
  entries: AuditEntry[];
  /** Pass as `before` for the next (older) page; null when this is the last page. */
  next: number | null;
}

/** `text*` → a LIKE prefix pattern with LIKE's own wildcards escaped; anything else → exact. */
function matcher(value: string): { op: '=' | 'like'; value: string } {
  if (!value.endsWith('*')) return { op: '=', value };
  return { op: 'like', value: `${value.slice(0, -1).replace(/[\\%_]/g, (ch) => `\\${ch}`)}%` };
}

export async function queryAudit(db: Kysely<DB>, query: AuditQuery): Promise<AuditPage> {
  let cycleId: number | undefined;
  if (query.cycle !== undefined) {
    const cycle = await db.selectFrom('cycles').select('id').where('key', '=', query.cycle).executeTakeFirst();
    if (!cycle) throw new AppError(ErrorCode.notFound, `no cycle with key ${query.cycle}`);
    cycleId = cycle.id;
  }
  let q = db
    .selectFrom('audit_log as a')
    .leftJoin('cycles as c', 'c.id', 'a.cycle_id')
    .select(['a.id', 'a.at', 'a.actor', 'a.action', 'a.subject', 'a.detail', 'c.key as cycle_key']);
  if (cycleId !== undefined) q = q.where('a.cycle_id', '=', cycleId);
  for (const [column, value] of [
    ['a.actor', query.actor],
    ['a.action', query.action],
  ] as const) {
    if (value === undefined) continue;
    const m = matcher(value);
    q = m.op === '=' ? q.where(column, '=', m.value) : q.where(sql<boolean>`${sql.ref(column)} like ${m.value} escape '\\'`);
  }
  if (query.since) q = q.where('a.at', '>=', query.since);
  if (query.before !== undefined) q = q.where('a.id', '<', String(query.before));
  const rows = await q
    .orderBy('a.id', 'desc')
    .limit(query.limit + 1)
    .execute();
  const page = rows.slice(0, query.limit);
  return {
    entries: page.map((r) => ({
      id: Number(r.id),
      at: new Date(r.at).toISOString(),
      actor: r.actor,
      action: r.action,
      cycleKey: r.cycle_key ?? null,
      subject: r.subject,
      detail: r.detail ?? null,
    })),
    next: rows.length > query.limit ? Number(page[page.length - 1]!.id) : null,
  };
}
