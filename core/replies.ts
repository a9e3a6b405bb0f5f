/**
 * Completing a task by replying to its email.
 *
 * A reply arrives at `tasks+<key>@<MAIL_REPLY_DOMAIN>` (mail/inbound.ts). It changes something
 * only when all of these hold: the key verifies (HMAC, constant time), the message is not an
 * automatic reply, and its From address is the task owner's. Otherwise it is ignored — logged,
 * never answered, so a forged or looping message gets nothing back.
 *
 * What the person wrote (quoted history and signature stripped) is parsed for the task's kind
 * (mail/reply-parser.ts), checked with the kind's zod schema, and completed through the same
 * path as the task page (`completeTask`, via 'reply'). The person gets one answer per reply: a
 * short confirmation, or what was wrong (line by line) with the task left open. The answer is an
 * outbox row keyed by the reply's Message-ID (`reply:<sha256(Message-ID)>:answer`), inserted
 * before it is sent, so a redelivered reply never produces a second answer; it is sent by the one
 * outbox sender (mail/outbox-sender.ts), as every other email is.
 *
 * Temporary failures (Temporal or the database unreachable, SMTP refusing the answer) throw: the
 * inbound listener then answers 451 and the sending server delivers the reply again later.
 */
import { createHash } from 'node:crypto';
import type { Client } from '@temporalio/client';
import type { Kysely } from 'kysely';
import type { ReplyAnswerData } from '../mail/templates';
import { createOutboxSender } from '../mail/outbox-sender';
import { emailRow } from '../activities/outbox';
import { ErrorCode, type FieldIssue, type TaskKind, type TaskStatus } from '../contract';
import type { DB } from '../db/schema';
import type { Mailer } from '../mail/mailer';
import { type ReplyKeyResult, type ReplyProblem, isReplyKind, parseReply, problemsFromIssues } from '../mail/reply-parser';
import type { Logger } from '../runtime/logger';
import { AppError } from './errors';
import { keyOfReplyAddress, verifyReplyKey } from './reply-keys';
import { type TaskContext, completeTask, findTaskById } from './task-access';
import { type KeyResultOption, type KindContext, type TaskRef, kinds, loadTaskRef } from '../kinds';

/** A received email, as the inbound listener hands it over. */
export interface InboundReply {
  /** The address in the From header. */
  from: string;
  /** The envelope recipients. */
  to: string[];
  subject: string;
  /** The plain-text body (mailparser derives it from the HTML when there is no text part). */
  text: string;
  /** Header names in lower case. */
  headers: Record<string, string>;
  messageId: string | null;
  /** The envelope sender; '' for a bounce (the null sender). */
  envelopeFrom?: string;
}

export type IgnoredReason = 'not-addressed' | 'bad-key' | 'automatic' | 'unknown-task' | 'wrong-sender';

export type ReplyOutcome =
  | { status: 'ignored'; reason: IgnoredReason }
  | { status: 'duplicate'; taskId: number }
  | { status: 'completed'; taskId: number }
  | { status: 'rejected'; taskId: number; problems: ReplyProblem[] }
  | { status: 'closed'; taskId: number; taskStatus: TaskStatus }
  | { status: 'unsupported'; taskId: number };

export interface ReplyDeps {
  db: Kysely<DB>;
  mailer: Mailer;
  tokenSecret: string;
  replyDomain: string;
  publicBaseUrl: string;
  log: Logger;
  /** Completes the task with the parsed submission; throws AppError like `completeTask`. */
  complete(task: TaskContext, submission: unknown): Promise<unknown>;
  /** Answers sent per task in 24 hours before further replies are processed silently (a mail loop, a flood). Default 20. */
  maxAnswersPerTaskPerDay?: number;
}

/** Thrown for failures that may pass (service down): the sender should deliver the reply again later. */
export class TemporaryReplyFailure extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'TemporaryReplyFailure';
  }
}

/** The default `complete`: the task's batch workflow, through the Temporal update, as the task page does. */
export function completeThroughWorkflow(deps: { db: Kysely<DB>; client: Client }): ReplyDeps['complete'] {
  return (task, submission) => completeTask(deps, task, submission, 'reply');
}

// ---- automatic replies -------------------------------------------------------------------------------------

