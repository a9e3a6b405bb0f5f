/**
 * Correcting my latest check-in from "Me": the same path as the task page's correction. The
 * task is found by its own link token (derived again, never stored), the new answer is the
 * check-in form's parse of what was posted laid over the answer sent (execution items and
 * anything not on the Me form stay as they were), checked by the kind's schema, and sent to the
 * week's batch with the correctTask update (core/task-access.ts), which refuses once the window
 * or the batch has closed. The workflow's activity writes the check-in and the audit entry
 * (`task.corrected`); nothing here writes to the database around it.
 */
import type { Client } from '@temporalio/client';
import type { Kysely } from 'kysely';
import { ErrorCode, type FieldIssue, type Locale, submissionSchemas } from '../../contract';
import type { DB } from '../../db/schema';
import { localizedIssues, translateFieldIssue } from '../../i18n';
import { kinds } from '../../kinds';
import type { KindContext } from '../../kinds/types';
import { loadKindContext } from '../task-page/context';
import type { FormValues } from '../task-page/fields';
import { AppError } from '../../core/errors';
import { type TaskContext, correctTask, findTaskByToken, mayCorrect } from '../../core/task-access';
import { taskToken } from '../../core/tokens';
import { checkinKind } from '../../kinds/checkin';

export interface CorrectionDeps {
  db: Kysely<DB>;
  client: Client;
  tokenSecret: string;
}

/** Why a correction is refused, for the person's page. */
export type CorrectionRefusal = 'not-yours' | 'not-latest' | 'window-closed';

export class CorrectionRefused extends Error {
  constructor(
    readonly reason: CorrectionRefusal,
    readonly task?: TaskContext,
  ) {
    super(`the check-in cannot be corrected: ${reason}`);
  }
}

/** The person's latest answered check-in of its cycle (a later week may be open), as the task page sees it; CorrectionRefused otherwise. */
export async function correctableCheckin(
  deps: Pick<CorrectionDeps, 'db' | 'tokenSecret'>,
  personId: number,
  taskId: number,
  now = Date.now(),
): Promise<TaskContext> {
  const row = await deps.db
    .selectFrom('tasks')
    .select(['id', 'cycle_id', 'kind', 'round', 'person_id', 'subject_person_id'])
    .where('id', '=', taskId)
    .executeTakeFirst();
  // Someone else's task reads exactly like a task that does not exist.
  if (!row || row.person_id !== personId || row.kind !== checkinKind.kind) throw new CorrectionRefused('not-yours');
  const latest = await deps.db
    .selectFrom('tasks')
    .select('id')
    .where('cycle_id', '=', row.cycle_id)
    .where('person_id', '=', personId)
    .where('kind', '=', checkinKind.kind)
    .where('status', '=', 'completed')
    .orderBy('round', 'desc')
    .limit(1)
    .executeTakeFirst();
  const token = taskToken(deps.tokenSecret, { cycleId: row.cycle_id, kind: row.kind, round: row.round, personId, subjectPersonId: row.subject_person_id });
  const task = await findTaskByToken(deps.db, token, now);
  if (!task) throw new CorrectionRefused('window-closed');
  if (latest?.id !== row.id) throw new CorrectionRefused(latest ? 'not-latest' : 'window-closed', task);
  if (!mayCorrect(task, now)) throw new CorrectionRefused('window-closed', task);
  return task;
}

export interface CorrectionInput {
  /** What the Me form posted: kr<id>.value / kr<id>.done, confidence, report. */
  values: FormValues;
}

export type CorrectionResult =
  { ok: true; task: TaskContext } | { ok: false; task: TaskContext; context: KindContext; issues: FieldIssue[]; values: FormValues };

/** The form values the Me page's correction form starts from: the answer sent. */
export async function correctionValues(db: Kysely<DB>, task: TaskContext): Promise<{ context: KindContext; values: FormValues }> {
  const context = await loadKindContext(db, task);
  return { context, values: kinds.checkin.form.toValues(task.result, context) };
}

/** Checks and sends the correction; validation problems come back (in the person's language) with nothing sent. */
export async function correctLatestCheckin(deps: CorrectionDeps, task: TaskContext, input: CorrectionInput, locale: Locale): Promise<CorrectionResult> {
  const { context, values: sent } = await correctionValues(deps.db, task);
  // The answer sent, with what the Me form carries replaced (a milestone left unticked is "not done").
  const values: FormValues = {};
  for (const [k, v] of Object.entries(sent)) if (!/^kr\d+\./.test(k) && k !== 'confidence' && k !== 'report') values[k] = v;
  for (const [k, v] of Object.entries(input.values)) if (/^kr\d+\.(value|done)$/.test(k) || k === 'confidence' || k === 'report') values[k] = v;
  const parsed = kinds.checkin.form.parse(values, context, locale);
  const checked = submissionSchemas.checkin.safeParse(parsed.submission);
  if (!checked.success || parsed.issues.length) {
    const issues = checked.success
      ? parsed.issues
      : localizedIssues(checked.error.issues, locale).map((i) => ({ path: parsed.fieldName(i.path), message: i.message }));
    return { ok: false, task, context, issues, values };
  }
  try {
    await correctTask({ db: deps.db, client: deps.client }, task, checked.data, 'form');
  } catch (error) {
    if (error instanceof AppError && error.code === ErrorCode.validation) {
      const issues = (error.details as { issues?: FieldIssue[] } | undefined)?.issues ?? [{ path: 'form', message: error.message }];
      return { ok: false, task, context, issues: issues.map((i) => ({ path: parsed.fieldName(i.path), message: translateFieldIssue(locale, i) })), values };
    }
    if (error instanceof AppError && (error.code === ErrorCode.taskClosed || error.code === ErrorCode.taskAlreadyCompleted))
      throw new CorrectionRefused('window-closed', task);
    throw error;
  }
  return { ok: true, task };
}
