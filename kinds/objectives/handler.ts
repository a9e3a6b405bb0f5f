/** drafting: a participant's 1–5 objectives, each aligned to a company objective or one of the manager's; strategy: an executive's 1–5 company objectives (no owner, no parent), approved by HR before anyone aligns to them. */
import type { Kysely } from 'kysely';
import { type DraftSubmission, type FieldIssue, type Locale, REVIEWED_BY, type StrategySubmission } from '../../contract';
import type { DB } from '../../db/schema';
import { changesRequested, emptyContext, previousSubmission } from '../shared';
import { type KindHandler, SubmissionRejected, type TaskRef } from '../types';
import { SUPERSEDED, isCurrentObjective } from '../../db/objectives';
import { ruleIssue } from '../rules';
import { pageStrings } from '../../i18n/pages';

/** Objectives a person may align to in a cycle: approved company objectives and their manager's current ones. */
export async function alignmentParentsFor(db: Kysely<DB>, cycleId: number, personId: number, locale: Locale = 'en') {
  const person = await db.selectFrom('people').select('manager_id').where('id', '=', personId).executeTakeFirst();
  const managerId = person?.manager_id ?? null;
  const rows = await db
    .selectFrom('objectives as o')
    .leftJoin('people as p', 'p.id', 'o.owner_id')
    .select(['o.id', 'o.title', 'o.owner_id', 'p.name'])
    .where('o.cycle_id', '=', cycleId)
    .where((eb) =>
      eb.or([
        eb.and([eb('o.owner_id', 'is', null), eb('o.status', '=', 'approved')]),
        ...(managerId ? [eb.and([eb('o.owner_id', '=', managerId), isCurrentObjective('o')])] : []),
      ]),
    )
    .orderBy('o.id')
    .execute();
  return rows.map((r) => ({ id: r.id, title: r.title, owner: r.owner_id === null ? pageStrings(locale).objectives.company : (r.name ?? '') }));
}

export async function checkParents(db: Kysely<DB>, task: TaskRef, draft: DraftSubmission): Promise<void> {
  const wanted = draft.objectives.some((o) => o.parentObjectiveId !== undefined);
  if (!wanted) return;
  const allowed = new Set((await alignmentParentsFor(db, task.cycleId, task.personId)).map((p) => p.id));
  const issues: FieldIssue[] = [];
  draft.objectives.forEach((o, i) => {
    if (o.parentObjectiveId !== undefined && !allowed.has(o.parentObjectiveId)) {
      issues.push(ruleIssue(`objectives.${i}.parentObjectiveId`, 'not-a-parent'));
    }
  });
  if (issues.length) throw new SubmissionRejected(issues);
}

/**
 * Writes objectives and key results; earlier rounds of the same person's objectives are
 * superseded. Company objectives (owner null) are told apart by the task that wrote them: the
 * ones this executive wrote through their tasks of this kind in the cycle.
 */
export async function saveObjectives(db: Kysely<DB>, task: TaskRef, objectives: DraftSubmission['objectives'], owner: number | null): Promise<void> {
  await db
    .updateTable('objectives')
    .set({ status: SUPERSEDED })
    .where('cycle_id', '=', task.cycleId)
    .where((eb) =>
      owner === null
        ? eb.and([
            eb('owner_id', 'is', null),
            eb(
              'task_id',
              'in',
              eb.selectFrom('tasks').select('id').where('cycle_id', '=', task.cycleId).where('kind', '=', task.kind).where('person_id', '=', task.personId),
            ),
          ])
        : eb('owner_id', '=', owner),
    )
    .where(isCurrentObjective())
    .execute();
  for (const [position, objective] of objectives.entries()) {
    const row = await db
      .insertInto('objectives')
      .values({
        cycle_id: task.cycleId,
        owner_id: owner,
        task_id: task.id,
        position,
        title: objective.title,
        parent_objective_id: objective.parentObjectiveId ?? null,
        round: task.round,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await db
      .insertInto('key_results')
      .values(
        objective.keyResults.map((kr, krPosition) => ({
          objective_id: row.id,
          position: krPosition,
          title: kr.title,
          kind: kr.kind,
          start_value: kr.kind === 'milestone' ? 0 : kr.start,
          target_value: kr.kind === 'milestone' ? 1 : kr.target,
          unit: kr.kind === 'numeric' ? kr.unit : kr.kind === 'percent' ? '%' : null,
        })),
      )
      .execute();
  }
}

/** A parent that is no longer offered (the manager re-drafted) would only fail on submit: leave it blank. */
function withoutStaleParents(draft: DraftSubmission, allowed: Set<number>): DraftSubmission {
  return {
    ...draft,
    objectives: draft.objectives.map(({ parentObjectiveId, ...o }) =>
      parentObjectiveId !== undefined && allowed.has(parentObjectiveId) ? { ...o, parentObjectiveId } : o,
    ),
  };
}

export const draftHandler: KindHandler<'draft'> = {
  /** A re-draft starts from the previous draft and shows what the reviewer asked for. */
  async context(db, task) {
    const parents = await alignmentParentsFor(db, task.cycleId, task.personId, task.locale);
    const previous = (await previousSubmission(db, task)) as DraftSubmission | null;
    const comment = await changesRequested(db, task.cycleId, task.personId, REVIEWED_BY.draft);
    return {
      ...emptyContext(),
      values: previous ? withoutStaleParents(previous, new Set(parents.map((p) => p.id))) : null,
      notes: comment === null ? [] : [pageStrings(task.locale).notes.reviewerChanges(comment)],
      parents,
    };
  },
  async record(tx, task, submission) {
    await checkParents(tx, task, submission);
    await saveObjectives(tx, task, submission.objectives, task.personId);
    return {};
  },
};

export const strategyHandler: KindHandler<'strategy'> = {
  /** A new round starts from the executive's previous submission and shows HR's comment. */
  async context(db, task) {
    const previous = (await previousSubmission(db, task)) as StrategySubmission | null;
    const comment = await changesRequested(db, task.cycleId, task.personId, REVIEWED_BY.strategy);
    return {
      ...emptyContext(),
      values: previous,
      notes: comment === null ? [] : [pageStrings(task.locale).notes.hrChanges(comment)],
    };
  },
  async record(tx, task, submission) {
    // Status stays 'draft' until HR approves; this executive's earlier rounds become 'superseded'.
    await saveObjectives(tx, task, submission.objectives, null);
    return {};
  },
};
