/**
 * Who may see what about a person: the one rule every personal page and JSON endpoint asks
 * ("Me", "Company", "My team", "My department"). A viewer V may see person P's facet X when
 *
 * - X is public (`VISIBILITY_PUBLIC`, default: `objectives` — objectives, key results and their
 *   progress), or
 * - V is in P's circle: P themself, anyone above P in the manager chain (people.manager_id,
 *   followed upwards), an ambassador (role `ambassador`) of P's department (people.department),
 *   HR (role `hr`), or an API key (hr or admin: integrations).
 *
 * Facets: `objectives` (objectives, key results, progress, approval status), `confidence`,
 * `comments` (review comments, the manager's score comment, check-in reports), `checkins`
 * (the weekly values), `scores`, `execution` (projects, tasks and weekly reports under a key
 * result). Admins see what everyone sees (they run the system; they are not HR).
 *
 * Use `viewerScope(db, viewer, policy)` once per request: it loads the viewer's circle (their
 * reports, all levels down, and the departments they are ambassador of) and answers per person
 * without further queries; `maySee(...)` is the single-person shortcut.
 */
import { type Kysely, sql } from 'kysely';
import type { Role } from '../contract';
import type { DB } from '../db/schema';

export const FACETS = ['objectives', 'confidence', 'comments', 'checkins', 'scores', 'execution'] as const;
export type Facet = (typeof FACETS)[number];

export interface VisibilityPolicy {
  /** Facets everyone signed in may see of everyone; the others only the person's circle. */
  public: readonly Facet[];
}

export const DEFAULT_VISIBILITY: VisibilityPolicy = { public: ['objectives'] };

/** Parses VISIBILITY_PUBLIC ("objectives,execution"): the facets, or the unknown words. */
export function parseVisibility(text: string): { ok: true; policy: VisibilityPolicy } | { ok: false; unknown: string[] } {
  const words = text
    .split(',')
    .map((w) => w.trim().toLowerCase())
    .filter(Boolean);
  const unknown = words.filter((w) => !(FACETS as readonly string[]).includes(w));
  if (unknown.length) return { ok: false, unknown };
  return { ok: true, policy: { public: [...new Set(words)] as Facet[] } };
}

/** Who is looking: a signed-in person (id and roles), or an API key (no person). */
export type Viewer = { kind: 'person'; personId: number; roles: readonly Role[] } | { kind: 'key' };

/** Why a viewer sees a person's private facets (or `none`). */
export type Relation = 'self' | 'manager' | 'ambassador' | 'hr' | 'key' | 'none';

export interface ViewerScope {
  viewer: Viewer;
  policy: VisibilityPolicy;
  relation(person: { id: number; department: string | null }): Relation;
  may(person: { id: number; department: string | null }, facet: Facet): boolean;
  /** Every facet this viewer may see of this person. */
  facets(person: { id: number; department: string | null }): Facet[];
  /** Whether the viewer may see every facet of everyone (HR, keys): lists need no filtering. */
  seesAll: boolean;
  /** The people the viewer manages, all levels down (empty for HR and keys: they see all anyway). */
  reports: ReadonlySet<number>;
  /** Departments the viewer is ambassador of. */
  departments: ReadonlySet<string>;
}

/** Ids of everyone below `personId` in the org chart (active or not), all levels down. */
export async function reportsBelow(db: Kysely<DB>, personId: number): Promise<Set<number>> {
  const rows = await sql<{ id: number }>`
    with recursive below as (
      select id from people where manager_id = ${personId}
      union
      select p.id from people p join below b on p.manager_id = b.id
    )
    select id from below`.execute(db);
  return new Set(rows.rows.map((r) => Number(r.id)));
}

/** Whether this person manages anyone active (the "My team" home opens for them). */
export async function managesAnyone(db: Kysely<DB>, personId: number): Promise<boolean> {
  const row = await db.selectFrom('people').select('id').where('manager_id', '=', personId).where('active', '=', true).limit(1).executeTakeFirst();
  return row !== undefined;
}

/** The departments a person is ambassador of (their own, when they hold the role). */
export async function ambassadorDepartments(db: Kysely<DB>, personId: number, roles: readonly Role[]): Promise<Set<string>> {
  if (!roles.includes('ambassador')) return new Set();
  const row = await db.selectFrom('people').select('department').where('id', '=', personId).executeTakeFirst();
  return new Set(row?.department ? [row.department] : []);
}

export async function viewerScope(db: Kysely<DB>, viewer: Viewer, policy: VisibilityPolicy = DEFAULT_VISIBILITY): Promise<ViewerScope> {
  const seesAll = viewer.kind === 'key' || viewer.roles.includes('hr');
  const [reports, departments] =
    viewer.kind === 'person' && !seesAll
      ? await Promise.all([reportsBelow(db, viewer.personId), ambassadorDepartments(db, viewer.personId, viewer.roles)])
      : [new Set<number>(), new Set<string>()];
  const relation = (person: { id: number; department: string | null }): Relation => {
    if (viewer.kind === 'key') return 'key';
    if (person.id === viewer.personId) return 'self';
    if (viewer.roles.includes('hr')) return 'hr';
    if (reports.has(person.id)) return 'manager';
    if (person.department !== null && departments.has(person.department)) return 'ambassador';
    return 'none';
  };
  const may = (person: { id: number; department: string | null }, facet: Facet) => policy.public.includes(facet) || relation(person) !== 'none';
  return {
    viewer,
    policy,
    relation,
    may,
    facets: (person) => FACETS.filter((f) => may(person, f)),
    seesAll,
    reports,
    departments,
  };
}

/** One question, one answer: may `viewer` see `facet` of the person with this id? (false for an unknown person) */
export async function maySee(db: Kysely<DB>, viewer: Viewer, personId: number, facet: Facet, policy: VisibilityPolicy = DEFAULT_VISIBILITY): Promise<boolean> {
  const person = await db.selectFrom('people').select(['id', 'department']).where('id', '=', personId).executeTakeFirst();
  if (!person) return false;
  if (viewer.kind === 'key' || policy.public.includes(facet) || viewer.roles.includes('hr') || viewer.personId === personId) return true;
  if ((await ambassadorDepartments(db, viewer.personId, viewer.roles)).has(person.department ?? '\u0000')) return true;
  return (await managersAbove(db, personId)).includes(viewer.personId);
}

/** The manager chain above a person, nearest first (a loop in the chart ends it). */
export async function managersAbove(db: Kysely<DB>, personId: number): Promise<number[]> {
  const rows = await sql<{ id: number; depth: number }>`
    with recursive above(id, depth) as (
      select manager_id, 1 from people where id = ${personId} and manager_id is not null
      union
      select p.manager_id, a.depth + 1 from people p join above a on p.id = a.id where p.manager_id is not null and a.depth < 100
    )
    select id, min(depth) as depth from above group by id order by 2`.execute(db);
  return rows.rows.map((r) => Number(r.id));
}

/** The viewer of a request: the signed-in person, else the API key. */
export function viewerOf(principal: { person?: { id: number; roles: readonly Role[] } }): Viewer {
  return principal.person ? { kind: 'person', personId: principal.person.id, roles: principal.person.roles } : { kind: 'key' };
}
