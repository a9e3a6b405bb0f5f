/** draft and strategy submissions: objectives with key results. Workflow-safe (the contract re-exports it). */
import { z } from 'zod';
import { text } from '../../contract/text';
import { choiceOf, finite, percent, title } from '../schema-parts';

export const keyResultSchema = z.discriminatedUnion(
  'kind',
  [
    z
      .object({ kind: z.literal('numeric'), title, start: finite, target: finite, unit: text().trim().min(1, 'must not be empty').max(20) })
      .refine((kr) => kr.target !== kr.start, { path: ['target'], message: 'must differ from start', params: { code: 'key-result.differ' } }),
    // Percentages may pass 100 (net revenue retention 95 → 110 %); below 0 they mean nothing.
    z
      .object({ kind: z.literal('percent'), title, start: percent.default(0), target: percent.default(100) })
      .refine((kr) => kr.target !== kr.start, { path: ['target'], message: 'must differ from start', params: { code: 'key-result.differ' } }),
    z.object({ kind: z.literal('milestone'), title }),
  ],
  { error: 'kind must be numeric, percent or milestone' },
);
export type KeyResultInput = z.infer<typeof keyResultSchema>;

export const objectiveSchema = z.object({
  title,
  /** The objective this one serves (a company objective or the manager's). */
  parentObjectiveId: choiceOf('an objective').optional(),
  keyResults: z.array(keyResultSchema).min(2, 'at least 2 key results').max(5, 'at most 5 key results'),
});

/** drafting: 1–5 objectives of 2–5 key results, each aligned to a parent where one exists. */
export const draftSubmissionSchema = z.object({
  objectives: z.array(objectiveSchema).min(1, 'at least 1 objective').max(5, 'at most 5 objectives'),
});
export type DraftSubmission = z.infer<typeof draftSubmissionSchema>;

/** strategy: company objectives have no parent. */
export const strategySubmissionSchema = z.object({
  objectives: z
    .array(objectiveSchema.omit({ parentObjectiveId: true }))
    .min(1, 'at least 1 objective')
    .max(5, 'at most 5 objectives'),
});
export type StrategySubmission = z.infer<typeof strategySubmissionSchema>;
