/**
 * GET /api/team?cycle=KEY: "My team" as JSON (core/team-view.ts) — for a signed-in manager their
 * direct reports; HR (a session or an HR key) may name any manager with ?manager=<email>. Anyone
 * else naming a manager, or a person who manages nobody, gets 403.
 */
import { OpenAPIHono, createRoute, z } from '@hono/zod-openapi';
import { APPROVAL_STATES, OBJECTIVE_STATUSES, TASK_KINDS, TASK_STATUSES, cycleKeySchema } from '../../contract';
import { type Viewer } from '../../core/team-access';
import { teamView } from '../../core/team-view';
import type { AuthEnv, Authenticate, Principal } from '../auth';
import type { ApiDeps } from '../deps';
import { validationHook } from '../errors';
import { keyRoute } from '../openapi-responses';
import { errorSchema, json } from '../schemas';

export const viewerOfPrincipal = (p: Principal): Viewer => (p.person ? { personId: p.person.id, roles: p.person.roles } : { roles: p.roles });

const count = z.number().int();
const teamSchema = z
  .object({
    cycle: z.object({ key: z.string(), title: z.string(), timeZone: z.string() }),
    manager: z.object({ name: z.string(), email: z.string() }),
    total: count.describe('the number of direct reports in the cycle'),
    offset: count.describe('the first of them in members (100 per page, by name)'),
    members: z.array(
      z.object({
        name: z.string(),
        email: z.string(),
        department: z.string().nullable(),
        approval: z.enum(APPROVAL_STATES),
        objectives: z.array(
          z.object({
            id: count,
            title: z.string(),
            status: z.enum(OBJECTIVE_STATUSES),
            parent: z.string().nullable(),
            score: z.number().nullable(),
            keyResults: z.array(
              z.object({
                id: count,
                title: z.string(),
                kind: z.string(),
                start: z.number().nullable(),
                target: z.number().nullable(),
                unit: z.string().nullable(),
                current: z.number().nullable(),
                done: z.boolean().nullable(),
                confidence: z.number().nullable(),
                selfScore: z.number().nullable(),
                score: z.number().nullable(),
              }),
            ),
          }),
        ),
        thisWeek: z.object({ week: count, status: z.enum(TASK_STATUSES), dueAt: z.string(), confidence: z.number().nullable() }).nullable(),
        trend: z.array(z.object({ week: count, confidence: z.number() })),
        overdue: z.array(z.object({ taskId: count, kind: z.enum(TASK_KINDS), round: count, dueAt: z.string() })),
      }),
    ),
    reviewQueue: z.array(
      z.object({ taskId: count, kind: z.enum(TASK_KINDS), round: count, dueAt: z.string(), subject: z.object({ name: z.string(), email: z.string() }) }),
    ),
  })
  .openapi('Team');

const teamRoute = createRoute({
  method: 'get',
  path: '/',
  summary: 'My team: direct reports’ objectives, check-ins, confidence trend, overdue tasks, and my review queue',
  description:
    'A signed-in person sees their own direct reports (403 when they manage nobody). `manager` is for HR only (a session or an HR key): anyone else naming a manager gets 403, whether the email exists or not.',
  security: [{ bearer: [] }],
  request: {
    query: z.object({
      cycle: cycleKeySchema,
      manager: z.string().max(320).optional().openapi({ description: 'HR only: whose team (email)' }),
      offset: z.coerce.number().int().min(0).max(1_000_000).optional().openapi({ description: 'the first report of the page (by name); 100 per page' }),
    }),
  },
  responses: { ...keyRoute, 200: json(teamSchema, 'The team'), 404: json(errorSchema, 'No such cycle or manager') },
});

export function teamRoutes(deps: ApiDeps, auth: Authenticate) {
  const app = new OpenAPIHono<AuthEnv>({ defaultHook: validationHook });
  app.use('*', async (c, next) => {
    c.set('principal', await auth(c));
    await next();
  });
  app.openapi(teamRoute, async (c) => {
    const { cycle, manager, offset } = c.req.valid('query');
    const view = await teamView(deps.db, viewerOfPrincipal(c.get('principal')), cycle, manager, { offset });
    return c.json(
      {
        cycle: view.cycle,
        manager: { name: view.manager.name, email: view.manager.email },
        total: view.total,
        offset: view.offset,
        members: view.members,
        reviewQueue: view.reviewQueue.map(({ identity: _identity, ...t }) => t),
      },
      200,
    );
  });
  return app;
}
