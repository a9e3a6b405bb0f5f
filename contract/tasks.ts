/**
 * Tasks: every human step. Submission schemas live here so the task page, the JSON API, replies
 * by email and the workflow's update validator check exactly the same rules. Workflow-safe.
 */
import { z } from 'zod';
import type { Phase } from './cycles';
import { text } from './text';

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

/** Kinds whose task is about another person (the one reviewed or calibrated). */
export const KINDS_WITH_SUBJECT: readonly TaskKind[] = ['strategy-review', 'review', 'calibrate'];

const title = text().trim().min(3, 'at least 3 characters').max(200, 'at most 200 characters');
const finite = z.number({ message: 'must be a number' }).finite();
const id = z.number({ message: 'must be an id' }).int().positive();
const comment = text().trim().max(2000, 'at most 2,000 characters');

export const keyResultSchema = z.discriminatedUnion(
  'kind',
  [
    z
      .object({ kind: z.literal('numeric'), title, start: finite, target: finite, unit: text().trim().min(1, 'must not be empty').max(20) })
      .refine((kr) => kr.target !== kr.start, { path: ['target'], message: 'must differ from start' }),
    z
      .object({ kind: z.literal('percent'), title, start: finite.min(0).max(100).default(0), target: finite.min(0).max(100).default(100) })
      .refine((kr) => kr.target !== kr.start, { path: ['target'], message: 'must differ from start' }),
    z.object({ kind: z.literal('milestone'), title }),
  ],
  { error: 'kind must be numeric, percent or milestone' },
);
export type KeyResultInput = z.infer<typeof keyResultSchema>;

export const objectiveSchema = z.object({
  title,
  /** The objective this one serves (a company objective or the manager's). */
  parentObjectiveId: id.optional(),
  keyResults: z.array(keyResultSchema).min(2, 'at least 2 key results').max(5, 'at most 5 key results'),
});

/** drafting: 1–5 objectives of 2–5 key results, each aligned to a parent where one exists. */
export const draftSubmissionSchema = z.object({
  objectives: z.array(objectiveSchema).min(1, 'at least 1 objective').max(5, 'at most 5 objectives'),
});
export type DraftSubmission = z.infer<typeof draftSubmissionSchema>;

/** strategy: company objectives have no parent. */
export const strategySubmissionSchema = z.object({
  objectives: z.array(objectiveSchema.omit({ parentObjectiveId: true })).min(1, 'at least 1 objective').max(5, 'at most 5 objectives'),
});
export type StrategySubmission = z.infer<typeof strategySubmissionSchema>;

/** strategy-review and review: approve, or request changes with a comment that says what. */
export const reviewSubmissionSchema = z.discriminatedUnion(
  'decision',
  [
    z.object({ decision: z.literal('approve'), comment: comment.optional() }),
    z.object({ decision: z.literal('changes'), comment: comment.min(3, 'say what should change (at least 3 characters)') }),
  ],
  { error: 'decision must be approve or changes' },
);
export type ReviewSubmission = z.infer<typeof reviewSubmissionSchema>;

/** checkin: each key result's progress, a confidence, execution items (OKR-E) and a short report. */
export const checkinSubmissionSchema = z.object({
  keyResults: z
    .array(
      z
        .object({ keyResultId: id, value: finite.optional(), done: z.boolean().optional() })
        .refine((k) => k.value !== undefined || k.done !== undefined, { message: 'give a value or done' }),
    )
    .min(1, 'at least 1 key result')
    .max(25),
  confidence: z.number({ message: 'must be a number' }).int('a whole number').min(1, 'from 1 to 10').max(10, 'from 1 to 10'),
  items: z
    .array(
      z.object({
        keyResultId: id,
        kind: z.enum(['project', 'task'], { error: 'kind must be project or task' }),
        title: text().trim().min(1, 'must not be empty').max(200),
        status: z.enum(['planned', 'in-progress', 'done']).default('in-progress'),
      }),
    )
    .max(50)
    .default([]),
  report: text().trim().max(5000, 'at most 5,000 characters').default(''),
});
export type CheckinSubmission = z.infer<typeof checkinSubmissionSchema>;

const score = z.number({ message: 'must be a number' }).min(0, 'from 0.0 to 1.0').max(1, 'from 0.0 to 1.0');

/** self-score and calibrate: a score from 0.0 to 1.0 for each key result (0.7 is good). */
export const scoreSubmissionSchema = z.object({
  scores: z.array(z.object({ keyResultId: id, score, comment: comment.optional() })).min(1, 'score at least 1 key result').max(25),
  comment: comment.optional(),
});
export type ScoreSubmission = z.infer<typeof scoreSubmissionSchema>;

/** nominate: up to 3 objectives or people, each with a citation. */
export const nominateSubmissionSchema = z.object({
  nominations: z
    .array(
      z.union([
        z.object({ objectiveId: id, citation: comment.min(10, 'at least 10 characters') }),
        z.object({ personEmail: z.email({ message: 'must be an email address' }), citation: comment.min(10, 'at least 10 characters') }),
      ]),
    )
    .max(3, 'at most 3 nominations'),
});
export type NominateSubmission = z.infer<typeof nominateSubmissionSchema>;

/** vote: up to 3 nominations; finalize: the winning nominations. */
export const voteSubmissionSchema = z.object({
  nominationIds: z.array(id).min(1, 'vote for at least 1 nomination').max(3, 'at most 3 votes').refine((a) => new Set(a).size === a.length, 'each nomination once'),
});
export type VoteSubmission = z.infer<typeof voteSubmissionSchema>;

export const finalizeSubmissionSchema = z.object({
  winnerNominationIds: z.array(id).max(10, 'at most 10 winners').refine((a) => new Set(a).size === a.length, 'each nomination once'),
  announcement: comment.optional(),
});
export type FinalizeSubmission = z.infer<typeof finalizeSubmissionSchema>;

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
