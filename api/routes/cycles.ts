import { OpenAPIHono, createRoute, z } from '@hono/zod-openapi';
import {
  AWARDS_STEPS,
  ErrorCode,
  NOT_APPROVED_STATUSES,
  PHASES,
  TASK_KINDS,
  TASK_STATUSES,
  type TaskKind,
  type TaskStatus,
  PHASE_OF_KIND,
  cycleKeySchema,
  emailSchema,
  reasonSchema,
  startCycleSchema,
} from '../../contract';
import { addParticipants, advancePhase, cancelCycle, extendPhase, extendTask, removeParticipant } from '../../core/cycle-controls';
import { alignmentReport, scoresReport } from '../../core/cycle-reports';
import { getCycleView, listCycleSummaries, listCycleTaskPage, startCycle } from '../../core/cycles';
import { requireCycleByKey } from '../../db/cycles';
import { type AuthEnv, type createAuthenticator, requireRole } from '../auth';
import { type ApiDeps, cycleDepsOf } from '../deps';
import { workflowUiUrl } from '../temporal-ui';
import { validationHook } from '../errors';
import { keyRoute } from '../openapi-responses';
import { cycleSummarySchema, cycleViewSchema, errorSchema, json, planWarningSchema, taskSchema } from '../schemas';

const keyParam = z.object({ key: cycleKeySchema });

const startedCycleSchema = cycleSummarySchema
  .extend({
    warnings: z
      .array(planWarningSchema)
      .optional()
      .describe('what the start warns about without refusing it: planning that, started now, ends after startsOn (and by how much)'),
  })
  .openapi('StartedCycle');

const startRoute = createRoute({
  method: 'post',
  path: '/',
  summary: 'Start a cycle (idempotent on key)',
  description: 'Posting the same key with the same body again returns the same cycle and starts nothing; the same key with a different body is 409.',
  security: [{ bearer: [] }],
  request: { body: { required: true, content: { 'application/json': { schema: startCycleSchema } } } },
  responses: {
    ...keyRoute,
    201: json(startedCycleSchema, 'Started'),
    200: json(startedCycleSchema, 'Already started with the same settings'),
    400: json(errorSchema, 'Not valid'),
    409: json(errorSchema, 'The key exists with different settings'),
    503: json(errorSchema, 'Saved, but Temporal could not be reached: post again'),
  },
});

const listRoute = createRoute({
  method: 'get',
  path: '/',
  summary: 'List cycles',
  security: [{ bearer: [] }],
  responses: { ...keyRoute, 200: json(z.object({ cycles: z.array(cycleSummarySchema) }), 'Cycles') },
});

const getRoute = createRoute({
  method: 'get',
  path: '/{key}',
  summary: "One cycle's live state",
  description: 'Phase and deadlines from the workflow, task and email counts from the database.',
  security: [{ bearer: [] }],
  request: { params: keyParam },
  responses: { ...keyRoute, 200: json(cycleViewSchema, 'The cycle'), 404: json(errorSchema, 'No such cycle') },
});

const tasksRoute = createRoute({
  method: 'get',
  path: '/{key}/tasks',
  summary: "A cycle's tasks",
  security: [{ bearer: [] }],
  request: {
    params: keyParam,
    query: z.object({
      status: z.enum(TASK_STATUSES).optional(),
      kind: z.enum(TASK_KINDS).optional(),
      owner: emailSchema.optional(),
      limit: z.coerce.number().int().min(1).max(1000).default(200),
      offset: z.coerce.number().int().min(0).max(2_147_483_647).default(0),
    }),
  },
  responses: { ...keyRoute, 200: json(z.object({ tasks: z.array(taskSchema), total: z.number().int() }), 'Tasks'), 404: json(errorSchema, 'No such cycle') },
});

const controlResultSchema = z.object({
  phase: z.enum(PHASES).nullable(),
  status: z.enum(['running', 'completed', 'cancelled']),
  next: z
    .object({ phase: z.enum(PHASES).nullable(), step: z.enum(AWARDS_STEPS).optional(), week: z.number().int().optional(), opensAt: z.string().optional() })
    .optional()
    .meta({
      description: 'After an advance: what opens next — the next phase, awards step (nominate → vote → finalize) or check-in week, and when if not at once.',
    }),
});
const phaseBody = z.object({ phase: z.enum(PHASES) });
const advanceBody = phaseBody
  .extend({
    scope: z.enum(['phase', 'week']).default('phase').meta({
      description:
        '"phase" (default): close the whole phase now and move on. "week": only for checkins — end the open check-in week; the next week opens on its day.',
    }),
  })
  .refine((b) => b.scope === 'phase' || b.phase === 'checkins', {
    path: ['scope'],
    message: 'scope "week" is only for phase checkins',
    params: { code: 'advance.week-only-checkins' },
  });
