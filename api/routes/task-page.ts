/**
 * The task an email links to. GET (and HEAD) only read — mail scanners open every link; POST
 * completes. Both speak HTML to people and JSON to programs (Accept / Content-Type).
 * Unknown, malformed and long-closed tokens get the same 404.
 */
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { csrf } from 'hono/csrf';
import { ErrorCode, type FieldIssue, draftSubmissionSchema, toFieldIssues } from '../../contract';
import { AppError } from '../../core/errors';
import { type TaskContext, closedTaskError, completeTask, findTaskByToken } from '../../core/task-access';
import { alignmentParentsFor } from '../../core/task-kinds/draft';
import type { ApiDeps } from '../deps';
import { errorBody } from '../errors';
import { errorSchema } from '../schemas';
import { type FormValues, draftToFormValues, parseDraftForm } from '../task-page/draft-form';
import { closedPage, completedPage, draftPage, notFoundPage } from '../task-page/view';

/** Programs ask for JSON (Accept) or send it (Content-Type); browsers get HTML. */
const wantsJson = (c: Context) =>
  /^application\/json\b/i.test(c.req.header('content-type') ?? '') ||
  (/application\/json/i.test(c.req.header('accept') ?? '') && !/text\/html/i.test(c.req.header('accept') ?? ''));

const tokenParam = z.object({ token: z.string().openapi({ param: { name: 'token', in: 'path' }, description: 'The token from the email link' }) });
const taskJsonSchema = z
  .object({
    task: z.object({
      id: z.number().int(),
      kind: z.string(),
      status: z.string(),
      dueAt: z.string(),
      completedAt: z.string().nullable(),
      cycle: z.object({ key: z.string(), title: z.string() }),
      owner: z.object({ name: z.string() }),
    }),
    fields: z.record(z.string(), z.unknown()).openapi({ description: 'JSON Schema of the submission' }),
    values: z.unknown().openapi({ description: 'What is already filled in' }),
    parents: z.array(z.object({ id: z.number().int(), title: z.string(), owner: z.string() })),
  })
  .openapi('TaskPage');

const getRoute = createRoute({
  method: 'get',
  path: '/{token}',
  summary: 'The task behind an email link (send Accept: application/json for JSON)',
  description: 'Never changes anything.',
  request: { params: tokenParam },
  responses: {
    200: { description: 'The task', content: { 'application/json': { schema: taskJsonSchema }, 'text/html': { schema: z.string() } } },
    404: { description: 'Unknown, malformed or expired link', content: { 'application/json': { schema: errorSchema } } },
  },
});
const postRoute = createRoute({
  method: 'post',
  path: '/{token}',
  summary: 'Complete the task',
  description: 'A form post from the task page, or JSON with the same fields. A second submission is refused with 409 and changes nothing.',
  request: { params: tokenParam, body: { content: { 'application/json': { schema: draftSubmissionSchema } } } },
  responses: {
    200: { description: 'Completed', content: { 'application/json': { schema: z.object({ taskId: z.number().int(), status: z.string(), completedAt: z.string() }) } } },
    400: { description: 'Not valid, by field; nothing saved', content: { 'application/json': { schema: errorSchema } } },
    404: { description: 'Unknown link', content: { 'application/json': { schema: errorSchema } } },
    409: { description: 'Already completed', content: { 'application/json': { schema: errorSchema } } },
    410: { description: 'Expired or cancelled', content: { 'application/json': { schema: errorSchema } } },
  },
});

const SECURITY_HEADERS = {
  'Referrer-Policy': 'no-referrer',
  'Cache-Control': 'no-store',
  'X-Content-Type-Options': 'nosniff',
  'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
};

