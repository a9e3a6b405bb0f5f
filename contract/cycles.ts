/** Cycles: what HR posts to start one, its schedule, and the live state the workflow reports. */
import { z } from 'zod';
import { durationSchema } from './duration';
import { emailSchema } from './people';

export const PHASES = ['strategy', 'drafting', 'review', 'checkins', 'scoring', 'awards'] as const;
export type Phase = (typeof PHASES)[number];

const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'a date as YYYY-MM-DD')
  .refine((s) => !Number.isNaN(Date.parse(`${s}T00:00:00Z`)) && new Date(`${s}T00:00:00Z`).toISOString().startsWith(s), 'not a calendar date');

export const cycleKeySchema = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'letters, digits, ".", "_" or "-" (at most 64), starting with a letter or digit');

/** How long each phase lasts and when people are reminded. Durations as "7d", "36h", "30s". */
export const scheduleSchema = z.object({
  timeZone: z.string().min(1).default('UTC'),
  drafting: durationSchema.default('7d'),
  /** Reminders this long before a task's due time (each one once). */
  reminders: z.array(durationSchema).max(5).default(['3d', '1d']),
});
export type Schedule = z.infer<typeof scheduleSchema>;

export const startCycleSchema = z
  .object({
    key: cycleKeySchema,
    title: z.string().trim().min(1, 'must not be empty').max(200),
    startsOn: isoDate,
    endsOn: isoDate,
    participants: z.array(emailSchema).min(1).max(20_000).optional(),
    schedule: scheduleSchema.default(scheduleSchema.parse({})),
  })
  .refine((c) => c.endsOn > c.startsOn, { path: ['endsOn'], message: 'must be after startsOn' });
export type StartCycleInput = z.infer<typeof startCycleSchema>;

export type CycleStatus = 'running' | 'completed' | 'cancelled';
export type PhaseStatus = 'pending' | 'open' | 'closed';

export interface PhaseState {
  phase: Phase;
  status: PhaseStatus;
  openedAt: string | null;
  dueAt: string | null;
  closedAt: string | null;
}

/** What the cycle workflow answers to `cycleStateQuery`. Plain JSON. */
export interface CycleState {
  cycleKey: string;
  status: CycleStatus;
  phase: Phase | null;
  phases: PhaseState[];
  participantCount: number;
  batchCount: number;
}