const isoInstant = z.iso.datetime({ offset: true, message: 'an ISO date-time such as 2027-01-15T17:00:00Z' });
const controlErrors = {
  400: json(errorSchema, 'Not valid'),
  404: json(errorSchema, 'No such cycle'),
  409: json(errorSchema, 'The cycle is not in that phase, or has ended'),
};

const advanceRoute = createRoute({
  method: 'post',
  path: '/{key}/advance',
  summary: 'Close the current phase (or one check-in week, or one awards step) now and move on',
  description:
    'Open tasks of the phase expire. `phase` must be the current phase, so a stale click cannot skip two phases. ' +
    '`{"phase":"checkins","scope":"week"}` ends only the open check-in week (409 when none is open). Advancing awards ends one step at a time: nominate → vote → finalize; `next` says which step is now open.',
  security: [{ bearer: [] }],
  request: { params: keyParam, body: { required: true, content: { 'application/json': { schema: advanceBody } } } },
  responses: { ...keyRoute, 200: json(controlResultSchema, 'Advanced'), ...controlErrors },
});
const extendRoute = createRoute({
  method: 'post',
  path: '/{key}/extend',
  summary: "Extend the current phase's deadline",
  description: 'Every open task of the phase becomes due at `until`; reminders and escalations move with it.',
  security: [{ bearer: [] }],
  request: { params: keyParam, body: { required: true, content: { 'application/json': { schema: phaseBody.extend({ until: isoInstant }) } } } },
  responses: { ...keyRoute, 200: json(controlResultSchema, 'Extended'), ...controlErrors },
});
const cancelRoute = createRoute({
  method: 'post',
  path: '/{key}/cancel',
  summary: 'Cancel the cycle',
  description: 'All open tasks are cancelled and every participant is told.',
  security: [{ bearer: [] }],
  request: { params: keyParam, body: { required: true, content: { 'application/json': { schema: z.object({ reason: reasonSchema }) } } } },
  responses: { ...keyRoute, 200: json(controlResultSchema, 'Cancelling'), ...controlErrors },
});
const extendTaskRoute = createRoute({
  method: 'post',
  path: '/{key}/tasks/{id}/extend',
  summary: "Extend one person's task",
  security: [{ bearer: [] }],
  request: {
    params: keyParam.extend({ id: z.coerce.number().int().positive().max(2_147_483_647, 'no such task (the id is too large)') }),
    body: { required: true, content: { 'application/json': { schema: z.object({ until: isoInstant }) } } },
  },
  responses: {
    ...keyRoute,
    200: json(z.object({ taskId: z.number().int(), dueAt: z.string() }), 'Extended'),
    ...controlErrors,
    410: json(errorSchema, 'The task has ended'),
  },
});
const addParticipantsRoute = createRoute({
  method: 'post',
  path: '/{key}/participants',
  summary: 'Add participants mid-cycle (they receive the current phase’s task)',
  security: [{ bearer: [] }],
  request: {
    params: keyParam,
    body: { required: true, content: { 'application/json': { schema: z.object({ emails: z.array(emailSchema).min(1).max(5000) }) } } },
  },
  responses: { ...keyRoute, 200: json(z.object({ added: z.number().int() }), 'Added'), ...controlErrors },
});
const removeParticipantRoute = createRoute({
  method: 'delete',
  path: '/{key}/participants/{email}',
  summary: 'Remove a participant (their open tasks are cancelled)',
  security: [{ bearer: [] }],
  request: { params: keyParam.extend({ email: emailSchema }) },
  responses: { ...keyRoute, 204: { description: 'Removed' }, ...controlErrors },
});
const alignmentRoute = createRoute({
  method: 'get',
  path: '/{key}/alignment',
  summary: 'Alignment coverage and who is not approved yet',
  security: [{ bearer: [] }],
  request: { params: keyParam },
  responses: {
    ...keyRoute,
    200: json(
      z.object({
        coverage: z.number(),
        objectives: z.number().int(),
        linkedToStrategy: z.number().int(),
        notApproved: z.array(z.object({ email: z.string(), name: z.string(), status: z.enum(NOT_APPROVED_STATUSES) })),
      }),
      'Alignment',
    ),
    404: json(errorSchema, 'No such cycle'),
  },
});
const scoresRoute = createRoute({
  method: 'get',
  path: '/{key}/scores',
  summary: 'Scores: per key result (self and calibrated), objective and person',
  security: [{ bearer: [] }],
  request: { params: keyParam },
  responses: {
    ...keyRoute,
    200: json(
      z.object({
        people: z.array(
          z.object({
            email: z.string(),
            name: z.string(),
            score: z.number().nullable(),
            objectives: z.array(
              z.object({
                title: z.string(),
                score: z.number().nullable(),
                keyResults: z.array(z.object({ title: z.string(), selfScore: z.number().nullable(), score: z.number().nullable() })),
              }),
            ),
          }),
        ),
      }),
      'Scores',
    ),
    404: json(errorSchema, 'No such cycle'),
  },
});

