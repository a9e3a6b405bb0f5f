/** Liveness, readiness, the API description and its interactive page. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { OpenAPIHono, createRoute, z } from '@hono/zod-openapi';
import type { ApiDeps } from '../deps';
import { anyRoute } from '../openapi-responses';

const healthSchema = z.object({ status: z.enum(['ok', 'degraded']), database: z.enum(['up', 'down']), temporal: z.enum(['up', 'down']) });

const healthRoute = createRoute({
  method: 'get',
  path: '/healthz',
  summary: 'Liveness: the process answers (200 while it runs), with database and Temporal reachability',
  responses: { 200: { description: 'Alive', content: { 'application/json': { schema: healthSchema } } }, ...anyRoute },
});
const readyRoute = createRoute({
  method: 'get',
  path: '/readyz',
  summary: 'Readiness: 200 only when the database and Temporal are reachable',
  responses: {
    200: { description: 'Ready', content: { 'application/json': { schema: healthSchema } } },
    ...anyRoute,
    503: { description: 'Not ready', content: { 'application/json': { schema: healthSchema } } },
  },
});

async function check(deps: ApiDeps) {
  const [database, temporal] = await Promise.all([deps.health.database().catch(() => false), deps.health.temporal().catch(() => false)]);
  return {
    status: database && temporal ? ('ok' as const) : ('degraded' as const),
    database: database ? ('up' as const) : ('down' as const),
    temporal: temporal ? ('up' as const) : ('down' as const),
  };
}

const swaggerDir = (() => {
  try {
    return require('swagger-ui-dist').getAbsoluteFSPath() as string;
  } catch {
    return undefined;
  }
})();

function docsPage(): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>OKR orchestrator API</title>
<link rel="stylesheet" href="/docs/assets/swagger-ui.css"></head><body><div id="ui"></div>
<script src="/docs/assets/swagger-ui-bundle.js"></script><script src="/docs/assets/init.js"></script></body></html>`;
}

// No persistAuthorization: a pasted API key must not stay in localStorage on the origin that also
// serves the task pages (/t/…); it lives only as long as the tab.
const INIT_JS = "window.ui = SwaggerUIBundle({ url: '/openapi.json', dom_id: '#ui', persistAuthorization: false });";

/** Swagger UI's own files only; it fetches /openapi.json and sends "try it out" requests to this origin. */
const DOCS_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; font-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

export function systemRoutes(deps: ApiDeps) {
  const app = new OpenAPIHono();
  app.openapi(healthRoute, async (c) => c.json(await check(deps), 200));
  app.openapi(readyRoute, async (c) => {
    const result = await check(deps);
    return c.json(result, result.status === 'ok' ? 200 : 503);
  });

  // The interactive page is served from the swagger-ui-dist package: no CDN, works offline.
  app.get('/docs', (c) => c.html(docsPage(), 200, { 'Content-Security-Policy': DOCS_CSP, 'Cache-Control': 'no-store' }));
  app.get('/docs/assets/init.js', (c) => c.body(INIT_JS, 200, { 'content-type': 'text/javascript; charset=utf-8' }));
  app.get('/docs/assets/:file{swagger-ui\\.css|swagger-ui-bundle\\.js}', (c) => {
    if (!swaggerDir) return c.text('swagger-ui-dist is not installed', 404);
    const file = c.req.param('file');
    const type = file.endsWith('.css') ? 'text/css; charset=utf-8' : 'text/javascript; charset=utf-8';
    return c.body(readFileSync(join(swaggerDir, file)), 200, { 'content-type': type, 'cache-control': 'public, max-age=86400' });
  });
  return app;
}
