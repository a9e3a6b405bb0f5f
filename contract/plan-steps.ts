/**
 * What each phase of a plan opens: the kind of task, when, due when, and for whom — read off the
 * calendar (`planCycle`) in the order the cycle workflow opens them (workflows/phases.ts). Pure;
 * the preview counts invitations, reminders and escalations from it.
 */
import type { Phase } from './cycles';
import type { AwardsStep, CyclePlan, TaskEvents } from './plan';
import type { TaskKind } from './tasks';

/** Who receives a step's tasks. `nonManagers`: the participants who manage nobody in the cycle. */
export type StepAudience = 'executives' | 'participants' | 'managers' | 'nonManagers' | 'nominators' | 'voters' | 'hr';

export interface PlanStep {
  phase: Phase;
  kind: TaskKind;
  opensAt: string;
  dueAt: string;
  audience: StepAudience;
  week?: number;
  /** The due events when they are not the schedule's usual ones (check-in weeks). */
  events?: TaskEvents;
}

const AWARDS_AUDIENCE: Record<AwardsStep, StepAudience> = { nominate: 'nominators', vote: 'voters', finalize: 'hr' };

export function planSteps(plan: CyclePlan): PlanStep[] {
  const phase = (p: Phase) => plan.phases.find((x) => x.phase === p)!;
  const strategy = phase('strategy');
  const drafting = phase('drafting');
  const review = phase('review');
  const steps: PlanStep[] = [{ phase: 'strategy', kind: 'strategy', opensAt: strategy.opensAt, dueAt: strategy.dueAt, audience: 'executives' }];
  const draft = { phase: 'drafting', kind: 'draft', opensAt: drafting.opensAt } as const;
  if (drafting.managerDueAt)
    steps.push({ ...draft, dueAt: drafting.managerDueAt, audience: 'managers' }, { ...draft, dueAt: drafting.dueAt, audience: 'nonManagers' });
  else steps.push({ ...draft, dueAt: drafting.dueAt, audience: 'participants' });
  steps.push({ phase: 'review', kind: 'review', opensAt: review.opensAt, dueAt: review.dueAt, audience: 'participants' });
  for (const w of plan.checkinWeeks)
    steps.push({ phase: 'checkins', kind: 'checkin', opensAt: w.opensAt, dueAt: w.dueAt, audience: 'participants', week: w.week, events: w.events });
  steps.push({ phase: 'scoring', kind: 'self-score', opensAt: plan.scoring.opensAt, dueAt: plan.scoring.selfScoreDueAt, audience: 'participants' });
  // Calibrations open as self-scores arrive; at the latest when self-scores are due.
  steps.push({ phase: 'scoring', kind: 'calibrate', opensAt: plan.scoring.selfScoreDueAt, dueAt: plan.scoring.dueAt, audience: 'participants' });
  for (const s of plan.awards?.steps ?? [])
    steps.push({ phase: 'awards', kind: s.step, opensAt: s.opensAt, dueAt: s.dueAt, audience: AWARDS_AUDIENCE[s.step] });
  return steps;
}
