/** Cycles: what HR posts to start one, its schedule, and the live state the workflow reports. */
import { z } from 'zod';
import { text } from './text';
import { durationSchema, nonNegativeDurationSchema } from './duration';
import { emailSchema, timeZoneSchema } from './people';
import { scheduleIssues } from './plan';

export const PHASES = ['strategy', 'drafting', 'review', 'checkins', 'scoring', 'awards'] as const;
export type Phase = (typeof PHASES)[number];

const isoDate = z.iso.date({ message: 'a calendar date as YYYY-MM-DD' });

export const cycleKeySchema = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'letters, digits, ".", "_" or "-" (at most 64), starting with a letter or digit');

export const escalationSchema = z.object({
  /** How long after the due time ("0s": at the due time). */
  after: nonNegativeDurationSchema,
  to: z.enum(['manager', 'hr']),
});

/**
 * How long each phase lasts, when check-ins happen, and how people are reminded and escalated.
 * Durations as "7d", "36h", "30s". Defaults suit a quarter; tests compress them to seconds.
 */
export const scheduleSchema = z.object({
  timeZone: timeZoneSchema.default('UTC'),
  strategy: durationSchema.default('5d'),
  drafting: durationSchema.default('7d'),
  /** Managers' drafts are due this long before their reports' (so reports can align to them). */
  managerLead: durationSchema.default('2d'),
  review: durationSchema.default('5d'),
  checkIns: z
    .object({
      /** ISO weekday (1 = Monday … 7 = Sunday) and hour in `timeZone` when each week's check-in opens. */
      weekday: z.number().int().min(1).max(7).default(1),
      hour: z.number().int().min(0).max(23).default(10),
      /** Instead of the calendar: a check-in every `every` from the end of the review, scoring after the last (compressed cycles). */
      every: durationSchema.optional(),
      /** How many check-ins with `every` (the calendar runs until endsOn). */
      weeks: z.number().int().min(0).max(26).default(13),
      /** How long a check-in stays open (at most `every`, or a week); a missed one is reported to the manager. */
      window: durationSchema.default('2d'),
    })
    .default({ weekday: 1, hour: 10, weeks: 13, window: '2d' }),
  /**
   * When planning (strategy, drafting, review) opens: "before-start" plans it backwards so the
   * review is due at `startsOn`, each phase opening at its planned date; "at-once" opens it when
   * the cycle starts, back to back (demos, tests, or a deliberate early start).
   */
  planning: z.enum(['before-start', 'at-once']).default('before-start'),
  /** Refuse the cycle unless strategy, drafting and review, started now, are due by `startsOn`. */
  fitBeforeStart: z.boolean().optional(),
  /** Self-scores are due after two thirds of it; managers' calibrations at its end. */
  scoring: durationSchema.default('7d'),
  /**
   * Nominations, votes and HR's final choice each take a third of it. `false`: the cycle has no
   * awards phase (awards are chosen in a yearly awards run over the year's cycles).
   */
  awards: z.union([durationSchema, z.literal(false)]).default('9d'),
  /** Reminders this long before a task's due time (each one once). */
  reminders: z.array(durationSchema).max(5).default(['3d', '1d']),
  /** After the due time: tell the manager, then HR. */
  escalations: z
    .array(escalationSchema)
    .max(5)
    .default([
      { after: '1d', to: 'manager' },
      { after: '2d', to: 'hr' },
    ]),
  /** An unfinished task expires this long after its due time (escalations come before). */
  expireAfter: nonNegativeDurationSchema.default('3d'),
});
export type Schedule = z.infer<typeof scheduleSchema>;

/** Why HR or an operator acts (cancel, skip): written to the audit log and told to people. */
export const reasonSchema = text().trim().min(3, 'at least 3 characters').max(500, 'at most 500 characters');

