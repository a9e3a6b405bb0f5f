/**
 * Yearly awards runs (JSON API, in /openapi.json): HR starts one over a year's cycles. Once
 * started, a run is read and steered like a cycle, under its key: `GET /api/cycles/{key}`, its
 * tasks, advance (one awards step at a time), extend, cancel, and its winners under
 * `/api/cycles/{key}/awards`.
 */
import { OpenAPIHono, createRoute, z } from '@hono/zod-openapi';
import { startAwardsRunSchema } from '../../contract';
import { startAwardsRun } from '../../core/awards-runs';
import { type AuthEnv, type createAuthenticator, requireRole } from '../auth';
import { type ApiDeps, cycleDepsOf } from '../deps';
import { validationHook } from '../errors';
import { keyRoute } from '../openapi-responses';
import { cycleSummarySchema, errorSchema, json } from '../schemas';

const startedRunSchema = cycleSummarySchema.extend({ covers: z.array(z.string()) }).openapi('StartedAwardsRun');

const startRoute = createRoute({
  method: 'post',
  path: '/',
  summary: 'Start a yearly awards run over the cycles of a year (idempotent on key)',
  description:
    'Nominations open at once for managers and ambassadors among the participants of the covered cycles; the award committee (HR when there is none) votes; HR finalizes; everyone gets the announcement. Posting the same key with the same body again returns the same run; a different body is 409.',
  security: [{ bearer: [] }],
  request: { body: { required: true, content: { 'application/json': { schema: startAwardsRunSchema } } } },
  responses: {
    ...keyRoute,
    201: json(startedRunSchema, 'Started'),
    200: json(startedRunSchema, 'Already started with the same settings'),
    409: json(errorSchema, 'The key exists with different settings'),
    503: json(errorSchema, 'Saved, but Temporal could not be reached: post again'),
  },
});

export function awardsRunRoutes(deps: ApiDeps, auth: ReturnType<typeof createAuthenticator>) {
  const app = new OpenAPIHono<AuthEnv>({ defaultHook: validationHook });
  app.use('*', requireRole(auth, 'hr'));
  const cycleDeps = cycleDepsOf(deps);
  app.openapi(startRoute, async (c) => {
    const { run, created } = await startAwardsRun(cycleDeps, c.req.valid('json'), c.get('principal').actor);
    return c.json(run, created ? 201 : 200);
  });
  return app;
}
