/**
 * Everything one kind of task brings, behind one interface: the registry (kinds/index.ts) holds
 * one `KindModule` per kind, and code outside kinds/ asks it instead of naming kinds.
 */
import type { FieldIssue, TaskKind, submissionSchemas } from '../contract';
import type { KindWordsByLocale } from '../i18n/kind-words';
import type { MailWords } from '../i18n/mail';
import type { RenderExtras } from '../mail/templates/data';
import type { Block } from '../mail/templates/layout';
import type { TaskForm } from './form';
import type { Recipient, RecipientQuery } from './recipients';
import type { ReplyGrammar } from './reply-grammar';
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema';
import type { KindHandler, TaskRef } from './types';

export interface KindModule<K extends TaskKind = TaskKind> {
  kind: K;
  /** The submission's schema (kinds/<kind>/schema.ts, re-exported by the contract). */
  schema: (typeof submissionSchemas)[K];
  /** What the person sees before acting, and what the submission changes in the database. */
  handler: KindHandler<K>;
  /** The task page's fields. */
  form: TaskForm;
  /** Who gets the task when its phase opens a batch ([] for kinds opened only as follow-ups). */
  recipients(query: RecipientQuery): Promise<Recipient[]>;
  /** The task is about another person (the one reviewed or calibrated; the executive for a strategy review). */
  hasSubject: boolean;
  /**
   * Who owns a follow-up task of this kind opened by a completion: the subject themself, the
   * subject's reviewer (manager in the cycle, else HR), or the cycle's HR owner.
   */
  followUpOwner: 'subject' | 'reviewer' | 'hr';
  /** A follow-up is opened even when the subject is not a participant of the cycle (executives). */
  subjectOutsideCycle: boolean;
  /** What a round after the first is, for its email's subject: a redraft after changes were requested, or a revised draft to look at again. */
  laterRounds?: 'changes' | 'revised';
  /** How to complete the task by replying to its email; absent: the link only. */
  reply?: ReplyGrammar;
  /** The kind's words for its page and its emails, in every language. */
  words: KindWordsByLocale;
  /** What the task's email lists from the task's current state (key results, objectives under review). */
  emailDetails?: (extras: RenderExtras, w: MailWords) => Block[];
  /**
   * What the emails of many tasks of this kind need from their state, read at once (a batch's
   * invitations), by task id; the same as each task's `handler.context` would give the email.
   * Without it, each email reads its task's context on its own.
   */
  emailExtras?: (db: Kysely<DB>, tasks: TaskRef[]) => Promise<Map<number, RenderExtras>>;
  /**
   * Fields of the submission that never travel to the workflow (so neither Temporal's history nor
   * tasks.result holds them): the completion path takes them out, checks them and keeps them in
   * the database before it sends the rest; the handler's `record` reads them back.
   */
  sealed?: SealedFields;
}

export interface SealedFields {
  /**
   * Splits a submission: `rest` is what travels to the workflow; `issues` refuse the submission
   * (then nothing is kept); `keep` stores the sealed values for the task, replacing what an
   * earlier attempt stored.
   */
  take(submission: unknown): { rest: unknown; issues: FieldIssue[]; keep(db: Kysely<DB>, taskId: number): Promise<void> };
  /** Forgets what `keep` stored for the task (its submission was refused). */
  drop(db: Kysely<DB>, taskId: number): Promise<void>;
}
