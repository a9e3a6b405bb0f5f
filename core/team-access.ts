/**
 * Who may see a team or a department (the "My team" and "My department" pages and their JSON).
 *
 * - A team is a manager's direct reports (people.manager_id). The manager sees their own team;
 *   HR may open anyone's team (by the manager's email). Nobody else sees a team, and a manager
 *   cannot open another manager's team by email: the team is always chosen on the server.
 * - A department: an ambassador (role 'ambassador') sees their own department (people.department);
 *   HR sees every department. Anyone else is refused.
 *
 * The org-chart questions (who manages whom, who is ambassador where) are core/visibility.ts's,
 * the module that also decides what each viewer may see of a person.
 */
import type { Kysely } from 'kysely';
import { ErrorCode, ROLES, type Role } from '../contract';
import type { DB } from '../db/schema';
import { AppError } from './errors';
import { ambassadorDepartments, managersAbove, managesAnyone } from './visibility';

/** Who is asking: a signed-in person, or an integration's key (with its API roles). */
export interface Viewer {
  /** The person behind a console session; undefined for an API key. */
  personId?: number;
  roles: readonly (Role | string)[];
}

export const isHr = (viewer: Viewer) => viewer.roles.includes('hr');

export interface TeamOwner {
  id: number;
  name: string;
  email: string;
}

/**
 * The manager whose team `viewer` may open: themselves, or (HR only) the person with `managerEmail`.
 * Anyone else naming a manager is refused (403), whether the email exists or not.
 */
export async function teamOwnerFor(db: Kysely<DB>, viewer: Viewer, managerEmail?: string): Promise<TeamOwner> {
  const wanted = managerEmail?.trim().toLowerCase();
  // A key is an integration: only an HR key reads teams (an admin runs the system; it is not HR).
  if (!viewer.personId && !isHr(viewer)) throw new AppError(ErrorCode.forbidden, 'reading a team needs the role hr');
  if (wanted && !isHr(viewer)) {
    const self = viewer.personId ? await db.selectFrom('people').select('email').where('id', '=', viewer.personId).executeTakeFirst() : undefined;
    if (self?.email.toLowerCase() !== wanted) throw new AppError(ErrorCode.forbidden, 'only HR may open another manager’s team');
  }
  if (wanted) {
    const row = await db.selectFrom('people').select(['id', 'name', 'email']).where('email', '=', wanted).executeTakeFirst();
    if (!row) throw new AppError(ErrorCode.notFound, `no person with the email ${wanted}`);
    return row;
  }
  if (!viewer.personId)
    throw new AppError(ErrorCode.validation, 'an API key has no team of its own: name one with ?manager=<email>', {
      issues: [{ path: 'manager', message: 'required with an API key' }],
    });
  const me = await db.selectFrom('people').select(['id', 'name', 'email']).where('id', '=', viewer.personId).executeTakeFirstOrThrow();
  if (!isHr(viewer) && !(await managesAnyone(db, me.id))) throw new AppError(ErrorCode.forbidden, 'this page is for people who manage someone');
  return me;
}

export { managesAnyone };

/** Whether `managerId` manages `personId`, directly or further up the chain (core/visibility.ts's chain). */
export async function isInChainOf(db: Kysely<DB>, managerId: number, personId: number): Promise<boolean> {
  return (await managersAbove(db, personId)).includes(managerId);
}

const personRoles = (viewer: Viewer) => viewer.roles.filter((r): r is Role => (ROLES as readonly string[]).includes(r));

/** The departments `viewer` may open: all for HR, their own for an ambassador, none otherwise. */
export async function departmentsFor(db: Kysely<DB>, viewer: Viewer): Promise<string[] | 'all'> {
  if (isHr(viewer)) return 'all';
  return viewer.personId ? [...(await ambassadorDepartments(db, viewer.personId, personRoles(viewer)))] : [];
}

/** Refuses (403) a department the viewer may not open; the same answer whether it exists or not. */
export async function requireDepartmentAccess(db: Kysely<DB>, viewer: Viewer, department: string): Promise<void> {
  const allowed = await departmentsFor(db, viewer);
  if (allowed === 'all' || allowed.includes(department)) return;
  throw new AppError(ErrorCode.forbidden, 'only the department’s ambassadors and HR may open a department');
}

/** Whether the viewer is an ambassador of this department (HR is not, unless they hold the role there too). */
export async function isAmbassadorOf(db: Kysely<DB>, viewer: Viewer, department: string): Promise<boolean> {
  return viewer.personId ? (await ambassadorDepartments(db, viewer.personId, personRoles(viewer))).has(department) : false;
}
