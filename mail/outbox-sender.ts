/**
 * The one outbox sender. Every email the system sends is an `emails` row first (queued with an
 * idempotency key and a deterministic Message-ID); this module renders it at send time, hands it
 * to the SMTP server, and records what happened. Two callers: the `sendQueuedEmails` activity
 * (all queued rows of one sender, `sendQueued`) and the answers to replies (`sendOne`).
 *
 * Crash window (docs/email.md "What a crash can repeat"): rows accepted by the SMTP server are
 * marked sent in batches — at most `markBatch` rows or `markIntervalMs`, whichever comes first, and
 * always before `sendQueued` returns or stops. A crash between acceptance and the mark resends at
 * most those rows (plus the few in flight), each with its own Message-ID, so a receiving server
 * or client can recognise the repeat. Nothing is ever lost: a row stays queued until it is marked.
 *
 * Failures: a temporary SMTP failure (4xx, connection) leaves the row queued with the SMTP answer
 * in `last_error` and `attempts`/`last_attempt_at` counted; a permanent one (5xx) marks that row
 * failed; a render failure marks it failed too (a retry cannot fix it). Composed messages are
 * bounded for the whole process by the `composeLimit` the caller shares.
 */
import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import { type Limiter, createLimiter } from '../core/concurrency';
import { certificateLink, certificateOf } from '../core/awards';
import { replyAddress } from '../core/reply-keys';
import { taskLink, taskToken } from '../core/tokens';
import type { DB } from '../db/schema';
import { type TaskRef, kindHandlers, kindModule, loadTaskRef } from '../kinds';
import type { TaskKind } from '../contract';
import type { Logger } from '../runtime/logger';
import { type Mailer, type OutgoingMessage, classifySmtpError, describeSmtpError } from './mailer';
import { EMAIL_KINDS, OWNER_TASK_EMAIL_KINDS, type OutboxData, type OutboxKind, REPLY_KINDS, type RenderExtras, renderEmail } from './templates';

export interface OutboxSenderDeps {
  db: Kysely<DB>;
  mailer: Mailer;
  publicBaseUrl: string;
  tokenSecret: string;
  log: Logger;
  /** Shared by every send in the process: how many messages are composed (rendered and in SMTP) at once. */
  composeLimit?: Limiter;
  /** Accepted rows marked sent per statement (default 200). */
  markBatch?: number;
  /** Longest time an accepted row waits for its mark (default 250 ms). */
  markIntervalMs?: number;
}

export interface SendProgress {
  sent: number;
  failed: number;
  skipped: number;
  /** Left queued after a temporary failure. */
  temporary: number;
  /** Not tried because the pass stopped (cancelled, or the SMTP server kept refusing). */
  untried: number;
}

export interface SendQueuedResult extends SendProgress {
  total: number;
  /** The last temporary SMTP failure, as the server said it. */
  lastTemporary?: SmtpErrorText;
  /** The pass stopped early because `signal` was aborted. */
  stopped: boolean;
}

export interface SmtpErrorText {
  text: string;
  code?: string;
  responseCode?: number;
  response?: string;
}

export type SendOneOutcome = { status: 'sent' | 'failed' | 'skipped' | 'absent' } | { status: 'temporary'; error: SmtpErrorText };

export const DEFAULT_COMPOSE_LIMIT = 32;
/** After this many temporary failures in a row the pass stops: the server is down, the rest wait for the retry. */
const GIVE_UP_AFTER = 20;

const KNOWN_KINDS: ReadonlySet<string> = new Set<OutboxKind>([...EMAIL_KINDS, 'reply-answer']);

/** An outbox row with what its rendering needs from the task it is about. */
function selectRows(db: Kysely<DB>) {
  return db
    .selectFrom('emails as e')
    .leftJoin('tasks as t', 't.id', 'e.task_id')
    .select([
      'e.id',
      'e.kind',
      'e.to_address',
      'e.to_name',
      'e.person_id',
      'e.data',
      'e.message_id',
      'e.task_id',
      'e.cycle_id as email_cycle_id',
      'e.status',
      't.cycle_id',
      't.kind as task_kind',
      't.round',
      't.person_id as task_person_id',
      't.subject_person_id',
      't.status as task_status',
    ]);
}
type Row = Awaited<ReturnType<ReturnType<typeof selectRows>['execute']>>[number];

