/**
 * The HTTP app: routers per resource, errors mapped in one place. `createApp` takes its
 * dependencies and does not listen; `scripts/api.ts` and `scripts/start.ts` do.
 */
import { OpenAPIHono } from '@hono/zod-openapi';
import type { Hono } from 'hono';
import { requestId } from 'hono/request-id';
import { createAuthenticator } from './auth';
import type { ApiDeps } from './deps';
import { handleError, validationHook, errorBody } from './errors';
import { cycleRoutes } from './routes/cycles';
import { peopleRoutes } from './routes/people';
import { systemRoutes } from './routes/system';
import { taskPageRoutes } from './routes/task-page';
import { ErrorCode } from '../contract';

export interface AppExtras {
  /** Extra routers mounted as they are (the dev mailbox in the embedded mode). */
  mounts?: { path: string; app: Hono }[];
}

export function createApp(deps: ApiDeps, extras: AppExtras = {}) {
  const app = new OpenAPIHono({ defaultHook: validationHook });
  const auth = createAuthenticator(deps.db, deps.bootstrapApiKey);

  app.use('*', requestId());
  app.use('*', async (c, next) => {
    const started = performance.now();
    await next();
    // Task tokens are in the path of /t/… requests: log the route, never the path itself.
    const path = c.req.path.startsWith('/t/') ? '/t/:token' : c.req.path;
    deps.log.debug({ reqId: c.get('requestId'), method: c.req.method, path, status: c.res.status, ms: Math.round(performance.now() - started) }, 'request');
  });
  app.onError((err, c) => handleError(err, c, deps.log));
  app.notFound((c) => c.json(errorBody(ErrorCode.notFound, `no route for ${c.req.method} ${c.req.path.startsWith('/t/') ? '/t/…' : c.req.path}`), 404));

  app.route('/', systemRoutes(deps));
  app.route('/api/people', peopleRoutes(deps, auth));
  app.route('/api/cycles', cycleRoutes(deps, auth));
  app.route('/t', taskPageRoutes(deps));
  for (const m of extras.mounts ?? []) app.route(m.path, m.app);

  app.openAPIRegistry.registerComponent('securitySchemes', 'bearer', { type: 'http', scheme: 'bearer', description: 'An API key' });
  app.doc31('/openapi.json', {
    openapi: '3.1.0',
    info: {
      title: 'OKR cycle orchestrator',
      version: '0.1.0',
      description: 'Start and steer quarterly OKR cycles; every human step is a durable task completed from email.',
    },
    servers: [{ url: deps.publicBaseUrl }],
  });
  return app;
}
