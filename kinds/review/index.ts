/** review (a manager, or HR, approves a participant's objectives) and strategy-review (HR approves an executive's). */
import type { KindModule } from '../module';
import { reviewEmailDetails } from './email';
import { reviewWords, strategyReviewWords } from './words';
import { reviewersOfBatch } from '../recipients';
import { reviewForm } from './form';
import { reviewHandler, strategyReviewHandler } from './handler';
import { reviewReply } from './reply';
import { reviewSubmissionSchema } from './schema';

export const strategyReviewKind: KindModule<'strategy-review'> = {
  kind: 'strategy-review',
  schema: reviewSubmissionSchema,
  handler: strategyReviewHandler,
  form: reviewForm,
  /** Opened one by one as executives submit (a follow-up of strategy). */
  recipients: async () => [],
  hasSubject: true,
  followUpOwner: 'hr',
  subjectOutsideCycle: true,
  laterRounds: 'revised',
  reply: reviewReply,
  words: strategyReviewWords,
  emailDetails: reviewEmailDetails,
};

export const reviewKind: KindModule<'review'> = {
  kind: 'review',
  schema: reviewSubmissionSchema,
  handler: reviewHandler,
  form: reviewForm,
  recipients: reviewersOfBatch,
  hasSubject: true,
  followUpOwner: 'reviewer',
  subjectOutsideCycle: false,
  laterRounds: 'revised',
  reply: reviewReply,
  words: reviewWords,
  emailDetails: reviewEmailDetails,
};
