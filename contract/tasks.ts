/**
 * Tasks: every human step. Submission schemas live here so the task page, the JSON API and the
 * workflow's update validator check exactly the same rules. Workflow-safe.
 */
import { z } from 'zod';
import type { Phase } from './cycles';

export const TASK_KINDS = ['draft'] as const;
export type TaskKind = (typeof TASK_KINDS)[number];

export const TASK_STATUSES = ['open', 'completed', 'expired', 'cancelled'] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];

export const PHASE_OF_KIND: Record<TaskKind, Phase> = { draft: 'drafting' };

const title = z.string().trim().min(3, 'at least 3 characters').max(200, 'at most 200 characters');
const finite = z.number({ message: 'must be a number' }).finite();

export const keyResultSchema = z.discriminatedUnion(
  'kind',
  [
    z
      .object({ kind: z.literal('numeric'), title, start: finite, target: finite, unit: z.string().trim().min(1, 'must not be empty').max(20) })
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
  parentObjectiveId: z.number().int().positive().optional(),
  keyResults: z.array(keyResultSchema).min(2, 'at least 2 key results').max(5, 'at most 5 key results'),
});

export const draftSubmissionSchema = z.object({
  objectives: z.array(objectiveSchema).min(1, 'at least 1 objective').max(5, 'at most 5 objectives'),
});
export type DraftSubmission = z.infer<typeof draftSubmissionSchema>;

/** The schema that checks a submission for each kind of task. */
export const submissionSchemas = {
  draft: draftSubmissionSchema,
} satisfies Record<TaskKind, z.ZodType>;

export type SubmissionOf<K extends TaskKind> = z.infer<(typeof submissionSchemas)[K]>;

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
  dueAt: string;
  completedAt: string | null;
}
