import { OpenAPIHono, createRoute, z } from '@hono/zod-openapi';
import { ErrorCode, TASK_STATUSES, type TaskKind, type TaskStatus, PHASE_OF_KIND, cycleKeySchema, startCycleSchema } from '../../contract';
import { getCycleSummary, getCycleView, listCycleSummaries, startCycle } from '../../core/cycles';
import { AppError } from '../../core/errors';
import { type AuthEnv, type createAuthenticator, requireRole } from '../auth';
import type { ApiDeps } from '../deps';
import { validationHook } from '../errors';
import { cycleSummarySchema, cycleViewSchema, errorSchema, taskSchema } from '../schemas';

const keyParam = z.object({ key: cycleKeySchema });
const json = <T extends z.ZodType>(schema: T, description: string) => ({ description, content: { 'application/json': { schema } } });

const startRoute = createRoute({
  method: 'post',
  path: '/',
  summary: 'Start a cycle (idempotent on key)',
  description: 'Posting the same key with the same body again returns the same cycle and starts nothing; the same key with a different body is 409.',
  security: [{ bearer: [] }],
  request: { body: { required: true, content: { 'application/json': { schema: startCycleSchema } } } },
  responses: {
    201: json(cycleSummarySchema, 'Started'),
    200: json(cycleSummarySchema, 'Already started with the same settings'),
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
  responses: { 200: json(z.object({ cycles: z.array(cycleSummarySchema) }), 'Cycles') },
});

const getRoute = createRoute({
  method: 'get',
  path: '/{key}',
  summary: "One cycle's live state",
  description: 'Phase and deadlines from the workflow, task and email counts from the database.',
  security: [{ bearer: [] }],
  request: { params: keyParam },
  responses: { 200: json(cycleViewSchema, 'The cycle'), 404: json(errorSchema, 'No such cycle') },
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
      limit: z.coerce.number().int().min(1).max(1000).default(200),
      offset: z.coerce.number().int().min(0).default(0),
    }),
  },
  responses: { 200: json(z.object({ tasks: z.array(taskSchema), total: z.number().int() }), 'Tasks'), 404: json(errorSchema, 'No such cycle') },
});

export function cycleRoutes(deps: ApiDeps, auth: ReturnType<typeof createAuthenticator>) {
  const app = new OpenAPIHono<AuthEnv>({ defaultHook: validationHook });
  // Reading is for HR and admins; changing is HR's.
  const readers = requireRole(auth, 'hr', 'admin');
  const writers = requireRole(auth, 'hr');
  app.use('*', (c, next) => (c.req.method === 'GET' || c.req.method === 'HEAD' ? readers : writers)(c, next));
  const cycleDeps = { db: deps.db, client: deps.temporal.client, taskQueue: deps.temporal.taskQueue, batchSize: deps.taskBatchSize };

  app.openapi(startRoute, async (c) => {
    const { cycle, created } = await startCycle(cycleDeps, c.req.valid('json'), c.get('principal').actor);
    return c.json(cycle, created ? 201 : 200);
  });

  app.openapi(listRoute, async (c) => c.json({ cycles: await listCycleSummaries(deps.db) }, 200));

  app.openapi(getRoute, async (c) => {
    const view = await getCycleView(cycleDeps, c.req.valid('param').key);
    const ui = deps.temporal.uiUrl;
    const workflowUrl = ui ? `${ui}/namespaces/${encodeURIComponent(deps.temporal.namespace)}/workflows/${encodeURIComponent(view.workflowId)}` : null;
    return c.json({ ...view, workflowUrl }, 200);
  });

  app.openapi(tasksRoute, async (c) => {
    const { key } = c.req.valid('param');
    const { status, limit, offset } = c.req.valid('query');
    if (!(await getCycleSummary(deps.db, key))) throw new AppError(ErrorCode.notFound, `no cycle with key ${key}`);
    let q = deps.db
      .selectFrom('tasks as t')
      .innerJoin('cycles as c', 'c.id', 't.cycle_id')
      .innerJoin('people as p', 'p.id', 't.person_id')
      .where('c.key', '=', key);
    if (status) q = q.where('t.status', '=', status);
    const [rows, total] = await Promise.all([
      q
        .select(['t.id', 't.kind', 't.round', 't.status', 't.due_at', 't.completed_at', 'p.email', 'p.name'])
        .orderBy('t.id')
        .limit(limit)
        .offset(offset)
        .execute(),
      q.select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow(),
    ]);
    return c.json(
      {
        total: Number(total.n),
        tasks: rows.map((r) => ({
          id: r.id,
          cycleKey: key,
          kind: r.kind as TaskKind,
          phase: PHASE_OF_KIND[r.kind as TaskKind],
          round: r.round,
          status: r.status as TaskStatus,
          ownerEmail: r.email,
          ownerName: r.name,
          dueAt: new Date(r.due_at).toISOString(),
          completedAt: r.completed_at ? new Date(r.completed_at).toISOString() : null,
        })),
      },
      200,
    );
  });
  return app;
}
