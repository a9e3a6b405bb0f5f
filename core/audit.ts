/**
 * Reading the audit log: who did what, when, to which cycle. Rows are written by the use cases
 * themselves (in the same transaction as the change); this module only reads them.
 * Newest first by id (ids grow with insertion), paged with `before` = the last id seen.
 */
import type { Kysely } from 'kysely';
import { type TextFilter, findAuditRows } from '../db/audit';
import { requireCycleByKey } from '../db/cycles';
import type { DB } from '../db/schema';

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

/** `text*` → a prefix; anything else → exact. */
function matcher(value: string | undefined): TextFilter | undefined {
  if (value === undefined) return undefined;
  return value.endsWith('*') ? { prefix: value.slice(0, -1) } : { equals: value };
}

export async function queryAudit(db: Kysely<DB>, query: AuditQuery): Promise<AuditPage> {
  const cycleId = query.cycle !== undefined ? (await requireCycleByKey(db, query.cycle)).id : undefined;
  const rows = await findAuditRows(db, {
    ...(cycleId !== undefined ? { cycleId } : {}),
    actor: matcher(query.actor),
    action: matcher(query.action),
    since: query.since,
    before: query.before,
    limit: query.limit + 1,
  });
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
