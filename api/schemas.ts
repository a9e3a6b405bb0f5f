/** Response shapes for the API description. Request shapes come from the contract. */
import { z } from '@hono/zod-openapi';
import { CYCLE_KINDS, LOCALES, PHASES, ROLES, TASK_KINDS, TASK_STATUSES } from '../contract';

export const errorSchema = z.object({ error: z.object({ code: z.string(), message: z.string(), details: z.unknown().optional() }) }).openapi('Error');

export const personSchema = z
  .object({
    id: z.number().int(),
    email: z.string(),
    name: z.string(),
    managerEmail: z.string().nullable(),
    department: z.string().nullable(),
    roles: z.array(z.enum(ROLES)),
    locale: z.enum(LOCALES),
    /** Null: the cycle's time zone. */
    timeZone: z.string().nullable(),
    active: z.boolean(),
  })
  .openapi('Person');

const phaseStateSchema = z.object({
  phase: z.enum(PHASES),
  status: z.enum(['pending', 'open', 'closed']),
  openedAt: z.string().nullable(),
  dueAt: z.string().nullable(),
  closedAt: z.string().nullable(),
  opensAt: z.string().optional().describe('a planning phase waiting for its planned date: when it opens (HR can advance it to open now)'),
  round: z.number().int().optional(),
  nextOpensAt: z.string().optional().describe('check-ins: when the week after the current one opens'),
  note: z.string().optional(),
});

/** What a start (or its preview) warns about without refusing it: planning that ends after startsOn. */
export const planWarningSchema = z
  .object({
    path: z.string(),
    code: z.enum(['schedule.planning-late']),
    message: z.string(),
    lateByMs: z.number().int(),
  })
  .openapi('PlanWarning');

export const cycleSummarySchema = z
  .object({
    key: z.string(),
    title: z.string(),
    startsOn: z.string(),
    endsOn: z.string(),
    status: z.string(),
    workflowId: z.string(),
    participantCount: z.number().int(),
    createdAt: z.string(),
    kind: z.enum(CYCLE_KINDS).describe('"okr": a quarterly cycle; "awards-run": a yearly awards run (POST /api/awards-runs)'),
    covers: z.array(z.string()).optional().describe('an awards run: the keys of the cycles whose OKRs it looks at'),
  })
  .openapi('CycleSummary');

export const outboxHealthSchema = z
  .object({
    queued: z.number().int().openapi({ description: 'Emails waiting to be sent (after a failed attempt or not yet tried)' }),
    failed: z.number().int().openapi({ description: 'Emails the SMTP server refused for good (see /api/admin/stalled)' }),
    lastError: z.string().nullable().openapi({
      description: 'What the SMTP server (or the connection) said at the most recent failed attempt of a waiting or refused email',
      example: 'EENVELOPE 421 Service not available',
    }),
    lastAttemptAt: z.string().nullable().openapi({ description: 'When that attempt was made' }),
  })
  .openapi('OutboxHealth');

export const cycleViewSchema = cycleSummarySchema
  .extend({
    state: z
      .object({
        cycleKey: z.string(),
        status: z.enum(['running', 'completed', 'cancelled']),
        phase: z.enum(PHASES).nullable(),
        phases: z.array(phaseStateSchema),
        participantCount: z.number().int(),
        batchCount: z.number().int(),
        activeBatches: z.array(z.string()),
        cancelReason: z.string().optional(),
      })
      .nullable(),
    workflowError: z.string().optional(),
    workflowUrl: z.string().nullable(),
    taskCounts: z.record(z.enum(TASK_STATUSES), z.number().int()),
    overdueTasks: z.number().int(),
    stalledSteps: z.array(z.object({ id: z.string(), step: z.string(), since: z.string(), why: z.string() })),
    emailCounts: z.object({ queued: z.number().int(), sent: z.number().int(), failed: z.number().int(), skipped: z.number().int() }),
    outbox: outboxHealthSchema,
  })
  .openapi('Cycle');

export const taskSchema = z
  .object({
    id: z.number().int(),
    cycleKey: z.string(),
    kind: z.enum(TASK_KINDS),
    phase: z.enum(PHASES),
    round: z.number().int(),
    status: z.enum(TASK_STATUSES),
    ownerEmail: z.string(),
    ownerName: z.string(),
    subjectEmail: z.string().nullable(),
    dueAt: z.string(),
    completedAt: z.string().nullable(),
  })
  .openapi('Task');

/** A JSON response (or body) for a route description. */
export const json = <T extends z.ZodType>(schema: T, description: string) => ({ description, content: { 'application/json': { schema } } });