export function createOutboxSender(deps: OutboxSenderDeps) {
  const { db, mailer, publicBaseUrl, tokenSecret, log } = deps;
  const limit = deps.composeLimit ?? createLimiter(DEFAULT_COMPOSE_LIMIT);
  const markBatch = deps.markBatch ?? 200;
  const markIntervalMs = deps.markIntervalMs ?? 250;
  const replyDomain = mailer.replyDomain;

  /** Never tried first, then the longest since their last attempt: rows that keep failing cannot starve the others. */
  function rowsOf(senderRef: string) {
    return selectRows(db)
      .where('e.sender_ref', '=', senderRef)
      .where('e.status', '=', 'queued')
      .orderBy('e.last_attempt_at', (o) => o.asc().nullsFirst())
      .orderBy('e.id')
      .execute();
  }

  /** Why a queued email is no longer worth sending, if it is not. */
  function staleReason(row: Row): string | null {
    // An invitation or reminder of a task that closed before it went out (HR advanced or cancelled) says nothing true any more.
    if ((row.kind === 'task-reminder' || row.kind === 'task-invite') && row.task_status !== null && row.task_status !== 'open')
      return `task is ${row.task_status}`;
    if (row.kind === 'task-escalation' && (row.task_status === 'completed' || row.task_status === 'cancelled')) return `task is ${row.task_status}`;
    return null;
  }

  /** What the template needs from the task's current state: key results, objectives under review. */
  async function extrasFor(ref: TaskRef): Promise<RenderExtras> {
    try {
      const context = await kindHandlers[ref.kind].context(db, ref);
      const confidence = (context.values as { confidence?: unknown } | null)?.confidence;
      return { keyResults: context.keyResults, objectives: context.objectives, ...(typeof confidence === 'number' ? { confidence } : {}) };
    } catch (error) {
      // The email still goes out, with the link and generic reply examples.
      log.warn({ taskId: ref.id, err: error instanceof Error ? error.message : String(error) }, 'could not load the task context for its email');
      return {};
    }
  }

  const linkOf = (ref: Pick<TaskRef, 'cycleId' | 'kind' | 'round' | 'personId' | 'subjectPersonId'>) =>
    taskLink(
      publicBaseUrl,
      taskToken(tokenSecret, { cycleId: ref.cycleId, kind: ref.kind, round: ref.round, personId: ref.personId, subjectPersonId: ref.subjectPersonId }),
    );

  /** An answer to a reply: the task's link and reply address again only when the task is still open and the reply did not complete it. */
  async function composeAnswer(row: Row): Promise<OutgoingMessage> {
    const data = row.data as unknown as OutboxData['reply-answer'];
    let link: string | undefined;
    let replyTo: string | undefined;
    let extras: RenderExtras = {};
    const ref = row.task_id !== null && row.task_status === 'open' && replyDomain ? await loadTaskRef(db, row.task_id) : undefined;
    if (ref && replyDomain && (data.outcome === 'rejected' || data.outcome === 'unsupported')) {
      link = linkOf(ref);
      replyTo = replyAddress(tokenSecret, ref.id, replyDomain);
      if (data.outcome === 'rejected') {
        const context = await kindHandlers[ref.kind].context(db, ref).catch(() => null);
        if (context) extras = { keyResults: context.keyResults };
      }
    }
    const rendered = renderEmail('reply-answer', data, link, { ...extras, replies: replyTo !== undefined });
    return {
      to: { name: row.to_name, address: row.to_address },
      messageId: row.message_id,
      ...(replyTo ? { replyTo } : {}),
      ...(data.inReplyTo ? { inReplyTo: data.inReplyTo } : {}),
      // RFC 3834: an automatic answer; auto-responders must not answer it back.
      headers: { 'Auto-Submitted': 'auto-replied' },
      ...rendered,
    };
  }

  /** Each task's personal link in an email that lists several tasks of its recipient. */
  function togetherLinks(d: OutboxData['tasks-together'], personId: number | null, cycleId: number | null): Record<number, string> {
    if (personId === null || cycleId === null) return {};
    return Object.fromEntries(
      d.tasks.map((t) => [t.taskId, linkOf({ cycleId, kind: d.taskKind, round: d.round, personId, subjectPersonId: t.subjectPersonId })]),
    );
  }

  /** The task an email is about when it goes to the task's owner (only they get its link and reply address; an escalation goes to someone else). */
  function ownerTaskOf(row: Row, kind: OutboxKind): TaskRef | undefined {
    if (!(OWNER_TASK_EMAIL_KINDS.has(kind) && row.task_id !== null && row.task_kind !== null && row.task_person_id === row.person_id)) return undefined;
    return {
      id: row.task_id,
      kind: row.task_kind,
      cycleId: row.cycle_id!,
      personId: row.task_person_id!,
      ownerEmail: row.to_address,
      subjectPersonId: row.subject_person_id,
      round: row.round!,
    };
  }

  /**
   * The extras of a send's task emails, read per kind for all of them at once where the kind can
   * (a check-in week: one query instead of three per email). A failure only costs the shortcut:
   * each email then reads its own.
   */
  async function prefetchExtras(rows: Row[]): Promise<Map<number, RenderExtras>> {
    const byKind = new Map<TaskKind, TaskRef[]>();
    for (const row of rows) {
      if (!KNOWN_KINDS.has(row.kind) || staleReason(row)) continue;
      const ref = ownerTaskOf(row, row.kind as OutboxKind);
      if (!ref || !REPLY_KINDS.has(ref.kind) || !kindModule(ref.kind).emailExtras) continue;
      byKind.set(ref.kind, [...(byKind.get(ref.kind) ?? []), ref]);
    }
    const extras = new Map<number, RenderExtras>();
    for (const [kind, refs] of byKind) {
      try {
        for (const [taskId, e] of await kindModule(kind).emailExtras!(db, refs)) extras.set(taskId, e);
      } catch (error) {
        log.warn({ kind, tasks: refs.length, err: error instanceof Error ? error.message : String(error) }, 'could not read the emails’ task contexts at once');
      }
    }
    return extras;
  }

  /**
   * A winner's announcement: each certificate rendered now from the nomination's row (so it shows
   * what HR recorded, and the outbox holds no bytes), with its download link in the email.
   */
  async function certificatesFor(row: Row, extras: RenderExtras): Promise<NonNullable<OutgoingMessage['attachments']>> {
    const ids = (row.data as unknown as OutboxData['awards-announcement']).certificates ?? [];
    const out: NonNullable<OutgoingMessage['attachments']> = [];
    extras.certificateLinks = [];
    for (const id of ids) {
      const certificate = await certificateOf(db, id);
      if (!certificate || row.person_id === null) continue;
      out.push({ filename: certificate.fileName, content: certificate.pdf, contentType: 'application/pdf' });
      extras.certificateLinks.push(certificateLink(publicBaseUrl, tokenSecret, id, row.person_id));
    }
    return out;
  }

  async function compose(row: Row, prefetched?: Map<number, RenderExtras>): Promise<OutgoingMessage> {
    if (!KNOWN_KINDS.has(row.kind)) throw new Error(`unknown email kind ${row.kind}`);
    const kind = row.kind as OutboxKind;
    if (kind === 'reply-answer') return composeAnswer(row);
    const ref = ownerTaskOf(row, kind);
    let link: string | undefined;
    let replyTo: string | undefined;
    let extras: RenderExtras = {};
    if (ref) {
      link = linkOf(ref);
      if (replyDomain) replyTo = replyAddress(tokenSecret, ref.id, replyDomain);
      if (REPLY_KINDS.has(ref.kind)) {
        const known = prefetched?.get(ref.id);
        extras = known ? { ...known } : await extrasFor(ref);
      }
      extras.replies = replyTo !== undefined;
    }
    extras.homeUrl = `${publicBaseUrl}/console/me`;
    if (kind === 'tasks-together') extras.links = togetherLinks(row.data as unknown as OutboxData['tasks-together'], row.person_id, row.email_cycle_id);
    const attachments = kind === 'awards-announcement' ? await certificatesFor(row, extras) : [];
    const rendered = renderEmail(kind, row.data as unknown as OutboxData[typeof kind], link, extras);
    return {
      to: { name: row.to_name, address: row.to_address },
      messageId: row.message_id,
      ...(replyTo ? { replyTo } : {}),
      ...rendered,
      ...(attachments.length ? { attachments } : {}),
    };
  }

  // ---- recording what happened ------------------------------------------------------------------------

  /**
   * Marks rows that are still queued; `error` null = sent. One statement for all of them. A row the
   * SMTP server accepted is marked sent even if it was marked skipped meanwhile (a batch closed
   * while its send was stopping): it was delivered.
   */
  async function mark(ids: string[], status: 'sent' | 'failed' | 'queued' | 'skipped', error: string | null): Promise<void> {
    if (!ids.length) return;
    const now = new Date();
    await db
      .updateTable('emails')
      .set({
        status,
        last_error: error,
        ...(status === 'skipped' ? {} : { attempts: sql`attempts + 1`, last_attempt_at: now }),
        updated_at: now,
        ...(status === 'sent' ? { sent_at: now } : {}),
      })
      .where('id', 'in', ids)
      .where('status', 'in', status === 'sent' ? ['queued', 'skipped'] : ['queued'])
      .execute();
  }

  /**
   * Accepted rows waiting for their mark. `add` waits when `markBatch` rows wait already, so no more
   * than that (plus the messages in flight) can be resent after a crash.
   */
  function sentMarks() {
    let pending: string[] = [];
    let flushing: Promise<void> = Promise.resolve();
    let timer: NodeJS.Timeout | undefined;
    /** Set when a mark failed (the database is unreachable): sending stops, so the window stays bounded. */
    let broken: unknown;
    const flush = (): Promise<void> => {
      if (timer) clearTimeout(timer);
      timer = undefined;
      const ids = pending;
      pending = [];
      flushing = flushing
        .then(() => (broken === undefined ? mark(ids, 'sent', null) : undefined))
        .catch((error: unknown) => {
          broken ??= error;
          log.error(
            { err: error instanceof Error ? error.message : String(error), unmarked: ids.length },
            'could not mark emails sent; they stay queued and the send stops',
          );
        });
      return flushing;
    };
    return {
      async add(id: string): Promise<void> {
        pending.push(id);
        if (pending.length >= markBatch) await flush();
        else timer ??= setTimeout(() => void flush(), markIntervalMs);
      },
      flush,
      get broken() {
        return broken;
      },
    };
  }

  type Attempt = { status: 'sent' | 'failed' | 'skipped' | 'untried' } | { status: 'temporary'; error: SmtpErrorText };

  /** Renders and sends one row; records failures at once, leaves a success to `onAccepted`. */
  async function attempt(
    row: Row,
    onAccepted: (id: string) => Promise<void>,
    stop: () => boolean = () => false,
    prefetched?: Map<number, RenderExtras>,
  ): Promise<Attempt> {
    const stale = staleReason(row);
    if (stale) {
      await mark([row.id], 'skipped', stale);
      return { status: 'skipped' };
    }
    return limit(async () => {
      // Waiting for a free place may outlast a stop: then this row stays queued, untouched.
      if (stop()) return { status: 'untried' as const };
      let message: OutgoingMessage;
      try {
        message = await compose(row, prefetched);
      } catch (error) {
        // A template bug or a malformed row: retrying cannot fix it, and it must not hold up the rest.
        const text = error instanceof Error ? error.message : String(error);
        await mark([row.id], 'failed', `render: ${text}`);
        log.error({ emailId: row.id, kind: row.kind, err: text }, 'email could not be rendered');
        return { status: 'failed' as const };
      }
      try {
        await mailer.send(message);
      } catch (error) {
        const described = describeSmtpError(error);
        if (classifySmtpError(error) === 'permanent') {
          await mark([row.id], 'failed', described.text);
          log.warn({ emailId: row.id, smtp: described }, 'email refused permanently');
          return { status: 'failed' as const };
        }
        await mark([row.id], 'queued', described.text);
        return { status: 'temporary' as const, error: described };
      }
      // Accepted by the SMTP server: from here until the mark, a crash resends this one (same Message-ID).
      await onAccepted(row.id);
      return { status: 'sent' as const };
    });
  }

  return {
    /**
     * Sends every queued row of `senderRef` (see `rowsOf` for the order). Stops between messages when `signal` is
     * aborted (the rows not tried stay queued) and after GIVE_UP_AFTER temporary failures in a row.
     * `onProgress` runs after each message (the activity heartbeats there).
     */
    async sendQueued(senderRef: string, options: { signal?: AbortSignal; onProgress?: (p: SendProgress) => void } = {}): Promise<SendQueuedResult> {
      const all = await rowsOf(senderRef);
      const progress: SendProgress = { sent: 0, failed: 0, skipped: 0, temporary: 0, untried: 0 };
      // Rows that say nothing true any more (the tasks a closed batch just closed) are skipped
      // together, one statement per reason, instead of one statement each.
      const stale = new Map<string, string[]>();
      const rows: Row[] = [];
      for (const row of all) {
        const why = staleReason(row);
        if (why === null) rows.push(row);
        else if (stale.has(why)) stale.get(why)!.push(row.id);
        else stale.set(why, [row.id]);
      }
      for (const [why, ids] of stale) await mark(ids, 'skipped', why);
      progress.skipped = all.length - rows.length;
      const prefetched = await prefetchExtras(rows);
      let lastTemporary: SmtpErrorText | undefined;
      let failingInARow = 0;
      let next = 0;
      const marks = sentMarks();
      const stop = () => options.signal?.aborted === true || failingInARow >= GIVE_UP_AFTER || marks.broken !== undefined;
      // Lanes take rows in order; the shared limiter decides how many of them compose at once (that bounds memory).
      const lane = async () => {
        while (next < rows.length && !stop()) {
          const row = rows[next++]!;
          const outcome = await attempt(row, marks.add, stop, prefetched);
          if (outcome.status === 'temporary') {
            progress.temporary++;
            failingInARow++;
            lastTemporary = outcome.error;
          } else {
            progress[outcome.status]++;
            if (outcome.status !== 'untried') failingInARow = 0;
          }
          options.onProgress?.({ ...progress });
        }
      };
      try {
        await Promise.all(Array.from({ length: Math.min(DEFAULT_COMPOSE_LIMIT, rows.length) }, lane));
      } finally {
        await marks.flush();
      }
      // The accepted rows that could not be marked stay queued: the retry resends them (same Message-ID).
      if (marks.broken !== undefined) throw marks.broken;
      progress.untried += rows.length - next;
      return { ...progress, total: all.length, stopped: options.signal?.aborted === true, ...(lastTemporary ? { lastTemporary } : {}) };
    },

    /** Sends one row by id if it is still queued (an answer to a reply), and marks it at once. */
    async sendOne(emailId: string): Promise<SendOneOutcome> {
      const row = await selectRows(db).where('e.id', '=', emailId).executeTakeFirst();
      if (!row) return { status: 'absent' };
      if (row.status !== 'queued') return { status: row.status === 'sent' ? 'sent' : row.status === 'skipped' ? 'skipped' : 'failed' };
      const outcome = await attempt(row, async (id) => mark([id], 'sent', null));
      if (outcome.status === 'temporary') return outcome;
      return { status: outcome.status === 'untried' ? 'absent' : outcome.status };
    },
  };
}

export type OutboxSender = ReturnType<typeof createOutboxSender>;
