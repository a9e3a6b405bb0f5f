import { OpenAPIHono, createRoute, z } from '@hono/zod-openapi';
import { MAX_IMPORT_ROWS, absenceWeekSchema, emailSchema, peopleImportSchema } from '../../contract';
import { csvToPeopleRows, importPeople, listPeople, markAbsent, validatePeopleRows } from '../../core/people';
import { previewPeopleImport } from '../../core/people-preview';
import { requestLocale } from '../../i18n';
import { type AuthEnv, type createAuthenticator, requireRole } from '../auth';
import type { ApiDeps } from '../deps';
import { errorSchema, personSchema } from '../schemas';
import { validationHook } from '../errors';
import { keyRoute } from '../openapi-responses';
import { AppError } from '../../core/errors';
import { ErrorCode } from '../../contract';

const importRoute = createRoute({
  method: 'post',
  path: '/',
  summary: 'Import or update people',
  description:
    'JSON array of people, or `text/csv` with the columns email,name,managerEmail,department,roles,locale,timeZone (roles separated by ";"; timeZone an IANA name such as Asia/Shanghai, empty: the cycle’s). ' +
    'Every row is checked first; on any error nothing is imported and the error names the row and the field.',
  security: [{ bearer: [] }],
  request: {
    body: {
      content: {
        'application/json': { schema: peopleImportSchema },
        'text/csv': {
          schema: z
            .string()
            .openapi({ example: 'email,name,managerEmail,department,roles,locale,timeZone\nana@example.com,Ana,,Sales,hr;manager,en,Europe/Berlin' }),
        },
      },
    },
  },
  responses: {
    ...keyRoute,
    200: { description: 'Imported', content: { 'application/json': { schema: z.object({ created: z.number().int(), updated: z.number().int() }) } } },
    400: { description: 'A row is not valid', content: { 'application/json': { schema: errorSchema } } },
  },
});

const listRoute = createRoute({
  method: 'get',
  path: '/',
  summary: 'List people',
  security: [{ bearer: [] }],
  responses: { ...keyRoute, 200: { description: 'People', content: { 'application/json': { schema: z.object({ people: z.array(personSchema) }) } } } },
});

const absencesRoute = createRoute({
  method: 'post',
  path: '/{email}/absences',
  summary: 'Mark a person out of office for whole weeks (no check-in task those weeks)',
  security: [{ bearer: [] }],
  request: {
    params: z.object({ email: emailSchema }),
    body: {
      required: true,
      content: {
        'application/json': {
          schema: z.object({
            weeks: z.array(absenceWeekSchema).min(1).max(60),
          }),
        },
      },
    },
  },
  responses: {
    ...keyRoute,
    200: { description: 'Marked', content: { 'application/json': { schema: z.object({ weeks: z.array(z.string()) }) } } },
    400: { description: 'Not valid', content: { 'application/json': { schema: errorSchema } } },
    404: { description: 'No such person', content: { 'application/json': { schema: errorSchema } } },
  },
});

const problemSchema = z.object({
  row: z.number().int().nullable().openapi({ description: '1-based data row; null for the file as a whole' }),
  line: z.number().int().nullable().openapi({ description: 'CSV: the line in the file (the header is line 1)' }),
  column: z.string(),
  message: z.string(),
});
const previewSchema = z
  .object({
    format: z.enum(['csv', 'json']),
    rowCount: z.number().int(),
    problems: z.array(problemSchema),
    changes: z.array(
      z.object({ row: z.number().int(), email: z.string(), name: z.string(), kind: z.enum(['new', 'updated', 'unchanged']), fields: z.array(z.string()) }),
    ),
    missing: z.array(z.object({ email: z.string(), name: z.string() })).openapi({ description: 'Active people who are not in the file' }),
    counts: z.object({ new: z.number().int(), updated: z.number().int(), unchanged: z.number().int(), missing: z.number().int() }),
  })
  .openapi('PeopleImportPreview');

const previewRoute = createRoute({
  method: 'post',
  path: '/preview',
  summary: 'Preview an import: every problem by row, line and column, and what would change; writes nothing',
  description: 'The same bodies as POST /api/people. Messages follow Accept-Language (en, zh-CN). The console’s import preview.',
  security: [{ bearer: [] }],
  request: { body: { content: { 'application/json': { schema: z.array(z.unknown()) }, 'text/csv': { schema: z.string() } } } },
  responses: {
    ...keyRoute,
    200: { description: 'The preview (problems may be empty)', content: { 'application/json': { schema: previewSchema } } },
    400: { description: 'Neither JSON nor CSV', content: { 'application/json': { schema: errorSchema } } },
  },
});

export function peopleRoutes(deps: ApiDeps, auth: ReturnType<typeof createAuthenticator>) {
  const app = new OpenAPIHono<AuthEnv>({ defaultHook: validationHook });
  // Reading is for HR and admins; changing is HR's.
  const readers = requireRole(auth, 'hr', 'admin');
  const writers = requireRole(auth, 'hr');
  app.use('*', (c, next) => (c.req.method === 'GET' || c.req.method === 'HEAD' ? readers : writers)(c, next));

  // Documented from the route, but the body is read here (not by the route validator), so JSON
  // and CSV go through one check that names rows the way a person counts them.
  app.openAPIRegistry.registerPath(importRoute);
  app.post('/', async (c) => {
    const type = c.req.header('content-type') ?? '';
    let rows: unknown[];
    let label: (i: number) => string;
    if (/^text\/csv\b/i.test(type)) {
      rows = csvToPeopleRows(await c.req.text());
      label = (i) => `row ${i + 1} (line ${i + 2})`;
    } else if (/^application\/json\b/i.test(type)) {
      const body = await c.req.json().catch(() => {
        throw new AppError(ErrorCode.validation, 'the request body is not valid JSON');
      });
      if (!Array.isArray(body)) throw new AppError(ErrorCode.validation, 'the request body must be a JSON array of people');
      rows = body;
      label = (i) => `row ${i + 1}`;
    } else {
      throw new AppError(ErrorCode.validation, 'send application/json or text/csv');
    }
    if (rows.length === 0) throw new AppError(ErrorCode.validation, 'the import has no rows');
    if (rows.length > MAX_IMPORT_ROWS) throw new AppError(ErrorCode.validation, `at most ${MAX_IMPORT_ROWS} people per import`);
    const people = validatePeopleRows(rows, label);
    const result = await importPeople(deps.db, people, c.get('principal').actor, label);
    return c.json(result, 200);
  });

  app.openapi(listRoute, async (c) => c.json({ people: await listPeople(deps.db) }, 200));

  app.openAPIRegistry.registerPath(previewRoute);
  app.post('/preview', async (c) => {
    const type = c.req.header('content-type') ?? '';
    const format = /^text\/csv\b/i.test(type) ? 'csv' : /^application\/json\b/i.test(type) ? 'json' : undefined;
    if (!format) throw new AppError(ErrorCode.validation, 'send application/json or text/csv');
    const { people: _checked, ...preview } = await previewPeopleImport(deps.db, await c.req.text(), requestLocale(c), { format });
    return c.json(preview, 200);
  });

  app.openapi(absencesRoute, async (c) => {
    const { email } = c.req.valid('param');
    const { weeks } = c.req.valid('json');
    return c.json({ weeks: await markAbsent(deps.db, email, weeks, c.get('principal').actor) }, 200);
  });
  return app;
}
