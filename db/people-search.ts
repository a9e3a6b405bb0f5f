/** Repository: the console's people list — search and filters, paged, with each person's manager. */
import { type Kysely, type Transaction, sql } from 'kysely';
import type { Role } from '../contract';
import type { DB } from './schema';

type Db = Kysely<DB> | Transaction<DB>;

/** A person's columns with their manager's (`people as p` left-joined to `people as m`). */
const PERSON_WITH_MANAGER = [
  'p.id',
  'p.email',
  'p.name',
  'p.department',
  'p.roles',
  'p.locale',
  'p.active',
  'm.email as managerEmail',
  'm.name as managerName',
  'm.id as managerId',
] as const;

export interface PeopleFilter {
  /** Part of the name or email (case-insensitive). */
  q?: string;
  department?: string;
  /** The manager's email: their direct reports. */
  manager?: string;
  role?: Role;
  status?: 'active' | 'left';
}

const escapeLike = (s: string) => s.replace(/[\\%_]/g, (ch) => `\\${ch}`);

export async function searchPeople(db: Db, filter: PeopleFilter, page: { limit: number; offset: number }) {
  let q = db.selectFrom('people as p').leftJoin('people as m', 'm.id', 'p.manager_id');
  if (filter.q) {
    const pattern = `%${escapeLike(filter.q.toLowerCase())}%`;
    q = q.where((eb) => eb.or([eb(sql`lower(p.name)`, 'like', pattern), eb('p.email', 'like', pattern)]));
  }
  if (filter.department) q = q.where('p.department', '=', filter.department);
  if (filter.manager) q = q.where('m.email', '=', filter.manager);
  if (filter.role) q = q.where(sql<boolean>`${filter.role} = any(p.roles)`);
  if (filter.status) q = q.where('p.active', '=', filter.status === 'active');
  const [rows, total] = await Promise.all([
    q.select(PERSON_WITH_MANAGER).orderBy('p.name').orderBy('p.id').limit(page.limit).offset(page.offset).execute(),
    q.select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { rows, total: Number(total.n) };
}

/** Every department name in use, sorted. */
export async function departments(db: Db): Promise<string[]> {
  const rows = await db.selectFrom('people').select('department').distinct().where('department', 'is not', null).orderBy('department').execute();
  return rows.map((r) => r.department!);
}

/** One person with their manager, or undefined. */
export async function findPersonWithManager(db: Db, id: number) {
  return db.selectFrom('people as p').leftJoin('people as m', 'm.id', 'p.manager_id').select(PERSON_WITH_MANAGER).where('p.id', '=', id).executeTakeFirst();
}

/** A person's direct reports, by name. */
export async function directReports(db: Db, managerId: number) {
  return db.selectFrom('people').select(['id', 'name', 'email', 'active']).where('manager_id', '=', managerId).orderBy('name').execute();
}
