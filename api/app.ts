/**
 * The HTTP app: routers per resource, errors mapped in one place. `createApp` takes its
 * dependencies and does not listen; `scripts/api.ts` and `scripts/start.ts` do.
 */
import { OpenAPIHono } from '@hono/zod-openapi';
import type { Hono } from 'hono';
import { requestId } from 'hono/request-id';
import { routePath } from 'hono/route';
import { securityHeaders } from './security-headers';
import { type Principal, createAuthenticator } from './auth';
import type { ApiDeps } from './deps';
import { handleError, validationHook } from './errors';
import { DEFAULT_BODY_LIMITS, bodyLimits, notFoundOrNotAllowed, storableUrlText } from './limits';
import { auditRoutes } from './routes/audit';
import { adminRoutes } from './routes/admin';
import { cycleInsightRoutes } from './routes/cycle-insights';
import { awardsRunRoutes } from './routes/awards-runs';
import { awardRoutes, winnerCertificateRoutes } from './routes/awards';
import { cycleRoutes } from './routes/cycles';
import { departmentRoutes } from './routes/departments';
import { teamRoutes } from './routes/team';
import { keyRoutes } from './routes/keys';
import { meApiRoutes } from './routes/me';
import { peopleRoutes } from './routes/people';
import { systemRoutes } from './routes/system';
import { taskPageRoutes } from './routes/task-page';
import { consoleRoutes } from './console';
import { assetRoutes } from './assets';

export interface AppExtras {
  /** Extra routers mounted as they are (the dev mailbox in the embedded mode). */
  mounts?: { path: string; app: Hono }[];
}

export function createApp(deps: ApiDeps, extras: AppExtras = {}) {
  const app = new OpenAPIHono({ defaultHook: validationHook });
  const publicOrigin = new URL(deps.publicBaseUrl).origin;
  const auth = createAuthenticator(deps.db, deps.bootstrapApiKey, deps.console ? { ...deps.console, publicOrigin } : undefined);

  app.use('*', requestId());
  app.use('*', securityHeaders());
  // One JSON line per request, with the request id (also the X-Request-Id response header).
  // Never logged: headers (the API key is in Authorization), query strings, bodies, and the
  // path of /t/… requests (the task token is in it). The API key is identified by its actor.
  app.use('*', async (c, next) => {
    const started = performance.now();
    await next();
    const path = c.req.path.startsWith('/t/') ? '/t/:token' : c.req.path;
    const route = routePath(c, -1);
    const principal = (c.var as { principal?: Principal }).principal;
    const status = c.res.status;
    const entry = {
      reqId: c.get('requestId'),
      method: c.req.method,
      path,
      ...(route && route !== '*' && route !== '/*' ? { route } : {}),
      status,
      ms: Math.round(performance.now() - started),
      ...(principal ? { actor: principal.actor } : {}),
    };
    // Probes hit /healthz and /readyz every few seconds: debug, unless they fail.
    const probe = path === '/healthz' || path === '/readyz';
    if (status >= 500) deps.log.warn(entry, 'request');
    else if (probe) deps.log.debug(entry, 'request');
    else deps.log.info(entry, 'request');
  });
  app.onError((err, c) => handleError(err, c, deps.log));
  app.notFound(notFoundOrNotAllowed(() => app.routes));
  app.use('*', bodyLimits(deps.bodyLimits ?? DEFAULT_BODY_LIMITS));
  app.use('*', storableUrlText());

  app.route('/', systemRoutes(deps));
  // The personal homes' JSON first: /api/people/{email}/checkins is open to sessions, ahead of the people routes' HR guard.
  app.route('/api', meApiRoutes(deps, auth, deps.console?.tokenSecret));
  app.route('/api/people', peopleRoutes(deps, auth));
  app.route('/api/cycles', cycleInsightRoutes(deps, auth));
  app.route('/api/cycles', awardRoutes(deps, auth));
  app.route('/api/cycles', cycleRoutes(deps, auth));
  app.route('/api/awards-runs', awardsRunRoutes(deps, auth));
  app.route('/api/keys', keyRoutes(deps, auth));
  app.route('/api/audit', auditRoutes(deps, auth));
  app.route('/api/admin', adminRoutes(deps, auth));
  app.route('/api/team', teamRoutes(deps, auth));
  app.route('/api/departments', departmentRoutes(deps, auth));
  app.route('/t', taskPageRoutes(deps));
  if (deps.console) app.route('/console', consoleRoutes(deps, deps.console, auth));
  if (deps.console) app.route('/awards', winnerCertificateRoutes(deps, deps.console.tokenSecret));
  app.route('/assets', assetRoutes());
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
