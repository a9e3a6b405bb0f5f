/**
 * self-score: each participant scores their key results 0.0–1.0 (progress suggests a score);
 * calibrate: the manager (or HR) sets the final score, which overrides the self score.
 */
import type { Transaction } from 'kysely';
import type { FieldIssue, ScoreSubmission } from '../../contract';
import type { DB } from '../../db/schema';
import { recomputeScores } from '../../core/scoring';
import { currentKeyResults, emptyContext, personById, rejectIfAny, repeatedIndexes, subjectOf } from '../shared';
import { ruleIssue } from '../rules';
import type { KindHandler } from '../types';
import { pageStrings } from '../../i18n/pages';

/** Every scored key result must be one of `ownerId`'s current ones, and scored once. */
async function checkScores(
  tx: Transaction<DB>,
  cycleId: number,
  ownerId: number,
  submission: ScoreSubmission,
  notYours: (path: string) => FieldIssue,
): Promise<void> {
  const ids = new Set((await currentKeyResults(tx, cycleId, ownerId)).map((kr) => kr.keyResultId));
  const repeated = new Set(repeatedIndexes(submission.scores.map((s) => s.keyResultId)));
  const issues: FieldIssue[] = [];
  submission.scores.forEach((s, i) => {
    if (!ids.has(s.keyResultId)) issues.push(notYours(`scores.${i}.keyResultId`));
    else if (repeated.has(i)) issues.push(ruleIssue(`scores.${i}.keyResultId`, 'twice'));
  });
  rejectIfAny(issues);
}

export const selfScoreHandler: KindHandler<'self-score'> = {
  async context(db, task) {
    const keyResults = await currentKeyResults(db, task.cycleId, task.personId);
    return {
      ...emptyContext(),
      keyResults,
      values: { scores: keyResults.map((kr) => ({ keyResultId: kr.keyResultId, score: kr.selfScore ?? kr.suggestedScore ?? 0 })) },
      notes: [pageStrings(task.locale).notes.scoreScale],
    };
  },
  async record(tx, task, submission) {
    await checkScores(tx, task.cycleId, task.personId, submission, (path) => ruleIssue(path, 'not-your-key-result'));
    for (const s of submission.scores) {
      await tx
        .updateTable('key_results')
        .set({ self_score: s.score, score_comment: s.comment?.length ? s.comment : null })
        .where('id', '=', s.keyResultId)
        .execute();
    }
    await recomputeScores(tx, task.cycleId, task.personId);
    await setScoreComment(tx, task.cycleId, task.personId, 'self_score_comment', submission.comment);
    return {};
  },
};

export const calibrateHandler: KindHandler<'calibrate'> = {
  async context(db, task) {
    const subject = await personById(db, subjectOf(task));
    const keyResults = await currentKeyResults(db, task.cycleId, subjectOf(task));
    const unscored = keyResults.filter((kr) => kr.selfScore === null).length;
    return {
      ...emptyContext(),
      subject,
      keyResults,
      values: { scores: keyResults.map((kr) => ({ keyResultId: kr.keyResultId, score: kr.score ?? kr.selfScore ?? kr.suggestedScore ?? 0 })) },
      notes: unscored ? [pageStrings(task.locale).notes.unscored(subject.name, unscored, keyResults.length)] : [],
    };
  },
  async record(tx, task, submission) {
    const subjectId = subjectOf(task);
    const subject = await personById(tx, subjectId);
    await checkScores(tx, task.cycleId, subjectId, submission, (path) => ruleIssue(path, 'not-their-key-result', { name: subject.name }));
    for (const s of submission.scores) {
      await tx.updateTable('key_results').set({ score: s.score }).where('id', '=', s.keyResultId).execute();
    }
    await recomputeScores(tx, task.cycleId, subjectId);
    await setScoreComment(tx, task.cycleId, subjectId, 'calibration_comment', submission.comment);
    return {};
  },
  /** The calibrated person hears their final scores and the manager's comment. */
  async notices(tx, task, submission) {
    const subjectId = subjectOf(task);
    const manager = await personById(tx, task.personId);
    const { person, objectives } = await recomputeScores(tx, task.cycleId, subjectId);
    const keyResults = await currentKeyResults(tx, task.cycleId, subjectId);
    const scoreOf = new Map(objectives.map((o) => [o.objectiveId, o.score]));
    const byObjective = new Map<number, { title: string; score: number | null; keyResults: { title: string; score: number | null }[] }>();
    for (const kr of keyResults) {
      let o = byObjective.get(kr.objectiveId);
      if (!o) byObjective.set(kr.objectiveId, (o = { title: kr.objectiveTitle, score: scoreOf.get(kr.objectiveId) ?? null, keyResults: [] }));
      o.keyResults.push({ title: kr.title, score: kr.score ?? kr.selfScore });
    }
    const comment = submission.comment?.length ? submission.comment : undefined;
    return [
      {
        kind: 'final-score',
        to: subjectId,
        data: { managerName: manager.name, overall: person, ...(comment ? { comment } : {}), objectives: [...byObjective.values()] },
      },
    ];
  },
};

/** Keeps a score's overall comment on the participant's row (the self-score's, or the manager's calibration comment). */
async function setScoreComment(
  tx: Transaction<DB>,
  cycleId: number,
  personId: number,
  column: 'self_score_comment' | 'calibration_comment',
  comment: string | undefined,
): Promise<void> {
  await tx
    .updateTable('cycle_participants')
    .set({ [column]: comment?.length ? comment : null })
    .where('cycle_id', '=', cycleId)
    .where('person_id', '=', personId)
    .execute();
}
