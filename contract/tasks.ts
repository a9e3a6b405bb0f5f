/**
 * Tasks: every human step. Each kind's submission schema lives in its folder
 * (kinds/<kind>/schema.ts) and is re-exported here, so the task page, the JSON API, replies by
 * email and the workflow's update validator check exactly the same rules. Workflow-safe.
 */
import type { z } from 'zod';
import { finalizeSubmissionSchema, nominateSubmissionSchema, voteSubmissionSchema } from '../kinds/awards/schema';
import { checkinSubmissionSchema } from '../kinds/checkin/schema';
import { draftSubmissionSchema, strategySubmissionSchema } from '../kinds/objectives/schema';
import { reviewSubmissionSchema } from '../kinds/review/schema';
import { scoreSubmissionSchema } from '../kinds/score/schema';
import type { Phase } from './cycles';

export * from '../kinds/awards/schema';
export * from '../kinds/checkin/schema';
export * from '../kinds/objectives/schema';
export * from '../kinds/review/schema';
export * from '../kinds/score/schema';

/**
 * - strategy: an executive drafts company objectives;  strategy-review: HR approves them or sends them back
 * - draft: a participant drafts objectives;             review: the manager (or HR) approves or requests changes
 * - checkin: weekly progress;                           self-score / calibrate: scoring
 * - nominate: managers and ambassadors;                 vote: the award committee;  finalize: HR picks winners
 */
export const TASK_KINDS = ['strategy', 'strategy-review', 'draft', 'review', 'checkin', 'self-score', 'calibrate', 'nominate', 'vote', 'finalize'] as const;
export type TaskKind = (typeof TASK_KINDS)[number];

export const TASK_STATUSES = ['open', 'completed', 'expired', 'cancelled'] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];

export const PHASE_OF_KIND: Record<TaskKind, Phase> = {
  strategy: 'strategy',
  'strategy-review': 'strategy',
  draft: 'drafting',
  review: 'review',
  checkin: 'checkins',
  'self-score': 'scoring',
  calibrate: 'scoring',
  nominate: 'awards',
  vote: 'awards',
  finalize: 'awards',
};

/** What each review kind decides on: an executive's strategy, a participant's draft. */
export const REVIEW_OF = { 'strategy-review': 'strategy', review: 'draft' } as const satisfies Partial<Record<TaskKind, TaskKind>>;
export type ReviewKind = keyof typeof REVIEW_OF;
export type ReviewedKind = (typeof REVIEW_OF)[ReviewKind];
/** The review kind that decides on each reviewed kind. */
export const REVIEWED_BY = { strategy: 'strategy-review', draft: 'review' } as const satisfies { [K in ReviewedKind]: ReviewKind };

/** Kinds whose task is about another person (the one reviewed or calibrated). */
export const KINDS_WITH_SUBJECT: readonly TaskKind[] = ['strategy-review', 'review', 'calibrate'];

/** The schema that checks a submission for each kind of task. */
export const submissionSchemas = {
  strategy: strategySubmissionSchema,
  'strategy-review': reviewSubmissionSchema,
  draft: draftSubmissionSchema,
  review: reviewSubmissionSchema,
  checkin: checkinSubmissionSchema,
  'self-score': scoreSubmissionSchema,
  calibrate: scoreSubmissionSchema,
  nominate: nominateSubmissionSchema,
  vote: voteSubmissionSchema,
  finalize: finalizeSubmissionSchema,
} satisfies Record<TaskKind, z.ZodType>;

export type SubmissionOf<K extends TaskKind> = z.infer<(typeof submissionSchemas)[K]>;
export type AnySubmission = SubmissionOf<TaskKind>;

/** A task as its owner and the API see it. Dates are ISO strings. */
export interface TaskView {
  id: number;
  cycleKey: string;
  kind: TaskKind;
  phase: Phase;
  round: number;
  status: TaskStatus;
  ownerEmail: string;
  ownerName: string;
  subjectEmail: string | null;
  dueAt: string;
  completedAt: string | null;
}
