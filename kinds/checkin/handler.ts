/**
 * checkin (round = week): progress on the person's key results, a confidence from 1 to 10, the
 * projects and tasks behind them (OKR-E) and a short report.
 */
import type { FieldIssue } from '../../contract';
import { currentKeyResults, emptyContext, rejectIfAny, repeatedIndexes } from '../shared';
import { ruleIssue } from '../rules';
import { MAX_PERCENT } from '../schema-parts';
import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema';
import type { KindHandler, TaskRef } from '../types';
import { pageStrings } from '../../i18n/pages';

/**
 * The projects and tasks of the person's latest earlier check-in in the cycle that are not done
 * yet: this week starts from them (OKR-E items carry forward until they are done or removed).
 */
async function carriedItems(db: Kysely<DB>, task: TaskRef, keyResultIds: Set<number>) {
  const last = await db
    .selectFrom('checkins')
    .select('id')
    .where('cycle_id', '=', task.cycleId)
    .where('person_id', '=', task.personId)
    .where('week', '<', task.round)
    .orderBy('week', 'desc')
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
  if (!last) return [];
  const rows = await db
    .selectFrom('execution_items')
    .select(['key_result_id', 'kind', 'title', 'status'])
    .where('checkin_id', '=', last.id)
    .where('status', '!=', 'done')
    .orderBy('id')
    .execute();
  // Items of key results that were redrafted away have nothing to attach to.
  return rows.filter((r) => keyResultIds.has(r.key_result_id)).map((r) => ({ keyResultId: r.key_result_id, kind: r.kind, title: r.title, status: r.status }));
}

export const checkinHandler: KindHandler<'checkin'> = {
  async context(db, task) {
    const keyResults = await currentKeyResults(db, task.cycleId, task.personId);
    const items = await carriedItems(db, task, new Set(keyResults.map((kr) => kr.keyResultId)));
    const w = pageStrings(task.locale).notes;
    return {
      ...emptyContext(),
      keyResults,
      // No confidence is chosen for the person: they say it each week.
      values: {
        keyResults: keyResults.map((kr) =>
          kr.kind === 'milestone' ? { keyResultId: kr.keyResultId, done: kr.done ?? false } : { keyResultId: kr.keyResultId, value: kr.current ?? kr.start },
        ),
        items,
        report: '',
      },
      notes: [w.week(task.round), ...(items.length ? [w.carriedForward] : [])],
    };
  },

  /** A corrected check-in replaces the week's check-in and its items; key results take the new values. */
  async undo(tx, task) {
    const mine = tx.selectFrom('checkins').select('id').where('task_id', '=', task.id);
    await tx.deleteFrom('execution_items').where('checkin_id', 'in', mine).execute();
    await tx.deleteFrom('checkins').where('task_id', '=', task.id).execute();
  },

  async record(tx, task, submission) {
    const mine = new Map((await currentKeyResults(tx, task.cycleId, task.personId)).map((kr) => [kr.keyResultId, kr]));
    const issues: FieldIssue[] = [];
    const repeated = new Set(repeatedIndexes(submission.keyResults.map((k) => k.keyResultId)));
    submission.keyResults.forEach((k, i) => {
      const kr = mine.get(k.keyResultId);
      if (!kr) {
        issues.push(ruleIssue(`keyResults.${i}.keyResultId`, 'not-your-key-result'));
      } else if (repeated.has(i)) {
        issues.push(ruleIssue(`keyResults.${i}.keyResultId`, 'twice'));
      } else if (kr.kind === 'milestone') {
        if (k.done === undefined) issues.push(ruleIssue(`keyResults.${i}.done`, 'say-done'));
      } else if (k.value === undefined) {
        issues.push(ruleIssue(`keyResults.${i}.value`, 'give-value'));
      } else if (kr.kind === 'percent' && (k.value < 0 || k.value > MAX_PERCENT)) {
        issues.push(ruleIssue(`keyResults.${i}.value`, 'percent-range', { max: MAX_PERCENT }));
      }
    });
    submission.items.forEach((item, i) => {
      if (!mine.has(item.keyResultId)) issues.push(ruleIssue(`items.${i}.keyResultId`, 'not-your-key-result'));
    });
    rejectIfAny(issues);

    for (const k of submission.keyResults) {
      const milestone = mine.get(k.keyResultId)!.kind === 'milestone';
      await tx
        .updateTable('key_results')
        .set(
          milestone
            ? { current_value: k.done ? 1 : 0, done: k.done!, confidence: submission.confidence }
            : { current_value: k.value!, confidence: submission.confidence },
        )
        .where('id', '=', k.keyResultId)
        .execute();
    }
    const checkin = await tx
      .insertInto('checkins')
      .values({
        task_id: task.id,
        cycle_id: task.cycleId,
        person_id: task.personId,
        week: task.round,
        confidence: submission.confidence,
        report: submission.report,
        values: JSON.stringify(submission.keyResults),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    if (submission.items.length) {
      await tx
        .insertInto('execution_items')
        .values(
          submission.items.map((item) => ({
            cycle_id: task.cycleId,
            person_id: task.personId,
            key_result_id: item.keyResultId,
            checkin_id: checkin.id,
            week: task.round,
            kind: item.kind,
            title: item.title,
            status: item.status,
          })),
        )
        .execute();
    }
    return {};
  },
};
