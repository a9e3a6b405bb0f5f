/**
 * review: the manager (or HR) approves a participant's objectives or asks for changes;
 * strategy-review: HR does the same for an executive's company objectives.
 */
import type { Kysely, Transaction } from 'kysely';
import { REVIEW_OF, type ReviewKind, type ReviewSubmission } from '../../contract';
import type { DB } from '../../db/schema';
import { companyObjectivesQuery, currentObjectivesOf, describeObjectives, emptyContext, latestReview, personById, subjectOf } from '../shared';
import type { KindContext, KindHandler, Notice, RecordOutcome, TaskRef } from '../types';
import { isCurrentObjective } from '../../db/objectives';
import { pageStrings } from '../../i18n/pages';

const STATUS_OF_DECISION = { approve: 'approved', changes: 'changes-requested' } as const;

/** Sets the status of the objectives under review and keeps the decision in `reviews`. */
async function recordDecision(tx: Transaction<DB>, task: TaskRef, submission: ReviewSubmission, objectiveIds: number[]): Promise<RecordOutcome> {
  const subjectId = subjectOf(task);
  if (objectiveIds.length) {
    await tx.updateTable('objectives').set({ status: STATUS_OF_DECISION[submission.decision] }).where('id', 'in', objectiveIds).execute();
  }
  const comment = submission.comment?.length ? submission.comment : null;
  await tx
    .insertInto('reviews')
    .values({
      task_id: task.id,
      cycle_id: task.cycleId,
      reviewer_id: task.personId,
      subject_id: subjectId,
      round: task.round,
      decision: submission.decision,
      comment,
    })
    .execute();
  return comment === null ? { decision: submission.decision } : { decision: submission.decision, comment };
}

/** Notes for a reviewer: what was asked last time, and whether there is anything to review. */
async function reviewNotes(db: Kysely<DB>, task: TaskRef, kind: ReviewKind, subjectName: string, objectives: KindContext['objectives']) {
  const w = pageStrings(task.locale).notes;
  const notes: string[] = [];
  if (!objectives.length) notes.push(w.notSubmitted(subjectName));
  const last = await latestReview(db, task.cycleId, subjectOf(task), kind);
  // Only a request from an earlier task, not this task's own decision shown back to it.
  if (last?.decision === 'changes' && last.round < task.round) notes.push(w.changesLastRound(last.comment ?? ''));
  return notes;
}

/** An approval tells the author; changes requested reach them as the next round's task, which carries the comment. */
async function approvalNotice(tx: Transaction<DB>, task: TaskRef, submission: ReviewSubmission): Promise<Notice[]> {
  if (submission.decision !== 'approve') return [];
  const reviewer = await personById(tx, task.personId);
  const comment = submission.comment?.length ? submission.comment : undefined;
  return [{ kind: 'review-outcome', to: subjectOf(task), data: { decision: 'approve', reviewerName: reviewer.name, ...(comment ? { comment } : {}) } }];
}

async function companyObjectives(db: Kysely<DB>, task: TaskRef) {
  const rows = await companyObjectivesQuery(db, task.cycleId, subjectOf(task), REVIEW_OF['strategy-review'])
    .select(['o.id', 'o.title'])
    .orderBy('o.position')
    .orderBy('o.id')
    .execute();
  return describeObjectives(
    db,
    rows.map((r) => ({ id: r.id, title: r.title, parent: null })),
    task.locale,
  );
}

export const strategyReviewHandler: KindHandler<'strategy-review'> = {
  async context(db, task) {
    const subject = await personById(db, subjectOf(task));
    const objectives = await companyObjectives(db, task);
    return { ...emptyContext(), subject, objectives, notes: await reviewNotes(db, task, 'strategy-review', subject.name, objectives) };
  },
  async record(tx, task, submission) {
    const ids = (await companyObjectivesQuery(tx, task.cycleId, subjectOf(task), REVIEW_OF['strategy-review']).select('o.id').execute()).map((r) => r.id);
    return recordDecision(tx, task, submission, ids);
  },
  notices: approvalNotice,
};

export const reviewHandler: KindHandler<'review'> = {
  async context(db, task) {
    const subject = await personById(db, subjectOf(task));
    const objectives = await currentObjectivesOf(db, task.cycleId, subjectOf(task), task.locale);
    return { ...emptyContext(), subject, objectives, notes: await reviewNotes(db, task, 'review', subject.name, objectives) };
  },
  async record(tx, task, submission) {
    const ids = (
      await tx
        .selectFrom('objectives')
        .select('id')
        .where('cycle_id', '=', task.cycleId)
        .where('owner_id', '=', subjectOf(task))
        .where(isCurrentObjective())
        .execute()
    ).map((r) => r.id);
    return recordDecision(tx, task, submission, ids);
  },
  notices: approvalNotice,
};
