/**
 * self-score: each participant scores their key results 0.0–1.0 (progress suggests a score);
 * calibrate: the manager (or HR) sets the final score, which overrides the self score.
 */
import type { Transaction } from 'kysely';
import type { FieldIssue, ScoreSubmission } from '../../contract';
import type { DB } from '../../db/schema';
import { recomputeScores } from '../../core/scoring';
import { currentKeyResults, emptyContext, personById, rejectIfAny, repeatedIndexes, subjectOf } from '../shared';
import type { KindHandler } from '../types';
import { ruleIssue } from '../../i18n/rules';
import { pageStrings } from '../../i18n/pages';

/** Every scored key result must be one of `ownerId`'s current ones, and scored once. */
async function checkScores(tx: Transaction<DB>, cycleId: number, ownerId: number, submission: ScoreSubmission, notYours: (path: string) => FieldIssue): Promise<void> {
  const ids = new Set((await currentKeyResults(tx, cycleId, ownerId)).map((kr) => kr.keyResultId));
  const repeated = new Set(repeatedIndexes(submission.scores.map((s) => s.keyResultId)));
  const issues: FieldIssue[] = [];
  submission.scores.forEach((s, i) => {
    if (!ids.has(s.keyResultId)) issues.push(notYours(`scores.${i}.keyResultId`));
    else if (repeated.has(i)) issues.push(ruleIssue(`scores.${i}.keyResultId`, 'appears-twice'));
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
    return {};
  },
};
