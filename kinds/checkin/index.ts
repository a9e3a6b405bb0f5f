/** checkin: a participant's weekly progress (round = week). */
import { activeParticipants } from '../../db/participants';
import { checkinEmailDetails } from './email';
import { checkinWords } from './words';
import type { KindModule } from '../module';
import type { RenderExtras } from '../../mail/templates/data';
import { currentKeyResultsOf } from '../shared';
import { plain, withObjectives } from '../recipients';
import { checkinForm } from './form';
import { checkinHandler } from './handler';
import { checkinReply } from './reply';
import { checkinSubmissionSchema } from './schema';

export const checkinKind: KindModule<'checkin'> = {
  kind: 'checkin',
  schema: checkinSubmissionSchema,
  handler: checkinHandler,
  form: checkinForm,
  /** Participants of the batch with objectives, except those out of office that week. */
  async recipients(q) {
    let query = activeParticipants(q.db, q.cycle.id).select('p.id').where('cp.batch_no', '=', q.batchNo);
    if (q.weekStart) {
      const weekStart = q.weekStart;
      query = query.where(({ not, exists, selectFrom }) =>
        not(exists(selectFrom('absences as a').select('a.person_id').whereRef('a.person_id', '=', 'p.id').where('a.week_start', '=', weekStart))),
      );
    }
    const ids = new Set((await withObjectives(q.db, q.cycle.id, q.batchNo)).map((r) => r.id));
    return plain(
      q,
      (await query.orderBy('p.id').execute()).map((r) => r.id).filter((id) => ids.has(id)),
    );
  },
  hasSubject: false,
  followUpOwner: 'subject',
  subjectOutsideCycle: false,
  reply: checkinReply,
  words: checkinWords,
  emailDetails: checkinEmailDetails,
  /** A week's invitations list each person's key results: one query per cycle for the whole batch. */
  async emailExtras(db, tasks) {
    const extras = new Map<number, RenderExtras>();
    for (const cycleId of new Set(tasks.map((t) => t.cycleId))) {
      const mine = tasks.filter((t) => t.cycleId === cycleId);
      const keyResults = await currentKeyResultsOf(db, cycleId, [...new Set(mine.map((t) => t.personId))]);
      for (const t of mine) extras.set(t.id, { keyResults: keyResults.get(t.personId) ?? [], objectives: [] });
    }
    return extras;
  },
};
