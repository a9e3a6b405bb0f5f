/** strategy-review and review submissions. Workflow-safe (the contract re-exports it). */
import { z } from 'zod';
import { comment } from '../schema-parts';

/** Approve, or request changes with a comment that says what. */
export const reviewSubmissionSchema = z.discriminatedUnion(
  'decision',
  [
    z.object({ decision: z.literal('approve'), comment: comment.optional() }),
    z.object({ decision: z.literal('changes'), comment: comment.min(3, 'say what should change (at least 3 characters)') }),
  ],
  { error: 'choose approve or request changes' },
);
export type ReviewSubmission = z.infer<typeof reviewSubmissionSchema>;
