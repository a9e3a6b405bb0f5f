/**
 * Scores. A key result's effective score is the calibrated one, else the self score; an
 * objective's score is the mean of its key results' effective scores; a person's score is the
 * mean of their current objectives' scores. Means skip what has no score yet; rounded to 0.01.
 */
import type { Kysely } from 'kysely';
import { currentObjectives, setObjectiveScore } from '../db/objectives';
import { setParticipantScore } from '../db/participants';
import type { DB } from '../db/schema';

/** What progress needs to know about a key result. */
export interface ProgressInput {
  kind: string;
  start: number | null;
  target: number | null;
  current: number | null;
  done: boolean | null;
}

const clamp01 = (x: number) => Math.min(1, Math.max(0, x));
const round = (x: number, places: number) => {
  const f = 10 ** places;
  return Math.round((x + Number.EPSILON) * f) / f;
};
const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : null);

/**
 * The score progress suggests, 0.00–1.00 (to 0.01, the precision scores are given in): how far from start to target the current
 * value is (either direction: "cut churn from 10 to 5" works too), or done / not done for a
 * milestone. Null when nothing has been reported.
 */
export function suggestScore(kr: ProgressInput): number | null {
  if (kr.kind === 'milestone') {
    if (kr.done === null && kr.current === null) return null;
    return (kr.done ?? (kr.current ?? 0) >= 1) ? 1 : 0;
  }
  if (kr.current === null || kr.start === null || kr.target === null || kr.target === kr.start) return null;
  return round(clamp01((kr.current - kr.start) / (kr.target - kr.start)), 2);
}

export interface RecomputedScores {
  objectives: { objectiveId: number; score: number | null }[];
  person: number | null;
}

/**
 * Recomputes and stores the scores of one person's current (non-superseded) objectives in a
 * cycle (objectives.score) and their cycle score (cycle_participants.score). Pass the
 * transaction that changed the key results.
 */
export async function recomputeScores(db: Kysely<DB>, cycleId: number, personId: number): Promise<RecomputedScores> {
  const rows = await currentObjectives(db, cycleId)
    .leftJoin('key_results as k', 'k.objective_id', 'o.id')
    .select(['o.id as objective_id', 'k.score', 'k.self_score'])
    .where('o.owner_id', '=', personId)
    .orderBy('o.id')
    .execute();
  const byObjective = new Map<number, number[]>();
  for (const r of rows) {
    const list = byObjective.get(r.objective_id) ?? [];
    const effective = r.score ?? r.self_score;
    if (effective !== null && effective !== undefined) list.push(effective);
    byObjective.set(r.objective_id, list);
  }
  const objectives: RecomputedScores['objectives'] = [];
  const exact: number[] = [];
  for (const [objectiveId, scores] of byObjective) {
    const m = mean(scores);
    if (m !== null) exact.push(m);
    const score = m === null ? null : round(m, 2);
    objectives.push({ objectiveId, score });
    await setObjectiveScore(db, objectiveId, score);
  }
  // The person's mean is taken over the unrounded objective means, then rounded once.
  const m = mean(exact);
  const person = m === null ? null : round(m, 2);
  await setParticipantScore(db, cycleId, personId, person);
  return { objectives, person };
}
