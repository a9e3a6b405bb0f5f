/**
 * GET /api/departments/{name}?cycle=KEY: "My department" as JSON (core/team-department.ts);
 * POST /api/departments/{name}/nudges: nudge one person (email) or everyone behind on the open
 * step (core/nudges.ts). For the department's ambassadors (a session) and HR (a session or an HR
 * key); anyone else gets 403, whether the department exists or not.
 */
import { OpenAPIHono, createRoute, z } from '@hono/zod-openapi';
import { PHASES, TASK_KINDS, cycleKeySchema } from '../../contract';
import { nudge } from '../../core/nudges';
import { departmentView } from '../../core/team-department';
import type { AuthEnv, Authenticate } from '../auth';
import type { ApiDeps } from '../deps';
import { validationHook } from '../errors';
import { keyRoute } from '../openapi-responses';
import { errorSchema, json } from '../schemas';
import { viewerOfPrincipal } from './team';

const count = z.number().int();
const nameParam = z.object({
  name: z
    .string()
    .min(1)
    .max(200)
    .openapi({ param: { name: 'name', in: 'path' }, description: 'The department' }),
});
const person = { name: z.string(), email: z.string() };
const departmentSchema = z
  .object({
    cycle: z.object({ key: z.string(), title: z.string(), timeZone: z.string() }),
    department: z.string(),
    departments: z.array(z.string()).describe('the departments this caller may open'),
    phase: z.enum(PHASES).nullable().describe('the phase now open (of the cycle’s latest task); behind = an open task in it'),
    members: count,
    behind: z.array(
      z.object({ ...person, taskId: count, kind: z.enum(TASK_KINDS), round: count, dueAt: z.string(), overdue: z.boolean(), nudgedToday: z.boolean() }),
    ),
    checkinRate: z.array(z.object({ week: count, completed: count, total: count })),
    lowConfidence: z.array(z.object({ ...person, week: count, confidence: count })),
    awards: z.object({ open: z.boolean(), nominateTask: z.object({ cycleId: count, round: count, personId: count }).nullable() }),
  })
  .openapi('Department');
const nudgeBody = z
  .object({
    cycle: cycleKeySchema,
    email: z.string().trim().min(3).max(320).optional().describe('one person; absent: everyone behind on the open step'),
  })
  .openapi('NudgeRequest');
const nudgeResult = z
  .object({ day: z.string(), sent: z.array(z.object({ ...person, taskId: count })), alreadyToday: z.array(z.object(person)) })
  .openapi('NudgeResult');

const getRoute = createRoute({
  method: 'get',
  path: '/{name}',
  summary: 'A department in a cycle: who is behind, check-in rate by week, confidence lows',
  security: [{ bearer: [] }],
  request: { params: nameParam, query: z.object({ cycle: cycleKeySchema }) },
  responses: { ...keyRoute, 200: json(departmentSchema, 'The department'), 404: json(errorSchema, 'No such cycle') },
});
const nudgeRoute = createRoute({
  method: 'post',
  path: '/{name}/nudges',
  summary: 'Nudge one person, or everyone behind on the open step',
  description:
    'A friendly personal reminder email in the recipient’s language that names the sender, with the due time in the recipient’s time zone; audited as person.nudged. At most one per person per day (the cycle’s time zone): a person nudged already today is listed in alreadyToday and gets nothing; when nobody could be nudged the answer is 409. At most 200 nudges an hour per sender (429).',
  security: [{ bearer: [] }],
  request: { params: nameParam, body: { content: { 'application/json': { schema: nudgeBody } } } },
  responses: {
    ...keyRoute,
    202: json(nudgeResult, 'Queued and handed to the sender'),
    404: json(errorSchema, 'No such cycle'),
    409: json(errorSchema, 'Already nudged today, or nobody is behind'),
    429: json(errorSchema, 'Too many nudges in the last hour'),
  },
});

export function departmentRoutes(deps: ApiDeps, auth: Authenticate) {
  const app = new OpenAPIHono<AuthEnv>({ defaultHook: validationHook });
  app.use('*', async (c, next) => {
    c.set('principal', await auth(c));
    await next();
  });
  app.openapi(getRoute, async (c) => {
    const view = await departmentView(deps.db, viewerOfPrincipal(c.get('principal')), c.req.valid('query').cycle, c.req.valid('param').name);
    return c.json(view, 200);
  });
  app.openapi(nudgeRoute, async (c) => {
    const principal = c.get('principal');
    const body = c.req.valid('json');
    const result = await nudge(
      {
        db: deps.db,
        client: deps.temporal.client,
        taskQueue: deps.temporal.taskQueue,
        stepPolicy: deps.stepPolicy,
        mailFrom: deps.mailFrom ?? 'OKR <okr@localhost>',
      },
      viewerOfPrincipal(principal),
      { actor: principal.actor, name: principal.person?.name ?? principal.actor },
      { cycleKey: body.cycle, department: c.req.valid('param').name, ...(body.email ? { email: body.email } : {}) },
    );
    return c.json(result, 202);
  });
  return app;
}