const AUTO_SUBJECT =
  /(?:^|[\s:：[(])(?:out of (?:the )?office|automatic reply|auto(?:matic)?[- ]?reply|auto[- ]?response|autoreply|abwesenheitsnotiz|réponse automatique)\b|^auto:|自动回复|自動回覆|自動回复|不在办公室|休假自动|外出/i;

/** RFC 3834 and the common vendor headers; out-of-office subjects; bounces (null sender, DSNs). */
export function isAutomatic(reply: Pick<InboundReply, 'headers' | 'subject' | 'envelopeFrom'>): boolean {
  const h = reply.headers;
  const autoSubmitted = h['auto-submitted']?.trim().toLowerCase();
  if (autoSubmitted && !autoSubmitted.startsWith('no')) return true;
  if ('x-autoreply' in h || 'x-autorespond' in h || 'x-autoresponder' in h) return true;
  if (/^(?:bulk|auto_reply|junk|list)$/i.test(h.precedence?.trim() ?? '')) return true;
  if (/multipart\/report/i.test(h['content-type'] ?? '')) return true;
  if (reply.envelopeFrom === '') return true;
  return AUTO_SUBJECT.test(reply.subject.trim());
}

// ---- the handler ---------------------------------------------------------------------------------------------

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

/** A stable id for a reply without a Message-ID (rare; every mail client sets one). */
function replyIdentity(reply: InboundReply): string {
  const id = reply.messageId?.trim();
  if (id) return id;
  return `synthetic:${sha256(JSON.stringify([reply.from, reply.to, reply.subject, reply.headers.date ?? '', reply.text]))}`;
}

export function createReplyHandler(deps: ReplyDeps): (reply: InboundReply) => Promise<ReplyOutcome> {
  const { db, mailer, tokenSecret, replyDomain, publicBaseUrl } = deps;
  const log = deps.log.child({ component: 'replies' });
  const maxAnswers = deps.maxAnswersPerTaskPerDay ?? 20;

  // The same sender as the outbox activity: one way to render, send and record an email.
  const sender = createOutboxSender({ db, mailer: mailer.replyDomain === replyDomain ? mailer : { ...mailer, replyDomain }, publicBaseUrl, tokenSecret, log });

  async function contextOf(ref: TaskRef): Promise<KindContext> {
    return kinds[ref.kind].handler.context(db, ref);
  }

  /** Sends a stored answer through the one outbox sender; a temporary SMTP failure leaves it queued and throws. */
  async function sendAnswer(emailId: string): Promise<void> {
    const outcome = await sender.sendOne(emailId);
    if (outcome.status === 'failed') log.warn({ emailId }, 'answer to a reply refused permanently');
    if (outcome.status === 'temporary') throw new TemporaryReplyFailure(`the answer could not be sent yet: ${outcome.error.text}`);
  }

  return async function handleReply(reply: InboundReply): Promise<ReplyOutcome> {
    const ignore = (reason: IgnoredReason, detail: Record<string, unknown> = {}): ReplyOutcome => {
      log[reason === 'automatic' || reason === 'not-addressed' ? 'info' : 'warn']({ reason, messageId: reply.messageId, ...detail }, 'reply ignored');
      return { status: 'ignored', reason };
    };

    const key = reply.to.map((address) => keyOfReplyAddress(address, replyDomain)).find((k) => k !== null);
    if (!key) return ignore('not-addressed');
    const taskId = verifyReplyKey(tokenSecret, key);
    if (taskId === null) return ignore('bad-key');
    if (isAutomatic(reply)) return ignore('automatic', { taskId });
    const task = await findTaskById(db, taskId);
    if (!task) return ignore('unknown-task', { taskId });
    if (reply.from.trim().toLowerCase() !== task.ownerEmail.trim().toLowerCase()) return ignore('wrong-sender', { taskId, from: reply.from });

    const identity = replyIdentity(reply);
    const answerKey = `reply:${sha256(identity)}:answer`;
    const earlier = await db.selectFrom('emails').select(['id', 'status']).where('idempotency_key', '=', answerKey).executeTakeFirst();
    if (earlier) {
      // The same reply again (the sender retried, or the first delivery failed after we answered).
      if (earlier.status === 'queued') await sendAnswer(earlier.id);
      log.info({ taskId, messageId: reply.messageId }, 'reply already handled');
      return { status: 'duplicate', taskId };
    }

    const base: Omit<ReplyAnswerData, 'outcome'> = {
      locale: task.locale,
      personName: task.ownerName,
      cycleTitle: task.cycleTitle,
      timeZone: task.timeZone,
      taskKind: task.kind,
      round: task.round,
      ...(reply.messageId ? { inReplyTo: reply.messageId } : {}),
    };
    const ref = await loadTaskRef(db, task.id);
    if (ref?.subjectPersonId) {
      const subject = await db.selectFrom('people').select('name').where('id', '=', ref.subjectPersonId).executeTakeFirst();
      if (subject) base.subjectName = subject.name;
    }

    const answer = async (data: ReplyAnswerData): Promise<void> => {
      const since = new Date(Date.now() - 24 * 3600 * 1000);
      const sent = await db
        .selectFrom('emails')
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .where('task_id', '=', task.id)
        .where('kind', '=', 'reply-answer')
        .where('queued_at', '>', since)
        .executeTakeFirstOrThrow();
      if (Number(sent.n) >= maxAnswers) {
        log.warn({ taskId: task.id, answers: Number(sent.n) }, 'too many answers to replies for this task today; not answering');
        return;
      }
      const row = emailRow({
        key: answerKey,
        kind: 'reply-answer',
        cycleId: task.cycleId,
        taskId: task.id,
        person: { id: task.personId, name: task.ownerName, email: task.ownerEmail },
        data,
        senderRef: `reply:${sha256(identity).slice(0, 32)}`,
        from: mailer.from,
      });
      const inserted = await db
        .insertInto('emails')
        .values(row)
        .onConflict((oc) => oc.column('idempotency_key').doNothing())
        .returning('id')
        .executeTakeFirst();
      if (inserted) await sendAnswer(inserted.id); // else a concurrent delivery of the same reply answers it
    };

    if (!isReplyKind(task.kind)) {
      await answer({ ...base, outcome: 'unsupported' });
      log.info({ taskId, kind: task.kind }, 'reply to a task that cannot be completed by reply');
      return { status: 'unsupported', taskId };
    }
    if (task.status !== 'open') {
      await answer({ ...base, outcome: 'closed', status: task.status });
      return { status: 'closed', taskId, taskStatus: task.status };
    }

    const needsKeyResults = kinds[task.kind].reply?.needsKeyResults === true;
    let keyResults: KeyResultOption[] = [];
    if (needsKeyResults && ref) {
      try {
        keyResults = (await contextOf(ref)).keyResults;
      } catch (error) {
        throw new TemporaryReplyFailure('could not load the task’s key results', { cause: error });
      }
    }
    const forParser: ReplyKeyResult[] = keyResults.map((kr) => ({ keyResultId: kr.keyResultId, title: kr.title, kind: kr.kind, unit: kr.unit }));
    const parsed = parseReply(task.kind, reply.text, forParser, task.locale);
    if (!parsed.ok) {
      await answer({ ...base, outcome: 'rejected', problems: parsed.problems });
      log.info({ taskId, problems: parsed.problems.length }, 'reply not understood; explained');
      return { status: 'rejected', taskId, problems: parsed.problems };
    }

    try {
      await deps.complete(task, parsed.submission);
    } catch (error) {
      if (!(error instanceof AppError)) throw new TemporaryReplyFailure('the task could not be completed right now', { cause: error });
      if (error.code === ErrorCode.validation) {
        const issues = (error.details as { issues?: FieldIssue[] } | undefined)?.issues ?? [{ path: '', message: error.message }];
        const problems = problemsFromIssues(parsed, issues, task.locale);
        await answer({ ...base, outcome: 'rejected', problems });
        return { status: 'rejected', taskId, problems };
      }
      if (error.code === ErrorCode.taskAlreadyCompleted || error.code === ErrorCode.taskClosed || error.code === ErrorCode.notFound) {
        const now = await db.selectFrom('tasks').select('status').where('id', '=', task.id).executeTakeFirst();
        const status = (now?.status ?? 'cancelled') as TaskStatus;
        await answer({ ...base, outcome: 'closed', status });
        return { status: 'closed', taskId, taskStatus: status };
      }
      throw new TemporaryReplyFailure(error.message, { cause: error });
    }
    await answer({ ...base, outcome: 'completed', ...kinds[task.kind].reply?.summary(parsed.submission, keyResults) });
    log.info({ taskId, kind: task.kind }, 'task completed by reply');
    return { status: 'completed', taskId };
  };
}

/** One reply, handled with `deps` (the same as `createReplyHandler(deps)(reply)`). */
export function handleReply(deps: ReplyDeps, reply: InboundReply): Promise<ReplyOutcome> {
  return createReplyHandler(deps)(reply);
}
