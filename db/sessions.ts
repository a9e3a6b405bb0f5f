/** Repository: console sessions, server-side (only the SHA-256 of a session token is stored). */
import { type Kysely, type Transaction, sql } from 'kysely';
import type { Locale, Role } from '../contract';
import type { DB } from './schema';

type Db = Kysely<DB> | Transaction<DB>;

export async function insertSession(db: Db, session: { personId: number; tokenHash: string; expiresAt: Date }) {
  return db
    .insertInto('console_sessions')
    .values({ person_id: session.personId, token_hash: session.tokenHash, expires_at: session.expiresAt })
    .returning(['id'])
    .executeTakeFirstOrThrow();
}

export interface SessionPerson {
  sessionId: number;
  personId: number;
  email: string;
  name: string;
  roles: Role[];
  locale: Locale;
  /** Whether they manage someone active (the people table's manager relation): "My team" opens. */
  manages: boolean;
}

/**
 * The live session with this token hash and its (active) person, touching its last-seen time;
 * undefined when it is unknown, ended, past its absolute end, or idle since before `idleSince`.
 */
export async function touchSession(db: Db, tokenHash: string, now: Date, idleSince: Date): Promise<SessionPerson | undefined> {
  const row = await db
    .updateTable('console_sessions as s')
    .set({ last_seen_at: now })
    .from('people as p')
    .whereRef('p.id', '=', 's.person_id')
    .where('s.token_hash', '=', tokenHash)
    .where('s.ended_at', 'is', null)
    .where('s.expires_at', '>', now)
    .where('s.last_seen_at', '>', idleSince)
    .where('p.active', '=', true)
    .returning([
      's.id as sessionId',
      'p.id as personId',
      'p.email',
      'p.name',
      'p.roles',
      'p.locale',
      sql<boolean>`exists (select 1 from people r where r.manager_id = p.id and r.active)`.as('manages'),
    ])
    .executeTakeFirst();
  return row ?? undefined;
}

/** Ends the session (sign-out); an ended one stays as it is. */
export async function endSession(db: Db, tokenHash: string): Promise<void> {
  await db
    .updateTable('console_sessions')
    .set({ ended_at: sql`now()` })
    .where('token_hash', '=', tokenHash)
    .where('ended_at', 'is', null)
    .execute();
}
