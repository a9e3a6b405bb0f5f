/** self-score (each participant) and calibrate (the manager, or HR, sets the final score). */
import type { KindModule } from '../module';
import { scoreEmailDetails } from './email';
import { calibrateWords, selfScoreWords } from './words';
import { plain, reviewersOfBatch, withObjectives } from '../recipients';
import { calibrateForm, selfScoreForm } from './form';
import { calibrateHandler, selfScoreHandler } from './handler';
import { scoreReply } from './reply';
import { scoreSubmissionSchema } from './schema';

export const selfScoreKind: KindModule<'self-score'> = {
  kind: 'self-score',
  schema: scoreSubmissionSchema,
  handler: selfScoreHandler,
  form: selfScoreForm,
  /** Participants of the batch with objectives. */
  recipients: async (q) =>
    plain(
      q,
      (await withObjectives(q.db, q.cycle.id, q.batchNo)).map((r) => r.id),
    ),
  hasSubject: false,
  followUpOwner: 'subject',
  subjectOutsideCycle: false,
  reply: scoreReply('self'),
  words: selfScoreWords,
  emailDetails: scoreEmailDetails,
};

export const calibrateKind: KindModule<'calibrate'> = {
  kind: 'calibrate',
  schema: scoreSubmissionSchema,
  handler: calibrateHandler,
  form: calibrateForm,
  recipients: reviewersOfBatch,
  hasSubject: true,
  followUpOwner: 'reviewer',
  subjectOutsideCycle: false,
  reply: scoreReply('calibrate'),
  words: calibrateWords,
  emailDetails: scoreEmailDetails,
};
