/**
 * Every kind of email the outbox holds, and the data its row stores (`emails.data`). Queued by
 * activities; rendered at send time by `renderEmail` (mail/templates/index.ts), which derives task
 * links from the row's task, so no token is ever stored.
 */
import type { Locale, TaskKind, TaskStatus } from '../../contract';
import type { ReplyProblem } from '../../kinds/reply-grammar';
import type { KeyResultOption, KindContext } from '../../kinds/types';

interface Base {
  locale: Locale;
  /** The recipient's name. */
  personName: string;
  cycleTitle: string;
  timeZone: string;
}

export interface EmailData {
  /** A new task for the recipient (link to it; how to reply). */
  'task-invite': Base & { taskKind: TaskKind; dueAt: string; round: number; subjectName?: string; comment?: string };
  /** A reminder before the due time; `reminderNo` counts from 0 in the schedule's order. */
  'task-reminder': Base & {
    taskKind: TaskKind;
    dueAt: string;
    round: number;
    reminderNo: number;
    subjectName?: string;
    /** Sent by hand: HR's "remind now" names its sender; an ambassador's (or HR's) nudge names its sender and what they are. */
    remindedBy?: string;
    nudgedBy?: string;
    nudgedAs?: 'ambassador' | 'hr';
  };
  /** To a manager or HR: someone's task is overdue (for check-ins: a missed check-in). */
  'task-escalation': Base & { taskKind: TaskKind; dueAt: string; round: number; ownerName: string; ownerEmail: string; level: 'manager' | 'hr' };
  /** Every participant: the award winners. */
  /**
   * `certificates`: the winning nominations of this recipient; the sender renders each one's PDF
   * certificate at send time and attaches it (the row stores no bytes).
   */
  'awards-announcement': Base & {
    /** `award` and `story` (the objective and key results with scores): rows queued before them have neither. */
    winners: { label: string; citation: string; award?: string; story?: string[] }[];
    announcement?: string;
    certificates?: number[];
  };
  /** Every participant: the cycle was cancelled; their open tasks are closed. */
  /** `awardsRun`: a yearly awards run was cancelled, not an OKR cycle. */
  'cycle-cancelled': Base & { reason?: string; awardsRun?: true };
  /** Weekly, to each manager: who checked in, who did not, key results with low confidence. */
  'manager-digest': Base & {
    week: number;
    checkedIn: string[];
    missed: string[];
    /** One line per person (rows queued before this change also name a key result). */
    lowConfidence: { person: string; keyResult?: string; confidence: number }[];
  };
  /** To the author: their reviewer approved their OKRs (changes requested arrive as the next round's task). */
  'review-outcome': Base & { decision: 'approve' | 'changes'; reviewerName: string; comment?: string; dueAt?: string };
  /** To each participant once calibrated: the final scores and the manager's comment. */
  'final-score': Base & {
    managerName: string;
    /** The person's overall score (0–1), null when nothing was scored. */
    overall: number | null;
    comment?: string;
    objectives: { title: string; score: number | null; keyResults: { title: string; score: number | null }[] }[];
  };
  /** One email for several tasks of one kind that opened together (a manager's reviews); each task keeps its own link. */
  'tasks-together': Base & {
    taskKind: TaskKind;
    round: number;
    dueAt: string;
    tasks: { taskId: number; subjectPersonId: number | null; subjectName: string }[];
  };
}

export type EmailKind = keyof EmailData;
export const TASK_EMAIL_KINDS: readonly EmailKind[] = ['task-invite', 'task-reminder'];
/** Every kind the outbox may hold (a row of another kind is a bug and fails to render). */
export const EMAIL_KINDS: readonly EmailKind[] = [
  'task-invite',
  'task-reminder',
  'task-escalation',
  'awards-announcement',
  'cycle-cancelled',
  'manager-digest',
  'review-outcome',
  'final-score',
  'tasks-together',
];

/** What the answer to a reply stores (`emails.data` of a 'reply-answer' row). */
export interface ReplyAnswerData {
  locale: Locale;
  personName: string;
  cycleTitle: string;
  timeZone: string;
  taskKind: TaskKind;
  round: number;
  subjectName?: string;
  /** completed: recorded; rejected: not understood or not valid, task still open; closed: the task was no longer open; unsupported: this kind needs the link. */
  outcome: 'completed' | 'rejected' | 'closed' | 'unsupported';
  /** completed: what was recorded. */
  recorded?: { label: string; title?: string; value?: string; done?: boolean }[];
  confidence?: number;
  decision?: 'approve' | 'changes';
  comment?: string;
  report?: string;
  /** rejected: every problem found. */
  problems?: ReplyProblem[];
  /** closed: how the task ended. */
  status?: TaskStatus;
  /** The Message-ID of the reply this answers (threading). */
  inReplyTo?: string;
}

/** Every kind the outbox holds. */
export type OutboxData = EmailData & { 'reply-answer': ReplyAnswerData };
export type OutboxKind = keyof OutboxData;

/** What the sender adds at send time from the task's current state (never stored). */
export interface RenderExtras {
  /** Show how to complete the task by reply (the email carries a Reply-To). */
  replies?: boolean;
  /** check-in, self-score, calibrate: the key results, numbered KR1… in this order. */
  keyResults?: KeyResultOption[];
  /** review, strategy-review: the objectives under review. */
  objectives?: KindContext['objectives'];
  /** check-in: the confidence to pre-fill (the last one given). */
  confidence?: number;
  /** tasks-together: each task's personal link, by task id. */
  links?: Record<number, string>;
  /** The person's OKR home (/console/me): every task email ends with a link to it. */
  homeUrl?: string;
  /** awards-announcement to a winner: the download link of each attached certificate. */
  certificateLinks?: string[];
}

export interface RenderedEmail {
  subject: string;
  text: string;
  html: string;
}