export const startCycleSchema = z
  .object({
    key: cycleKeySchema,
    title: text().trim().min(1, 'must not be empty').max(200),
    startsOn: isoDate,
    endsOn: isoDate,
    participants: z.array(emailSchema).min(1).max(20_000).optional(),
    schedule: scheduleSchema.default(scheduleSchema.parse({})),
  })
  .refine((c) => c.endsOn > c.startsOn, { path: ['endsOn'], message: 'must be after startsOn' })
  .refine((c) => Date.parse(c.endsOn) - Date.parse(c.startsOn) <= 400 * 86_400_000, { path: ['endsOn'], message: 'a cycle lasts at most 400 days' })
  .superRefine((c, ctx) => {
    for (const issue of scheduleIssues(c.schedule)) ctx.addIssue({ ...issue });
  })
  .meta({
    description:
      'endsOn must be after startsOn; every participant must be an active person; a check-in window may not be longer than the time between check-ins; with schedule.fitBeforeStart, planning must be due by startsOn (else 400 naming the field). By default (schedule.planning "before-start") planning is planned backwards so the review is due at startsOn and each planning phase opens at its planned date; when too little time remains it opens at once and the answer carries a warning saying by how much planning ends after startsOn.',
  });
export type StartCycleInput = z.infer<typeof startCycleSchema>;

export type CycleStatus = 'running' | 'completed' | 'cancelled';

/** A quarterly OKR cycle, or a yearly awards run (nominate → vote → finalize → announce over a year's cycles). */
export const CYCLE_KINDS = ['okr', 'awards-run'] as const;
export type CycleKind = (typeof CYCLE_KINDS)[number];

/** The phases a cycle of this schedule goes through: every phase, without awards when the schedule leaves them out. */
export function phasesOf(schedule: Pick<Schedule, 'awards'>): readonly Phase[] {
  return schedule.awards === false ? PHASES.filter((p) => p !== 'awards') : PHASES;
}

/** A yearly awards run goes through the awards phase only. */
export const AWARDS_RUN_PHASES: readonly Phase[] = ['awards'];
export type PhaseStatus = 'pending' | 'open' | 'closed';

export interface PhaseState {
  phase: Phase;
  status: PhaseStatus;
  openedAt: string | null;
  dueAt: string | null;
  closedAt: string | null;
  /** A planning phase waiting for its planned date (calendar-v2): when it opens. */
  opensAt?: string;
  /** Check-ins: when the week after the current one opens (absent after the last week). */
  nextOpensAt?: string;
  /** Check-ins: how many weeks have opened so far. */
  round?: number;
  /** Why it closed early, if it did: "advanced by HR", "skipped: no executives", … */
  note?: string;
}

/** What the cycle workflow answers to `cycleStateQuery`. Plain JSON. */
export interface CycleState {
  cycleKey: string;
  status: CycleStatus;
  phase: Phase | null;
  phases: PhaseState[];
  participantCount: number;
  batchCount: number;
  /** Batch workflows of the current phase that are still running. */
  activeBatches: string[];
  cancelReason?: string;
}

/** How a yearly awards run's steps are timed and chased: the cycle schedule's task rules, and its length. */
export const awardsRunScheduleSchema = scheduleSchema.pick({ timeZone: true, reminders: true, escalations: true, expireAfter: true }).extend({
  /** Nominations, votes and HR's final choice each take a third of it. */
  awards: durationSchema.default('21d'),
});

export const startAwardsRunSchema = z
  .object({
    key: cycleKeySchema,
    title: text().trim().min(1, 'must not be empty').max(200),
    /** The year whose cycles the run looks at. */
    year: z.number().int().min(2000, 'from 2000').max(2100, 'at most 2100'),
    cycles: z
      .array(cycleKeySchema)
      .min(1, 'at least one cycle')
      .max(60)
      .optional()
      .meta({ description: 'The cycles whose OKRs the run looks at (default: every quarterly cycle, not cancelled, that starts in `year`).' }),
    schedule: awardsRunScheduleSchema.default(awardsRunScheduleSchema.parse({})),
  })
  .meta({
    description:
      'A yearly awards run: nominate → vote → finalize → announce, each step a task with deadlines, reminders and escalation, over the OKRs of the year’s cycles. Its participants are the active participants of those cycles. Idempotent on key (the key is shared with cycles).',
  });
export type StartAwardsRunInput = z.infer<typeof startAwardsRunSchema>;
