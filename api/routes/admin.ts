/** The operator's view: stalled steps across cycles, and retry / skip. Admin only. */
import { OpenAPIHono, createRoute, z } from '@hono/zod-openapi';
import { EMAIL_STATUSES, cycleKeySchema, reasonSchema } from '../../contract';
import { requireCycleByKey } from '../../db/cycles';
import { emailCountsByStatus } from '../../db/emails';
import { unsentEmailsOfCycle } from '../../db/outbox-view';
import { STALL_KINDS, listOutboxTroubles, listStalled, resolveStalled } from '../../core/stalls';
import { type AuthEnv, type createAuthenticator, requireRole } from '../auth';
import type { ApiDeps } from '../deps';
import { validationHook } from '../errors';
import { keyRoute } from '../openapi-responses';
import { errorSchema, json, outboxHealthSchema } from '../schemas';

const stalledSchema = z
  .object({
    id: z.string(),
    kind: z.enum(STALL_KINDS),
    cycleKey: z.string().nullable(),
    phase: z.string().nullable(),
    where: z.string(),
    step: z.string(),
    since: z.string(),
    why: z.string(),
    attempts: z.number().int(),
    nextRetryAt: z.string().nullable(),
    actions: z.array(z.enum(['retry', 'skip'])),
    skipMeans: z.string(),
  })
  .openapi('StalledStep');

const idParam = z.object({
  id: z
    .string()
    .regex(/^(step|email|cycle)-\d{1,10}$/, 'an id such as step-12, email-345 or cycle-3')
    .refine((id) => !/\d$/.test(id) || Number(id.slice(id.indexOf('-') + 1)) <= 2_147_483_647, 'no such id (the number is too large)'),
});
const outcome = z.object({ id: z.string(), action: z.enum(['retry', 'skip']) });
const errors = {
  400: json(errorSchema, 'Not valid'),
  404: json(errorSchema, 'No such stalled step'),
  409: json(errorSchema, 'Not stalled any more (e.g. a second click)'),
};

const listRoute = createRoute({
  method: 'get',
  path: '/stalled',
  summary: 'Every stalled step across cycles (steps, refused emails, failed cycle workflows): what, since when, why, and what can be done',
  security: [{ bearer: [] }],
  responses: {
    ...keyRoute,
    200: json(
      z.object({
        stalled: z.array(stalledSchema),
        outbox: z
          .array(
            outboxHealthSchema.extend({
              cycleKey: z.string().nullable(),
              summary: z.string().openapi({ example: '3 emails waiting, last error at 2027-01-04T09:00:00.000Z: 421 Service not available' }),
            }),
          )
          .openapi({ description: 'Each cycle whose outbox has failures, from the first failed attempt on' }),
      }),
      'Stalled steps, and the cycles whose emails are waiting after a failure',
    ),
  },
});
const retryRoute = createRoute({
  method: 'post',
  path: '/stalled/{id}/retry',
  summary: 'Run the stalled step again now (a failed cycle workflow: reset it to its first workflow task)',
  security: [{ bearer: [] }],
  request: { params: idParam },
  responses: { ...keyRoute, 200: json(outcome, 'Retrying'), ...errors },
});
const skipRoute = createRoute({
  method: 'post',
  path: '/stalled/{id}/skip',
  summary: 'Mark the stalled step done without its effect (see skipMeans), with a reason',
  security: [{ bearer: [] }],
  request: { params: idParam, body: { required: true, content: { 'application/json': { schema: z.object({ reason: reasonSchema }) } } } },
  responses: { ...keyRoute, 200: json(outcome, 'Skipped'), ...errors },
});

const outboxEmailSchema = z
  .object({
    id: z.string(),
    kind: z.string(),
    to: z.object({ name: z.string(), address: z.string() }),
    status: z.enum(['queued', 'failed']),
    attempts: z.number().int(),
    lastError: z.string().nullable(),
    updatedAt: z.string(),
    resend: z.string().nullable().openapi({ description: 'For a failed email: the stalled-step id to POST …/stalled/{id}/retry with' }),
  })
  .openapi('OutboxEmail');
const outboxRoute = createRoute({
  method: 'get',
  path: '/outbox',
  summary: 'One cycle’s queued and failed emails with the last error (failed first; at most 500), and the counts per status',
  security: [{ bearer: [] }],
  request: { query: z.object({ cycle: cycleKeySchema }) },
  responses: {
    ...keyRoute,
    200: json(z.object({ counts: z.record(z.enum(EMAIL_STATUSES), z.number().int()), emails: z.array(outboxEmailSchema) }), 'The outbox'),
    400: json(errorSchema, 'Not valid'),
    404: json(errorSchema, 'No such cycle'),
  },
});

export function adminRoutes(deps: ApiDeps, auth: ReturnType<typeof createAuthenticator>) {
  const app = new OpenAPIHono<AuthEnv>({ defaultHook: validationHook });
  app.use('*', requireRole(auth, 'admin'));
  const stallDeps = { db: deps.db, client: deps.temporal.client, taskQueue: deps.temporal.taskQueue, stepPolicy: deps.stepPolicy };
  app.openapi(listRoute, async (c) => c.json({ stalled: await listStalled(deps.db, deps.temporal.client), outbox: await listOutboxTroubles(deps.db) }, 200));
  app.openapi(outboxRoute, async (c) => {
    const cycle = await requireCycleByKey(deps.db, c.req.valid('query').cycle);
    const [rows, counts] = await Promise.all([unsentEmailsOfCycle(deps.db, cycle.id, 500), emailCountsByStatus(deps.db, cycle.id)]);
    const emails = rows.map((e) => ({
      id: e.id,
      kind: e.kind,
      to: { name: e.to_name, address: e.to_address },
      status: e.status as 'queued' | 'failed',
      attempts: e.attempts,
      lastError: e.last_error,
      updatedAt: new Date(e.updated_at).toISOString(),
      resend: e.status === 'failed' ? `email-${e.id}` : null,
    }));
    return c.json({ counts, emails }, 200);
  });
  app.openapi(retryRoute, async (c) => c.json(await resolveStalled(stallDeps, c.req.valid('param').id, 'retry', c.get('principal').actor, undefined), 200));
  app.openapi(skipRoute, async (c) =>
    c.json(await resolveStalled(stallDeps, c.req.valid('param').id, 'skip', c.get('principal').actor, c.req.valid('json').reason), 200),
  );
  return app;
}
