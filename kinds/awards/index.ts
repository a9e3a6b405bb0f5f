/** The awards: nominate (managers and ambassadors), vote (the award committee, else HR), finalize (HR). */
import { sql } from 'kysely';
import { finalizeWords, nominateWords, voteWords } from './words';
import { activeParticipants } from '../../db/participants';
import type { KindModule } from '../module';
import { plain } from '../recipients';
import { finalizeForm, voteForm } from './ballot-form';
import { finalizeHandler, nominateHandler, voteHandler } from './handler';
import { nominateForm } from './nominate-form';
import { finalizeSubmissionSchema, nominateSubmissionSchema, voteSubmissionSchema } from './schema';
import { finalizeSealed } from './sealed-bonus';

export const nominateKind: KindModule<'nominate'> = {
  kind: 'nominate',
  schema: nominateSubmissionSchema,
  handler: nominateHandler,
  form: nominateForm,
  /** Participants of the batch who manage other participants, and ambassadors. */
  async recipients(q) {
    const rows = await activeParticipants(q.db, q.cycle.id).select(['p.id', 'p.roles']).where('cp.batch_no', '=', q.batchNo).orderBy('p.id').execute();
    return plain(
      q,
      rows.filter((r) => q.managers.has(r.id) || r.roles.includes('ambassador')).map((r) => r.id),
    );
  },
  hasSubject: false,
  followUpOwner: 'subject',
  subjectOutsideCycle: false,
  words: nominateWords,
};

export const voteKind: KindModule<'vote'> = {
  kind: 'vote',
  schema: voteSubmissionSchema,
  handler: voteHandler,
  form: voteForm,
  /** The award committee, or HR when there is none; once per cycle (batch 0). */
  async recipients(q) {
    if (q.batchNo !== 0) return [];
    const committee = await q.db
      .selectFrom('people')
      .select('id')
      .where('active', '=', true)
      .where(sql<boolean>`'award-committee' = any(roles)`)
      .orderBy('id')
      .execute();
    if (committee.length)
      return plain(
        q,
        committee.map((r) => r.id),
      );
    const hr = await q.db
      .selectFrom('people')
      .select('id')
      .where('active', '=', true)
      .where(sql<boolean>`'hr' = any(roles)`)
      .orderBy('id')
      .execute();
    return plain(
      q,
      hr.map((r) => r.id),
    );
  },
  hasSubject: false,
  followUpOwner: 'subject',
  subjectOutsideCycle: false,
  words: voteWords,
};

export const finalizeKind: KindModule<'finalize'> = {
  kind: 'finalize',
  schema: finalizeSubmissionSchema,
  handler: finalizeHandler,
  form: finalizeForm,
  /** The cycle's HR owner, once (batch 0). */
  recipients: async (q) => (q.batchNo === 0 ? plain(q, [q.cycle.hrPersonId]) : []),
  hasSubject: false,
  followUpOwner: 'subject',
  subjectOutsideCycle: false,
  words: finalizeWords,
  /** The bonuses stay out of the workflow and of tasks.result (kinds/awards/sealed-bonus.ts). */
  sealed: finalizeSealed,
};
