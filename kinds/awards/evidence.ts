/**
 * What the OKRs say about each nomination, for the voters and HR: the objective(s) with their
 * scores and the company objective they align to, each key result's score and progress, the
 * subject's check-in history (confidence per week) and latest execution items. And, for HR's
 * final pick, the ballot's fairness facts: tied nominations and committee members who did not vote.
 */
import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema';
import type { NominationEvidence, NominationOption } from '../types';
import { cycleTitles, subjectCycleIds } from './subject-cycles';

/** At most this many objectives and execution items per nomination (the page stays readable). */
const MAX_OBJECTIVES = 3;
const MAX_ITEMS = 6;

export async function evidenceOf(db: Kysely<DB>, cycleId: number, nominations: NominationOption[]): Promise<Map<number, NominationEvidence>> {
  const out = new Map<number, NominationEvidence>();
  if (!nominations.length) return out;
  const nominatedObjectives = nominations.flatMap((n) => (n.subject?.kind === 'objective' ? [n.subject.objectiveId] : []));
  const owners = nominatedObjectives.length
    ? new Map((await db.selectFrom('objectives').select(['id', 'owner_id']).where('id', 'in', nominatedObjectives).execute()).map((o) => [o.id, o.owner_id]))
    : new Map<number, number | null>();
  const subjectOf = (n: NominationOption): number | null =>
    n.subject?.kind === 'person' ? n.subject.personId : n.subject?.kind === 'objective' ? (owners.get(n.subject.objectiveId) ?? null) : null;
  const people = [...new Set(nominations.map(subjectOf).filter((p): p is number => p !== null))];
  // A yearly awards run looks at the OKRs of every cycle it covers, each labelled with its cycle.
  const cycleIds = await subjectCycleIds(db, cycleId);
  const titles = await cycleTitles(db, cycleIds);
  const from = (id: number) => (titles?.has(id) ? { cycle: titles.get(id)! } : {});
  const objectives = await db
    .selectFrom('objectives as o')
    .leftJoin('objectives as parent', 'parent.id', 'o.parent_objective_id')
    .select(['o.id', 'o.owner_id', 'o.cycle_id', 'o.title', 'o.score', 'parent.title as parent_title'])
    .where('o.cycle_id', 'in', cycleIds)
    .where((eb) =>
      eb.or([
        ...(nominatedObjectives.length ? [eb('o.id', 'in', nominatedObjectives)] : []),
        ...(people.length ? [eb.and([eb('o.owner_id', 'in', people), eb('o.status', '=', 'approved')])] : []),
      ]),
    )
    .orderBy('o.position')
    .orderBy('o.id')
    .execute();
  const krs = objectives.length
    ? await db
        .selectFrom('key_results')
        .select(['objective_id', 'title', 'score', 'self_score', 'current_value', 'target_value', 'unit', 'done', 'kind'])
        .where(
          'objective_id',
          'in',
          objectives.map((o) => o.id),
        )
        .orderBy('position')
        .execute()
    : [];
  const checkins = people.length
    ? await db
        .selectFrom('checkins')
        .innerJoin('cycles as c', 'c.id', 'checkins.cycle_id')
        .select(['person_id', 'week', 'confidence', 'cycle_id'])
        .where('cycle_id', 'in', cycleIds)
        .where('person_id', 'in', people)
        .orderBy('c.starts_on')
        .orderBy('week')
        .execute()
    : [];
  const items = people.length
    ? await db
        .selectFrom('execution_items')
        .innerJoin('cycles as c', 'c.id', 'execution_items.cycle_id')
        .select(['person_id', 'week', 'execution_items.kind', 'execution_items.title', 'execution_items.status', 'cycle_id'])
        .where('cycle_id', 'in', cycleIds)
        .where('person_id', 'in', people)
        .orderBy('c.starts_on', 'desc')
        .orderBy('week', 'desc')
        .orderBy('execution_items.id', 'desc')
        .execute()
    : [];
  for (const n of nominations) {
    const person = subjectOf(n);
    const mine =
      n.subject?.kind === 'objective'
        ? objectives.filter((o) => o.id === (n.subject as { objectiveId: number }).objectiveId)
        : objectives.filter((o) => o.owner_id === person);
    out.set(n.nominationId, {
      objectives: mine.slice(0, MAX_OBJECTIVES).map((o) => ({
        title: o.title,
        ...from(o.cycle_id),
        score: o.score,
        alignedTo: o.parent_title,
        keyResults: krs
          .filter((k) => k.objective_id === o.id)
          .map((k) => ({
            title: k.title,
            score: k.score ?? k.self_score,
            progress:
              k.kind === 'milestone'
                ? k.done === null
                  ? null
                  : { done: k.done }
                : k.current_value !== null && k.target_value !== null
                  ? { current: k.current_value, target: k.target_value, unit: k.unit }
                  : null,
          })),
      })),
      checkins: checkins.filter((c) => c.person_id === person).map((c) => ({ week: c.week, confidence: c.confidence, ...from(c.cycle_id) })),
      items: items
        .filter((i) => i.person_id === person)
        .slice(0, MAX_ITEMS)
        .map((i) => ({ week: i.week, kind: i.kind, title: i.title, status: i.status, ...from(i.cycle_id) })),
    });
  }
  return out;
}

/** The ballot as HR sees it before choosing: ties at the top and who of the voters did not vote. */
export async function ballotFacts(db: Kysely<DB>, cycleId: number, nominations: NominationOption[]): Promise<{ tied: string[]; abstained: string[] }> {
  const top = nominations[0]?.votes ?? 0;
  const atTop = nominations.filter((n) => n.votes === top);
  const tied = top > 0 && atTop.length > 1 ? atTop.map((n) => n.label) : [];
  const abstained = await db
    .selectFrom('tasks as t')
    .innerJoin('people as p', 'p.id', 't.person_id')
    .select('p.name')
    .where('t.cycle_id', '=', cycleId)
    .where('t.kind', '=', 'vote')
    .where('t.status', '!=', 'completed')
    .orderBy('p.name')
    .execute();
  return { tied, abstained: [...new Set(abstained.map((a) => a.name))] };
}