export function cycleRoutes(deps: ApiDeps, auth: ReturnType<typeof createAuthenticator>) {
  const app = new OpenAPIHono<AuthEnv>({ defaultHook: validationHook });
  // Reading is for HR and admins; changing is HR's.
  const readers = requireRole(auth, 'hr', 'admin');
  const writers = requireRole(auth, 'hr');
  app.use('*', (c, next) => (c.req.method === 'GET' || c.req.method === 'HEAD' ? readers : writers)(c, next));
  const cycleDeps = cycleDepsOf(deps);

  app.openapi(startRoute, async (c) => {
    const { cycle, created, warnings } = await startCycle(cycleDeps, c.req.valid('json'), c.get('principal').actor);
    return c.json({ ...cycle, ...(warnings.length ? { warnings } : {}) }, created ? 201 : 200);
  });

  app.openapi(listRoute, async (c) => c.json({ cycles: await listCycleSummaries(deps.db) }, 200));

  const controlDeps = { db: deps.db, client: deps.temporal.client, batchSize: deps.taskBatchSize };
  const actor = (c: { get(k: 'principal'): { actor: string } }) => c.get('principal').actor;
  app.openapi(advanceRoute, async (c) => {
    const { phase, scope } = c.req.valid('json');
    return c.json(await advancePhase(controlDeps, c.req.valid('param').key, phase, actor(c), scope), 200);
  });
  app.openapi(extendRoute, async (c) => {
    const body = c.req.valid('json');
    return c.json(await extendPhase(controlDeps, c.req.valid('param').key, body.phase, new Date(body.until).toISOString(), actor(c)), 200);
  });
  app.openapi(cancelRoute, async (c) => c.json(await cancelCycle(controlDeps, c.req.valid('param').key, c.req.valid('json').reason, actor(c)), 200));
  app.openapi(extendTaskRoute, async (c) => {
    const { key, id } = c.req.valid('param');
    return c.json(await extendTask(controlDeps, key, id, new Date(c.req.valid('json').until).toISOString(), actor(c)), 200);
  });
  app.openapi(addParticipantsRoute, async (c) =>
    c.json(await addParticipants(controlDeps, c.req.valid('param').key, c.req.valid('json').emails, actor(c)), 200),
  );
  app.openapi(removeParticipantRoute, async (c) => {
    const { key, email } = c.req.valid('param');
    await removeParticipant(controlDeps, key, email, actor(c));
    return c.body(null, 204);
  });
  const cycleIdOf = async (key: string) => (await requireCycleByKey(deps.db, key)).id;
  app.openapi(alignmentRoute, async (c) => c.json(await alignmentReport(deps.db, await cycleIdOf(c.req.valid('param').key)), 200));
  app.openapi(scoresRoute, async (c) => c.json({ people: await scoresReport(deps.db, await cycleIdOf(c.req.valid('param').key)) }, 200));

  app.openapi(getRoute, async (c) => {
    const view = await getCycleView(cycleDeps, c.req.valid('param').key);
    return c.json({ ...view, workflowUrl: workflowUiUrl(deps.temporal, view.workflowId) }, 200);
  });

  app.openapi(tasksRoute, async (c) => {
    const { status, kind, owner, limit, offset } = c.req.valid('query');
    return c.json(await listCycleTaskPage(deps.db, c.req.valid('param').key, { status, kind, ownerEmail: owner, limit, offset }), 200);
  });
  return app;
}
