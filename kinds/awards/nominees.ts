/**
 * The nominate picker's data: participants found by name (or email), each with their approved
 * objectives and scores — instead of every objective of the company. The nominator is never
 * offered (no nominating oneself or one's own objective).
 */
import { type Kysely, sql } from 'kysely';
import { activeParticipants } from '../../db/participants';
import { isCurrentObjective } from '../../db/objectives';
import type { DB } from '../../db/schema';
import { subjectCycleIds } from './subject-cycles';

export interface Nominee {
  personId: number;
  name: string;
  email: string;
  department: string | null;
  /** The person's overall score, once scored. */
  score: number | null;
  objectives: { objectiveId: number; title: string; score: number | null }[];
}

export interface NomineeSearch {
  cycleId: number;
  /** The nominator (left out of the results). */
  nominatorId: number;
  /** Part of a name or an email; at least 1 character after trimming. */
  query: string;
  /** At most this many people (default 20, at most 50). */
  limit?: number;
}

/** `%`, `_` and `\` are literal in the person's text. */
const likePattern = (text: string) => `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

export async function searchNominees(db: Kysely<DB>, { cycleId, nominatorId, query, limit = 20 }: NomineeSearch): Promise<Nominee[]> {
  const text = query.trim();
  if (!text) return [];
  const pattern = likePattern(text.toLowerCase());
  const people = await activeParticipants(db, cycleId)
    .select(['p.id', 'p.name', 'p.email', 'p.department', 'cp.score'])
    .where('p.id', '!=', nominatorId)
    .where((eb) => eb.or([eb(sql<string>`lower(p.name)`, 'like', pattern), eb(sql<string>`lower(p.email)`, 'like', pattern)]))
    .orderBy('p.name')
    .orderBy('p.id')
    .limit(Math.min(Math.max(1, limit), 50))
    .execute();
  if (!people.length) return [];
  const objectives = await db
    .selectFrom('objectives')
    .select(['id', 'owner_id', 'title', 'score'])
    .where('cycle_id', 'in', await subjectCycleIds(db, cycleId))
    .where(
      'owner_id',
      'in',
      people.map((p) => p.id),
    )
    .where('status', '=', 'approved')
    .where(isCurrentObjective())
    .orderBy('position')
    .orderBy('id')
    .execute();
  return people.map((p) => ({
    personId: p.id,
    name: p.name,
    email: p.email,
    department: p.department,
    score: p.score,
    objectives: objectives.filter((o) => o.owner_id === p.id).map((o) => ({ objectiveId: o.id, title: o.title, score: o.score })),
  }));
}
