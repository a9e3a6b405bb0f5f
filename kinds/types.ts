/**
 * One handler per kind of task: what the person sees before they act (`context`) and what their
 * submission changes (`record`). The task page, the JSON API, replies by email and the workflow's
 * recordSubmission activity all go through these.
 */
import type { Kysely, Transaction } from 'kysely';
import type { FieldIssue, Locale, SubmissionOf, TaskKind } from '../contract';
import type { DB } from '../db/schema';
import type { EmailData } from '../mail/templates/data';

export interface TaskRef {
  id: number;
  kind: TaskKind;
  cycleId: number;
  /** The owner: who must act. */
  personId: number;
  ownerEmail: string;
  /** Whom the task is about (the person reviewed or calibrated; the executive for strategy-review). */
  subjectPersonId: number | null;
  round: number;
  /** The owner's language, for the words a handler puts on the page (notes, labels); English when absent. */
  locale?: Locale;
}

export interface KeyResultOption {
  keyResultId: number;
  objectiveId: number;
  objectiveTitle: string;
  title: string;
  kind: 'numeric' | 'percent' | 'milestone';
  start: number | null;
  target: number | null;
  unit: string | null;
  current: number | null;
  done: boolean | null;
  selfScore: number | null;
  score: number | null;
  /** Score suggested from progress (scoring tasks): 0.00–1.00, to 0.01. */
  suggestedScore: number | null;
}

export interface NominationOption {
  nominationId: number;
  nominator: string;
  /** "objective: <title> (<owner>)" or "person: <name>" */
  label: string;
  /** Every citation, the first nominator's first (one nomination per subject). */
  citation: string;
  citations?: { nominator: string; citation: string }[];
  /** What is nominated, for pages that say it in the person's language. */
  subject?: { kind: 'objective'; objectiveId: number; title: string; owner: string | null } | { kind: 'person'; personId: number; name: string };
  votes: number;
  /** On the vote and finalize pages: what the OKRs say about the subject. */
  evidence?: NominationEvidence;
}

/** The OKR record behind a nomination (kinds/awards/evidence.ts). */
export interface NominationEvidence {
  objectives: {
    title: string;
    /** In a yearly awards run: the cycle the objective is from. */
    cycle?: string;
    score: number | null;
    /** The objective it aligns to (the company's, or the manager's). */
    alignedTo: string | null;
    keyResults: { title: string; score: number | null; progress: { done: boolean } | { current: number; target: number; unit: string | null } | null }[];
  }[];
  /** The subject's check-ins, oldest week first. */
  checkins: { week: number; confidence: number; cycle?: string }[];
  /** The latest execution items (projects, tasks), newest first. */
  items: { week: number; kind: string; title: string; status: string; cycle?: string }[];
}

/** What a task page or a JSON client needs to show the task; every list may be empty. */
export interface KindContext {
  /** The submission so far, or a pre-filled starting point (previous draft, suggested scores). */
  values: unknown;
  /** Sentences shown above the form: the reviewer's comment, what the week is, … */
  notes: string[];
  /** For drafts: objectives to align to. */
  parents: { id: number; title: string; owner: string }[];
  /** For check-ins, scoring, calibration: the key results concerned. */
  keyResults: KeyResultOption[];
  /** For reviews: the objectives under review (with their key results). */
  objectives: { id: number; title: string; parent: string | null; keyResults: { title: string; measure: string }[] }[];
  /** For votes and finalize: the nominations. */
  nominations: NominationOption[];
  /** The person the task is about, if any. */
  subject: { name: string; email: string } | null;
  /** For nominations: the cycle's active participants (everyone but the nominator). */
  people?: { name: string; email: string }[];
  /** nominate: the picker's search and what it found (people with their objectives and scores). */
  nomineeSearch?: { query: string; results: import('./awards/nominees').Nominee[] };
}

/** What a completed task means for the workflow that owns it. */
export interface RecordOutcome {
  decision?: 'approve' | 'changes';
  comment?: string;
  /** finalize: the winning nomination ids. */
  winners?: number[];
}

/** Thrown by `record` when the submission breaks a rule that needs the database. */
export class SubmissionRejected extends Error {
  constructor(readonly issues: FieldIssue[]) {
    super(`the submission is not valid: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`);
    this.name = 'SubmissionRejected';
  }
}

export interface KindHandler<K extends TaskKind> {
  context(db: Kysely<DB>, task: TaskRef): Promise<KindContext>;
  /** Runs inside the transaction that completes the task; throws SubmissionRejected on a rule. */
  record(tx: Transaction<DB>, task: TaskRef, submission: SubmissionOf<K>): Promise<RecordOutcome>;
  /** What the completion tells other people (the author of approved OKRs, a calibrated person), queued in the same transaction after `record`. */
  notices?(tx: Transaction<DB>, task: TaskRef, submission: SubmissionOf<K>): Promise<Notice[]>;
  /** Kinds that can be corrected: removes what `record` wrote for this task, before it runs again. */
  undo?(tx: Transaction<DB>, task: TaskRef): Promise<void>;
}

/** The words of a notice; the recipient's name, language, time zone and the cycle's title are added when it is queued. */
type NoticeWords<K extends NoticeKind> = Omit<EmailData[K], 'locale' | 'personName' | 'cycleTitle' | 'timeZone'>;
export type NoticeKind = 'review-outcome' | 'final-score';
export type Notice = { [K in NoticeKind]: { kind: K; to: number; data: NoticeWords<K> } }[NoticeKind];

export type KindHandlers = { [K in TaskKind]: KindHandler<K> };
