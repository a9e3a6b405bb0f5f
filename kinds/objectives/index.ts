/** draft (a participant's objectives) and strategy (an executive's company objectives). */
import { sql } from 'kysely';
import { draftWords, strategyWords } from './words';
import { draftSubmissionSchema, strategySubmissionSchema } from './schema';
import { activeParticipants } from '../../db/participants';
import type { KindModule } from '../module';
import { plain } from '../recipients';
import { draftForm, strategyForm } from './form';
import { draftHandler, strategyHandler } from './handler';

export const strategyKind: KindModule<'strategy'> = {
  kind: 'strategy',
  schema: strategySubmissionSchema,
  handler: strategyHandler,
  form: strategyForm,
  /** Every active executive, once per cycle (batch 0). */
  async recipients(q) {
    if (q.batchNo !== 0) return [];
    const rows = await q.db
      .selectFrom('people')
      .select('id')
      .where('active', '=', true)
      .where(sql<boolean>`'executive' = any(roles)`)
      .orderBy('id')
      .execute();
    return plain(
      q,
      rows.map((r) => r.id),
    );
  },
  hasSubject: false,
  followUpOwner: 'subject',
  subjectOutsideCycle: true,
  laterRounds: 'changes',
  words: strategyWords,
};

export const draftKind: KindModule<'draft'> = {
  kind: 'draft',
  schema: draftSubmissionSchema,
  handler: draftHandler,
  form: draftForm,
  /** Every active participant of the batch. */
  async recipients(q) {
    const rows = await activeParticipants(q.db, q.cycle.id).select('p.id').where('cp.batch_no', '=', q.batchNo).orderBy('p.id').execute();
    return plain(
      q,
      rows.map((r) => r.id),
    );
  },
  hasSubject: false,
  followUpOwner: 'subject',
  subjectOutsideCycle: false,
  laterRounds: 'changes',
  words: draftWords,
};
