/**
 * Starting a yearly awards run: a cycle row of kind 'awards-run' that covers the year's cycles,
 * its participants (everyone still active who took part in one of them), then its workflow
 * (workflows/awards-run.ts). Posting the same key and body again finds the row and starts
 * nothing new; a different body under the same key is a conflict.
 */
import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import { type CyclePlan, ErrorCode, type FieldIssue, type StartAwardsRunInput, awardsPlan, cycleWorkflowId, scheduleSchema, taskPolicy } from '../contract';
import { writeAudit } from '../db/audit';
import { cyclesStartingIn, findCycleByKey, insertCycleIfAbsent, requireCycleByKey } from '../db/cycles';
import { addParticipantRows } from '../db/participants';
import { activePersonIdsWithRole } from '../db/people';
import type { Cycle, DB } from '../db/schema';
import { type CycleDeps, type CycleSummary, getCycleSummary, startCycleWorkflow } from './cycles';
import { type RuleCode, ruleIssue } from '../kinds/rules';
import { AppError, validationError } from './errors';

/** Why a named cycle cannot be covered (a rule, so every language can say it), or undefined when it can. */
function refusal(cycle: Cycle | undefined): RuleCode | undefined {
  if (!cycle) return 'run-unknown-cycle';
  if (cycle.kind !== 'okr') return 'run-not-a-cycle';
  if (cycle.status === 'cancelled') return 'run-cancelled-cycle';
  return undefined;
}

/** The cycles the run covers: the ones named, each checked, or every cycle of the year that was not cancelled. */
async function coveredCycles(db: Kysely<DB>, input: StartAwardsRunInput): Promise<Cycle[]> {
  if (!input.cycles) {
    const ofYear = (await cyclesStartingIn(db, input.year)).filter((c) => c.status !== 'cancelled');
    if (!ofYear.length) throw validationError([ruleIssue('year', 'run-no-cycles', { year: input.year })]);
    return ofYear;
  }
  const keys = [...new Set(input.cycles)];
  const found = await Promise.all(keys.map((k) => findCycleByKey(db, k)));
  const issues: FieldIssue[] = [];
  input.cycles.forEach((key, i) => {
    const why = refusal(found[keys.indexOf(key)]);
    if (why) issues.push(ruleIssue(`cycles.${i}`, why, { key }));
  });
  if (issues.length) throw validationError(issues);
  return found as Cycle[];
}

/** Everyone still active who took part (not removed) in one of the cycles, by id. */
async function participantsOf(db: Kysely<DB>, cycleIds: number[]): Promise<number[]> {
  const rows = await db
    .selectFrom('cycle_participants as cp')
    .innerJoin('people as p', 'p.id', 'cp.person_id')
    .select('p.id')
    .distinct()
    .where('cp.cycle_id', 'in', cycleIds)
    .where('cp.removed_at', 'is', null)
    .where('p.active', '=', true)
    .orderBy('p.id')
    .execute();
  return rows.map((r) => r.id);
}

/** What a run would cover: its cycles (checked) and everyone still active who took part in them. */
async function runScope(db: Kysely<DB>, input: StartAwardsRunInput): Promise<{ covered: Cycle[]; people: number[] }> {
  const covered = await coveredCycles(db, input);
  return {
    covered,
    people: await participantsOf(
      db,
      covered.map((c) => c.id),
    ),
  };
}

export function awardsRunFingerprint(input: StartAwardsRunInput): string {
  const canonical = { ...input, kind: 'awards-run', cycles: input.cycles ? [...new Set(input.cycles)].sort() : null };
  return createHash('sha256').update(JSON.stringify(canonical)).digest('hex');
}

export async function startAwardsRun(
  deps: CycleDeps,
  input: StartAwardsRunInput,
  actor: string,
): Promise<{ run: CycleSummary & { covers: string[] }; created: boolean }> {
  const { db } = deps;
  const print = awardsRunFingerprint(input);
  const workflowId = cycleWorkflowId(input.key);
  // The run's tasks are chased like a cycle's: the cycle schedule with the run's task rules.
  const schedule = scheduleSchema.parse(input.schedule);
  let existing = await findCycleByKey(db, input.key);
  let created = false;
  if (!existing) {
    const { covered, people } = await runScope(db, input);
    if (!people.length) throw validationError([ruleIssue(input.cycles ? 'cycles' : 'year', 'run-no-participants')]);
    const [hrId] = await activePersonIdsWithRole(db, 'hr');
    if (hrId === undefined) throw validationError([{ path: 'key', message: 'import at least one person with role hr: HR finalises the awards' }]);
    const inserted = await db.transaction().execute(async (tx) => {
      const row = await insertCycleIfAbsent(tx, {
        key: input.key,
        title: input.title,
        kind: 'awards-run',
        starts_on: `${input.year}-01-01`,
        ends_on: `${input.year}-12-31`,
        schedule: JSON.stringify(schedule),
        request_fingerprint: print,
        workflow_id: workflowId,
        created_by: actor,
        hr_person_id: hrId,
      });
      if (!row) return undefined; // another request created it a moment ago
      await tx
        .insertInto('awards_run_cycles')
        .values(covered.map((c) => ({ run_id: row.id, cycle_id: c.id })))
        .execute();
      await addParticipantRows(
        tx,
        people.map((personId, i) => ({ cycle_id: row.id, person_id: personId, batch_no: Math.floor(i / deps.batchSize) })),
        false,
      );
      await writeAudit(tx, {
        actor,
        action: 'awards-run.started',
        cycleId: row.id,
        subject: `cycle:${input.key}`,
        detail: { year: input.year, covers: covered.map((c) => c.key), participants: people.length },
      });
      return row;
    });
    created = inserted !== undefined;
    existing = inserted ?? (await requireCycleByKey(db, input.key));
  }
  if (existing.request_fingerprint !== print) {
    throw new AppError(ErrorCode.conflict, `a cycle or awards run with key ${input.key} already exists with different settings`, { key: input.key });
  }
  await startCycleWorkflow(deps, 'awardsRun', workflowId, {
    cycleKey: input.key,
    schedule,
    stepPolicy: deps.stepPolicy,
    ...(deps.historyLimit ? { historyLimit: deps.historyLimit } : {}),
  });
  const run = (await getCycleSummary(db, input.key))!;
  return { run: { ...run, covers: run.covers ?? [] }, created };
}

export interface AwardsRunPreview {
  covers: { key: string; title: string; startsOn: string; endsOn: string }[];
  participants: number;
  timeZone: string;
  /** Nominate, vote, finalize: when each opens and is due if the run starts now. */
  steps: NonNullable<CyclePlan['awards']>['steps'];
}

/** What starting the run now would do, writing nothing: the cycles it covers, who takes part, the steps' dates. */
export async function previewAwardsRun(db: Kysely<DB>, input: StartAwardsRunInput, now: Date = new Date()): Promise<AwardsRunPreview> {
  const { covered, people } = await runScope(db, input);
  const schedule = scheduleSchema.parse(input.schedule);
  return {
    covers: covered.map((c) => ({ key: c.key, title: c.title, startsOn: c.starts_on, endsOn: c.ends_on })),
    participants: people.length,
    timeZone: schedule.timeZone,
    steps: awardsPlan(schedule, now.getTime(), taskPolicy(schedule)).steps,
  };
}
