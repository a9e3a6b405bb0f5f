/**
 * awardsRun: a yearly awards run — nominate → vote → finalize → announce over the OKRs of the
 * cycles it covers (the article: awards are best chosen yearly). Its own workflow type, with the
 * cycle's machinery: each step a task in batch children, with the same deadlines, reminders,
 * escalation and expiry; HR advances, extends or cancels it like a cycle. Its participants, its
 * tasks and its nominations belong to the run's own cycle row (kind 'awards-run'); what the
 * voters see comes from the covered cycles (kinds/awards/subject-cycles.ts).
 */
import { AWARDS_RUN_PHASES } from '../contract';
import { type OkrCycleInput, type OkrCycleResult, runPhases } from './okr-cycle';

export type AwardsRunInput = Omit<OkrCycleInput, 'calendar'>;

export async function awardsRun(input: AwardsRunInput): Promise<OkrCycleResult> {
  return runPhases(input, AWARDS_RUN_PHASES, true);
}
