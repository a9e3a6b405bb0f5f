/** self-score and calibrate submissions. Workflow-safe (the contract re-exports it). */
import { z } from 'zod';
import { choiceOf, comment } from '../schema-parts';

const score = z.number({ message: 'must be a number' }).min(0, 'from 0.0 to 1.0').max(1, 'from 0.0 to 1.0');

/** A score from 0.0 to 1.0 for each key result (0.7 is good). */
export const scoreSubmissionSchema = z.object({
  scores: z
    .array(z.object({ keyResultId: choiceOf('a key result'), score, comment: comment.optional() }))
    .min(1, 'score at least 1 key result')
    .max(25),
  comment: comment.optional(),
});
export type ScoreSubmission = z.infer<typeof scoreSubmissionSchema>;
