/** API keys: create (the plain key is shown once), list, revoke. Admins only. */
import { OpenAPIHono, createRoute, z } from '@hono/zod-openapi';
import { text } from '../../contract';
import { API_KEY_ROLES, createApiKey, listApiKeys, revokeApiKey } from '../../core/api-keys';
import { type AuthEnv, type createAuthenticator, requireRole } from '../auth';
import type { ApiDeps } from '../deps';
import { validationHook } from '../errors';
import { keyRoute } from '../openapi-responses';
import { errorSchema, json } from '../schemas';

const createKeySchema = z
  .object({
    name: text().trim().min(1, 'must not be empty').max(100, 'at most 100 characters').openapi({ example: 'hris-sync' }),
    role: z.enum(API_KEY_ROLES).openapi({ description: 'hr: people and cycles; admin: keys, and reading everything' }),
  })
  .openapi('NewApiKey');

const apiKeySchema = z
  .object({
    id: z.number().int(),
    name: z.string(),
    role: z.enum(API_KEY_ROLES),
    createdAt: z.string(),
    revokedAt: z.string().nullable(),
  })
  .openapi('ApiKey');

const createdKeySchema = z
  .object({
    id: z.number().int(),
    name: z.string(),
    role: z.enum(API_KEY_ROLES),
    key: z.string().openapi({ description: 'The key itself. Shown only in this response; only its SHA-256 is stored.' }),
    createdAt: z.string(),
  })
  .openapi('CreatedApiKey');

const idParam = z.object({
  id: z.coerce
    .number()
    .int()
    .min(1)
    .max(2_147_483_647)
    .openapi({ param: { name: 'id', in: 'path' }, example: 3 }),
});

const security = [{ bearer: [] }];
const denied = { 401: json(errorSchema, 'No valid API key'), 403: json(errorSchema, 'The key is not an admin key') };

const createKeyRoute = createRoute({
  method: 'post',
  path: '/',
  summary: 'Create an API key',
  description: 'The response holds the plain key; it cannot be shown again. Audited as api-key.created.',
  security,
  request: { body: { required: true, content: { 'application/json': { schema: createKeySchema } } } },
  responses: { ...keyRoute, 201: json(createdKeySchema, 'Created'), 400: json(errorSchema, 'Not valid'), ...denied },
});

const listKeysRoute = createRoute({
  method: 'get',
  path: '/',
  summary: 'List API keys (never the keys themselves)',
  security,
  responses: { ...keyRoute, 200: json(z.object({ keys: z.array(apiKeySchema) }), 'Every key, newest first, revoked ones included'), ...denied },
});

const revokeKeyRoute = createRoute({
  method: 'delete',
  path: '/{id}',
  summary: 'Revoke an API key',
  description: 'The key stops working at once. Revoking a revoked key changes nothing and is also 204. Audited as api-key.revoked.',
  security,
  request: { params: idParam },
  responses: { ...keyRoute, 204: { description: 'Revoked' }, 404: json(errorSchema, 'No such key'), ...denied },
});

export function keyRoutes(deps: ApiDeps, auth: ReturnType<typeof createAuthenticator>) {
  const app = new OpenAPIHono<AuthEnv>({ defaultHook: validationHook });
  app.use('*', requireRole(auth, 'admin'));

  app.openapi(createKeyRoute, async (c) => c.json(await createApiKey(deps.db, c.req.valid('json'), c.get('principal').actor), 201));

  app.openapi(listKeysRoute, async (c) => c.json({ keys: await listApiKeys(deps.db) }, 200));

  app.openapi(revokeKeyRoute, async (c) => {
    await revokeApiKey(deps.db, c.req.valid('param').id, c.get('principal').actor);
    return c.body(null, 204);
  });
  return app;
}
