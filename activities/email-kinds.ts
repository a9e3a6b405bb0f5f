/**
 * Every kind of email the outbox holds, and the data its row stores (`emails.data`). Queued by
 * activities; rendered at send time by `renderEmail` (email-templates.ts), which derives task
 * links from the row's task, so no token is ever stored.
 */
import type { Locale, TaskKind } from '../contract';

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
  'task-reminder': Base & { taskKind: TaskKind; dueAt: string; round: number; reminderNo: number; subjectName?: string };
  /** To a manager or HR: someone's task is overdue (for check-ins: a missed check-in). */
  'task-escalation': Base & { taskKind: TaskKind; dueAt: string; round: number; ownerName: string; ownerEmail: string; level: 'manager' | 'hr' };
  /** Every participant: the award winners. */
  'awards-announcement': Base & { winners: { label: string; citation: string }[]; announcement?: string };
  /** Every participant: the cycle was cancelled; their open tasks are closed. */
  'cycle-cancelled': Base & { reason?: string };
  /** Weekly, to each manager: who checked in, who did not, key results with low confidence. */
  'manager-digest': Base & {
    week: number;
    checkedIn: string[];
    missed: string[];
    lowConfidence: { person: string; keyResult: string; confidence: number }[];
  };
}

export type EmailKind = keyof EmailData;
export const TASK_EMAIL_KINDS: readonly EmailKind[] = ['task-invite', 'task-reminder'];
