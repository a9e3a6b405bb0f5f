/** Repository: the audit log. Use cases write their row in the transaction of the change they record. */
import { type Kysely, type Transaction, sql } from 'kysely';
import type { DB } from './schema';

type Db = Kysely<DB> | Transaction<DB>;

export interface AuditRecord {
  actor: string;
  action: string;
  cycleId: number | null;
  subject: string | null;
  detail?: unknown;
}

/** Writes one audit row. */
export async function writeAudit(db: Db, entry: AuditRecord): Promise<void> {
  await db
    .insertInto('audit_log')
    .values({
      actor: entry.actor,
      action: entry.action,
      cycle_id: entry.cycleId,
      subject: entry.subject,
      detail: entry.detail === undefined ? null : JSON.stringify(entry.detail),
    })
    .execute();
}

/** A text filter: equal to `value`, or starting with `prefix`. */
export type TextFilter = { equals: string } | { prefix: string };

export interface AuditFilter {
  cycleId?: number;
  actor?: TextFilter;
  action?: TextFilter;
  since?: Date;
  /** Only rows with a smaller id. */
  before?: number;
  limit: number;
}

/** Audit rows, newest first by id, with their cycle's key. */
export async function findAuditRows(db: Db, filter: AuditFilter) {
  let q = db
    .selectFrom('audit_log as a')
    .leftJoin('cycles as c', 'c.id', 'a.cycle_id')
    .select(['a.id', 'a.at', 'a.actor', 'a.action', 'a.subject', 'a.detail', 'c.key as cycle_key']);
  if (filter.cycleId !== undefined) q = q.where('a.cycle_id', '=', filter.cycleId);
  for (const [column, value] of [
    ['a.actor', filter.actor],
    ['a.action', filter.action],
  ] as const) {
    if (value === undefined) continue;
    if ('equals' in value) q = q.where(column, '=', value.equals);
    else {
      // LIKE's own wildcards in the prefix are escaped, so they match themselves.
      const pattern = `${value.prefix.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`;
      q = q.where(sql<boolean>`${sql.ref(column)} like ${pattern} escape '\\'`);
    }
  }
  if (filter.since) q = q.where('a.at', '>=', filter.since);
  if (filter.before !== undefined) q = q.where('a.id', '<', String(filter.before));
  return q.orderBy('a.id', 'desc').limit(filter.limit).execute();
}
