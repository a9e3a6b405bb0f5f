/** The audit log, newest first, filtered and paged. For HR and admins. */
import { OpenAPIHono, createRoute, z } from '@hono/zod-openapi';
import { cycleKeySchema, text } from '../../contract';
import { queryAudit } from '../../core/audit';
import { type AuthEnv, type createAuthenticator, requireRole } from '../auth';
import type { ApiDeps } from '../deps';
import { validationHook } from '../errors';
import { keyRoute } from '../openapi-responses';
import { errorSchema, json } from '../schemas';

const filterText = text().min(1, 'must not be empty').max(200, 'at most 200 characters');

const auditQuerySchema = z.object({
  cycle: cycleKeySchema.optional().openapi({ description: 'A cycle key: only entries about that cycle (404 if there is no such cycle)', example: '2027-Q1' }),
  actor: filterText.optional().openapi({ description: 'Exact actor ("bootstrap", "key:3:hris-sync", an email), or a prefix ending in *', example: 'key:3:*' }),
  action: filterText.optional().openapi({ description: 'Exact action ("cycle.started"), or a prefix ending in *', example: 'api-key.*' }),
  since: z
    .union([z.iso.datetime({ offset: true }), z.iso.date()], { error: 'must be an ISO date or date-time, e.g. 2027-01-01T00:00:00Z' })
    .optional()
    .openapi({ description: 'Only entries at or after this time (a date alone means its start, UTC)', example: '2027-01-01T00:00:00Z' }),
  limit: z.coerce.number().int().min(1).max(1000).default(100).openapi({ description: '1 to 1000' }),
  before: z.coerce.number().int().min(1).max(Number.MAX_SAFE_INTEGER).optional().openapi({ description: 'Paging: the `next` of the previous page' }),
});

const auditEntrySchema = z
  .object({
    id: z.number().int(),
    at: z.string(),
    actor: z.string(),
    action: z.string(),
    cycleKey: z.string().nullable(),
    subject: z.string().nullable(),
    detail: z.unknown(),
  })
  .openapi('AuditEntry');

const auditRoute = createRoute({
  method: 'get',
  path: '/',
  summary: 'Read the audit log (newest first)',
  description: 'Who changed what: cycle starts, people imports, task completions, API key changes. Page with `before` = `next` until `next` is null.',
  security: [{ bearer: [] }],
  request: { query: auditQuerySchema },
  responses: {
    ...keyRoute,
    200: json(z.object({ entries: z.array(auditEntrySchema), next: z.number().int().nullable() }), 'Entries'),
    400: json(errorSchema, 'A filter is not valid'),
    401: json(errorSchema, 'No valid API key'),
    404: json(errorSchema, 'No such cycle'),
  },
});

export function auditRoutes(deps: ApiDeps, auth: ReturnType<typeof createAuthenticator>) {
  const app = new OpenAPIHono<AuthEnv>({ defaultHook: validationHook });
  app.use('*', requireRole(auth, 'hr', 'admin'));
  app.openapi(auditRoute, async (c) => {
    const { since, ...rest } = c.req.valid('query');
    return c.json(await queryAudit(deps.db, { ...rest, since: since ? new Date(since) : undefined }), 200);
  });
  return app;
}
