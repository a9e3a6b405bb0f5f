/** nominate, vote and finalize submissions. Workflow-safe (the contract re-exports it). */
import { z } from 'zod';
import { text } from '../../contract/text';
import { choiceOf, comment, finite } from '../schema-parts';

/** nominate: up to 3 objectives or people, each with a citation. */
export const nominateSubmissionSchema = z.object({
  nominations: z
    .array(
      z.union([
        z.object({ objectiveId: choiceOf('an objective'), citation: comment.min(10, 'at least 10 characters') }),
        z.object({ personEmail: z.email({ message: 'must be an email address' }), citation: comment.min(10, 'at least 10 characters') }),
      ]),
    )
    .max(3, 'at most 3 nominations'),
});
export type NominateSubmission = z.infer<typeof nominateSubmissionSchema>;

/** vote: up to 3 nominations. */
export const voteSubmissionSchema = z.object({
  nominationIds: z
    .array(choiceOf('a nomination'))
    .min(1, 'vote for at least 1 nomination')
    .max(3, 'at most 3 votes')
    .refine((a) => new Set(a).size === a.length, { message: 'each nomination once', params: { code: 'ids.unique' } }),
});
export type VoteSubmission = z.infer<typeof voteSubmissionSchema>;

/**
 * HR's pick for one winner: the award's name and the certificate's citation (default: the
 * nominators' citations), and a bonus. The amount (≥ 0, cents at most) and the ISO 4217 code are
 * checked as rules (kinds/awards/sealed-bonus.ts), so both read in every language. The bonus is
 * taken out before the submission travels to the workflow (the batch sees details without it);
 * it stays in the schema for the form, JSON clients and the histories recorded with it.
 */
export const awardDetailSchema = z.object({
  nominationId: choiceOf('a nomination'),
  awardName: comment.max(120, 'at most 120 characters').optional(),
  citation: comment.optional(),
  bonusAmount: finite.optional(),
  bonusCurrency: text().trim().max(12, 'at most 12 characters').optional(),
});
export type AwardDetail = z.infer<typeof awardDetailSchema>;

/** finalize: the winning nominations, and for each winner what HR records (optional). */
export const finalizeSubmissionSchema = z.object({
  winnerNominationIds: z
    .array(choiceOf('a nomination'))
    .max(10, 'at most 10 winners')
    .refine((a) => new Set(a).size === a.length, { message: 'each nomination once', params: { code: 'ids.unique' } }),
  announcement: comment.optional(),
  awards: z.array(awardDetailSchema).max(10, 'at most 10 winners').optional(),
});
export type FinalizeSubmission = z.infer<typeof finalizeSubmissionSchema>;
