/** checkin submissions. Workflow-safe (the contract re-exports it). */
import { z } from 'zod';
import { text } from '../../contract/text';
import { choiceOf, finite } from '../schema-parts';

/** Each key result's progress, a confidence, execution items (OKR-E) and a short report. */
export const checkinSubmissionSchema = z.object({
  keyResults: z
    .array(
      z
        .object({ keyResultId: choiceOf('a key result'), value: finite.optional(), done: z.boolean().optional() })
        .refine((k) => k.value !== undefined || k.done !== undefined, { message: 'give a value or done', params: { code: 'checkin.value-or-done' } }),
    )
    .min(1, 'at least 1 key result')
    .max(25),
  confidence: z.number({ message: 'must be a number' }).int('a whole number').min(1, 'from 1 to 10').max(10, 'from 1 to 10'),
  items: z
    .array(
      z.object({
        keyResultId: choiceOf('a key result'),
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
