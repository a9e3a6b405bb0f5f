/** What HR reads about a cycle's content: alignment coverage, who is not approved, scores. */
import { type Kysely, sql } from 'kysely';
import { NOT_APPROVED_STATUSES, type NotApprovedStatus, type ObjectiveStatus } from '../contract';
import { currentObjectives, isCurrentObjective } from '../db/objectives';
import type { DB } from '../db/schema';

// The contract's statuses this report reads (typed by ObjectiveStatus: a renamed status fails to compile).
const APPROVED: ObjectiveStatus = 'approved';
const [NO_DRAFT, DRAFT, CHANGES_REQUESTED] = NOT_APPROVED_STATUSES;

export interface AlignmentReport {
  /** Share (0–1) of participants' current objectives whose parent chain reaches a company objective. */
  coverage: number;
  objectives: number;
  linkedToStrategy: number;
  /** Participants whose objectives are not approved (or who have none). */
  notApproved: { email: string; name: string; status: NotApprovedStatus }[];
}

export async function alignmentReport(db: Kysely<DB>, cycleId: number): Promise<AlignmentReport> {
  const linked = await sql<{ objectives: string; linked: string }>`
    with recursive chain as (
      select o.id as start_id, o.id, o.parent_objective_id, o.owner_id from objectives o
      where o.cycle_id = ${cycleId} and o.owner_id is not null and ${isCurrentObjective('o')}
      union all
      select c.start_id, p.id, p.parent_objective_id, p.owner_id from chain c join objectives p on p.id = c.parent_objective_id
    )
    select count(distinct start_id) as objectives,
           count(distinct start_id) filter (where owner_id is null) as linked
    from chain`.execute(db);
  const { objectives, linked: linkedCount } = linked.rows[0] ?? { objectives: '0', linked: '0' };
  const people = await db
    .selectFrom('cycle_participants as cp')
    .innerJoin('people as p', 'p.id', 'cp.person_id')
    .leftJoin(
      currentObjectives(db, cycleId)
        .select(['o.owner_id', sql<ObjectiveStatus[]>`array_agg(distinct o.status)`.as('statuses')])
        .groupBy('o.owner_id')
        .as('o'),
      (j) => j.onRef('o.owner_id', '=', 'p.id'),
    )
    .select(['p.email', 'p.name', 'o.statuses'])
    .where('cp.cycle_id', '=', cycleId)
    .where('cp.removed_at', 'is', null)
    .orderBy('p.email')
    .execute();
  const notApproved = people.flatMap((p): AlignmentReport['notApproved'] => {
    const statuses = p.statuses ?? [];
    if (!statuses.length) return [{ email: p.email, name: p.name, status: NO_DRAFT }];
    if (statuses.every((s) => s === APPROVED)) return [];
    return [{ email: p.email, name: p.name, status: statuses.includes(CHANGES_REQUESTED) ? CHANGES_REQUESTED : DRAFT }];
  });
  const total = Number(objectives);
  return {
    coverage: total ? Math.round((Number(linkedCount) / total) * 1000) / 1000 : 0,
    objectives: total,
    linkedToStrategy: Number(linkedCount),
    notApproved,
  };
}

export interface PersonScore {
  email: string;
  name: string;
  score: number | null;
  objectives: { title: string; score: number | null; keyResults: { title: string; selfScore: number | null; score: number | null }[] }[];
}

export async function scoresReport(db: Kysely<DB>, cycleId: number): Promise<PersonScore[]> {
  const rows = await db
    .selectFrom('cycle_participants as cp')
    .innerJoin('people as p', 'p.id', 'cp.person_id')
    .leftJoin('objectives as o', (j) => j.onRef('o.owner_id', '=', 'p.id').on('o.cycle_id', '=', cycleId).on(isCurrentObjective('o')))
    .leftJoin('key_results as k', 'k.objective_id', 'o.id')
    .select([
      'p.email',
      'p.name',
      'cp.score as person_score',
      'o.id as oid',
      'o.title as otitle',
      'o.score as oscore',
      'k.title as ktitle',
      'k.self_score',
      'k.score as kscore',
    ])
    .where('cp.cycle_id', '=', cycleId)
    .where('cp.removed_at', 'is', null)
    .orderBy('p.email')
    .orderBy('o.position')
    .orderBy('k.position')
    .execute();
  const out = new Map<string, PersonScore>();
  for (const r of rows) {
    let person = out.get(r.email);
    if (!person) out.set(r.email, (person = { email: r.email, name: r.name, score: r.person_score, objectives: [] }));
    if (r.oid === null) continue;
    let objective = person.objectives.find((o) => (o as { id?: number }).id === r.oid) as (PersonScore['objectives'][number] & { id?: number }) | undefined;
    if (!objective) {
      objective = { id: r.oid, title: r.otitle!, score: r.oscore, keyResults: [] };
      person.objectives.push(objective);
    }
    if (r.ktitle !== null) objective.keyResults.push({ title: r.ktitle, selfScore: r.self_score, score: r.kscore });
  }
  return [...out.values()].map((p) => ({ ...p, objectives: p.objectives.map(({ title, score, keyResults }) => ({ title, score, keyResults })) }));
}