export function taskPageRoutes(deps: ApiDeps) {
  const app = new OpenAPIHono();
  const publicOrigin = new URL(deps.publicBaseUrl).origin;
  app.use('*', async (c, next) => {
    await next();
    for (const [k, v] of Object.entries(SECURITY_HEADERS)) c.res.headers.set(k, v);
  });
  // Form posts must come from our own page (browsers send Origin or Sec-Fetch-Site); JSON posts
  // cannot be sent cross-site without a CORS preflight, which this app never grants.
  app.use('*', csrf({ origin: [publicOrigin], secFetchSite: 'same-origin' }));
  app.openAPIRegistry.registerPath(getRoute);
  app.openAPIRegistry.registerPath(postRoute);

  const timeZoneOf = async (task: TaskContext) => {
    const row = await deps.db.selectFrom('cycles').select('schedule').where('id', '=', task.cycleId).executeTakeFirst();
    return ((row?.schedule as { timeZone?: string } | undefined)?.timeZone ?? 'UTC') as string;
  };
  const notFound = (c: Context) =>
    wantsJson(c) ? c.json(errorBody(ErrorCode.notFound, 'this link is not valid'), 404) : c.html(notFoundPage(), 404);

  app.get('/:token', async (c) => {
    const task = await findTaskByToken(deps.db, c.req.param('token'));
    if (!task) return notFound(c);
    const parents = await alignmentParentsFor(deps.db, task.cycleId, task.personId);
    if (wantsJson(c)) {
      return c.json({
        task: {
          id: task.id,
          kind: task.kind,
          status: task.status,
          dueAt: task.dueAt,
          completedAt: task.completedAt,
          cycle: { key: task.cycleKey, title: task.cycleTitle },
          owner: { name: task.ownerName },
        },
        fields: z.toJSONSchema(draftSubmissionSchema, { io: 'input' }),
        values: task.result ?? null,
        parents,
      });
    }
    if (task.status !== 'open') return c.html(closedPage(task));
    return c.html(draftPage({ task, values: draftToFormValues(task.result), errors: new Map(), parents, timeZone: await timeZoneOf(task) }));
  });

  app.post('/:token', async (c) => {
    const task = await findTaskByToken(deps.db, c.req.param('token'));
    if (!task) return notFound(c);
    const isJson = /^application\/json\b/i.test(c.req.header('content-type') ?? '');
    if (task.status !== 'open') {
      const error = closedTaskError(task.status);
      return isJson ? c.json(errorBody(error.code, error.message), error.status) : c.html(closedPage(task), error.status);
    }

    if (isJson) {
      const body = await c.req.json().catch(() => {
        throw new AppError(ErrorCode.validation, 'the request body is not valid JSON');
      });
      const checked = draftSubmissionSchema.safeParse(body);
      if (!checked.success) {
        const issues = toFieldIssues(checked.error.issues);
        return c.json(errorBody(ErrorCode.validation, 'the submission is not valid', { issues }), 400);
      }
      const result = await completeTask({ db: deps.db, client: deps.temporal.client }, task, checked.data, 'json');
      return c.json(result, 200);
    }

    const form = (await c.req.parseBody()) as Record<string, string | File>;
    const values: FormValues = {};
    for (const [k, v] of Object.entries(form)) if (typeof v === 'string') values[k] = v;
    const parsed = parseDraftForm(values);
    const rerender = async (issues: FieldIssue[]) => {
      const errors = new Map<string, string[]>();
      for (const i of issues) {
        const name = parsed.fieldName(i.path);
        errors.set(name, [...(errors.get(name) ?? []), i.message]);
      }
      const page = draftPage({ task, values, errors, parents: await alignmentParentsFor(deps.db, task.cycleId, task.personId), timeZone: await timeZoneOf(task) });
      return c.html(page, 400);
    };
    const checked = draftSubmissionSchema.safeParse(parsed.draft);
    if (!checked.success) return rerender(toFieldIssues(checked.error.issues));
    try {
      await completeTask({ db: deps.db, client: deps.temporal.client }, task, checked.data, 'form');
    } catch (error) {
      if (error instanceof AppError && error.code === ErrorCode.validation) {
        return rerender(((error.details as { issues?: FieldIssue[] } | undefined)?.issues ?? [{ path: 'form', message: error.message }]) as FieldIssue[]);
      }
      if (error instanceof AppError && (error.code === ErrorCode.taskAlreadyCompleted || error.code === ErrorCode.taskClosed)) {
        const now = await findTaskByToken(deps.db, c.req.param('token'));
        return c.html(closedPage(now ?? task), error.status);
      }
      throw error;
    }
    return c.html(completedPage(task));
  });
  return app;
}
