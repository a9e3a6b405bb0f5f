/**
 * The task an email links to, for every kind of task. GET (and HEAD) only read — mail scanners
 * open every link; POST completes. Both speak HTML to people and JSON to programs (Accept /
 * Content-Type). Unknown, malformed and long-closed tokens get the same 404. Every request,
 * whatever its answer, counts against the client's rate limit (token guessing).
 */
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { csrf } from 'hono/csrf';
import { HTTPException } from 'hono/http-exception';
import {
  ErrorCode,
  type FieldIssue,
  TASK_KINDS,
  checkinSubmissionSchema,
  draftSubmissionSchema,
  finalizeSubmissionSchema,
  nominateSubmissionSchema,
  reviewSubmissionSchema,
  scoreSubmissionSchema,
  strategySubmissionSchema,
  submissionSchemas,
  toFieldIssues,
  voteSubmissionSchema,
} from '../../contract';
import { AppError } from '../../core/errors';
import {
  COMPLETION_RETRY_AFTER_S,
  DEFAULT_COMPLETION_DEADLINE_MS,
  type TaskContext,
  closedTaskError,
  completeTask,
  correctTask,
  findTaskByToken,
  mayCorrect,
} from '../../core/task-access';
import { kinds } from '../../kinds';
import type { KindContext } from '../../kinds/types';
import type { ApiDeps } from '../deps';
import { errorBody, statusOf } from '../errors';
import { localizedIssues, pageStrings, requestLocale, translateFieldIssue } from '../../i18n';
import { type RateLimitOptions, rateLimit } from '../rate-limit';
import { errorSchema } from '../schemas';
import { loadKindContext } from '../task-page/context';
import { isPickerQuery, nomineePicker } from '../../kinds/awards/picker';
import { awardWords } from '../../i18n/awards';
import { type FieldErrors, type FormValues, fieldErrors } from '../task-page/fields';
import { closedPage, completedPage, forbiddenPage, notFoundPage, taskPage, tooManyRequestsPage } from '../task-page/view';
import { addedRow, editRows } from '../task-page/rows';
import { nominateKind } from '../../kinds/awards';

/** Programs ask for JSON (Accept) or send it (Content-Type); browsers get HTML. */
const wantsJson = (c: Context) =>
  /^application\/json\b/i.test(c.req.header('content-type') ?? '') ||
  (/application\/json/i.test(c.req.header('accept') ?? '') && !/text\/html/i.test(c.req.header('accept') ?? ''));

const tokenParam = z.object({ token: z.string().openapi({ param: { name: 'token', in: 'path' }, description: 'The token from the email link' }) });
const keyResultOptionSchema = z.object({
  keyResultId: z.number().int(),
  objectiveId: z.number().int(),
  objectiveTitle: z.string(),
  title: z.string(),
  kind: z.enum(['numeric', 'percent', 'milestone']),
  start: z.number().nullable(),
  target: z.number().nullable(),
  unit: z.string().nullable(),
  current: z.number().nullable(),
  done: z.boolean().nullable(),
  selfScore: z.number().nullable(),
  score: z.number().nullable(),
  suggestedScore: z.number().nullable(),
});
const kindContextSchema = z.object({
  values: z.unknown().openapi({ description: 'A pre-filled starting point (previous draft, suggested scores), or null' }),
  notes: z.array(z.string()).openapi({ description: 'Sentences shown above the form' }),
  parents: z.array(z.object({ id: z.number().int(), title: z.string(), owner: z.string() })).openapi({ description: 'draft: objectives to align to' }),
  keyResults: z.array(keyResultOptionSchema).openapi({ description: 'checkin, self-score, calibrate: the key results concerned' }),
  objectives: z
    .array(
      z.object({
        id: z.number().int(),
        title: z.string(),
        parent: z.string().nullable(),
        keyResults: z.array(z.object({ title: z.string(), measure: z.string() })),
      }),
    )
    .openapi({ description: 'reviews: the objectives under review; nominate: the objectives one may nominate' }),
  nominations: z
    .array(z.object({ nominationId: z.number().int(), nominator: z.string(), label: z.string(), citation: z.string(), votes: z.number().int() }))
    .openapi({ description: 'vote, finalize: the nominations' }),
  subject: z.object({ name: z.string(), email: z.string() }).nullable().openapi({ description: 'The person the task is about' }),
});
const taskJsonSchema = z
  .object({
    task: z.object({
      id: z.number().int(),
      kind: z.enum(TASK_KINDS),
      status: z.string(),
      dueAt: z.string(),
      completedAt: z.string().nullable(),
      cycle: z.object({ key: z.string(), title: z.string() }),
      owner: z.object({ name: z.string() }),
      subject: z.object({ name: z.string() }).nullable(),
    }),
    fields: z.record(z.string(), z.unknown()).openapi({ description: 'JSON Schema of the submission for this kind of task' }),
    values: z.unknown().openapi({ description: 'The stored submission once completed, else the pre-filled values' }),
    context: kindContextSchema,
  })
  .openapi('TaskPage');
const anySubmissionSchema = z
  .union([
    strategySubmissionSchema,
    reviewSubmissionSchema,
    draftSubmissionSchema,
    checkinSubmissionSchema,
    scoreSubmissionSchema,
    nominateSubmissionSchema,
    voteSubmissionSchema,
    finalizeSubmissionSchema,
  ])
  .openapi({ description: 'The submission for the task’s kind: GET the link with Accept: application/json for its exact JSON Schema (`fields`).' });

/** Task links answer JSON to programs and an HTML page to people, errors included. */
const errorOrPage = (description: string) => ({ description, content: { 'application/json': { schema: errorSchema }, 'text/html': { schema: z.string() } } });
const linkResponses = {
  404: errorOrPage('Unknown, malformed or expired link'),
  413: errorOrPage('The request body is too large'),
  429: errorOrPage('Too many requests from this address (see Retry-After)'),
  503: errorOrPage('The database or Temporal did not answer in time (see Retry-After); sending the same submission again answers its real result'),
};

const getRoute = createRoute({
  method: 'get',
  path: '/{token}',
  summary: 'The task behind an email link (send Accept: application/json for JSON)',
  description: 'Never changes anything.',
  request: { params: tokenParam },
  responses: {
    ...linkResponses,
    200: { description: 'The task', content: { 'application/json': { schema: taskJsonSchema }, 'text/html': { schema: z.string() } } },
  },
});
const postRoute = createRoute({
  method: 'post',
  path: '/{token}',
  summary: 'Complete the task',
  description:
    'A form post from the task page, or JSON with the fields of the task’s kind. A different second submission is refused with 409 and changes nothing; the same submission again (a retry after a 503) answers 200 with the first completion.',
  request: { params: tokenParam, body: { content: { 'application/json': { schema: anySubmissionSchema } } } },
  responses: {
    ...linkResponses,
    200: {
      description: 'Completed',
      content: {
        'application/json': { schema: z.object({ taskId: z.number().int(), status: z.string(), completedAt: z.string() }) },
        'text/html': { schema: z.string() },
      },
    },
    400: errorOrPage('Not valid, by field; nothing saved'),
    403: errorOrPage('A form post from another site'),
    409: errorOrPage('Already completed'),
    410: errorOrPage('Expired or cancelled'),
  },
});

const SECURITY_HEADERS = {
  'Referrer-Policy': 'no-referrer',
  'Cache-Control': 'no-store',
  'X-Content-Type-Options': 'nosniff',
  // Scripts and styles only as files from this app (/assets/): no inline script, no inline style.
  'Content-Security-Policy': "default-src 'none'; script-src 'self'; style-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
};

/** Temporal or the database did not answer in time: answered 503 with Retry-After. */
function isUnavailable(error: unknown): error is AppError {
  return error instanceof AppError && error.code === ErrorCode.unavailable;
}

function retryAfterOf(error: AppError): number {
  const seconds = (error.details as { retryAfterSeconds?: unknown } | undefined)?.retryAfterSeconds;
  return typeof seconds === 'number' ? seconds : COMPLETION_RETRY_AFTER_S;
}

export function taskPageRoutes(deps: ApiDeps) {
  const app = new OpenAPIHono();
  const publicOrigin = new URL(deps.publicBaseUrl).origin;
  app.use('*', async (c, next) => {
    await next();
    for (const [k, v] of Object.entries(SECURITY_HEADERS)) c.res.headers.set(k, v);
  });
  // Before anything else, so unknown tokens and refused posts count too.
  if (deps.taskPageRateLimit !== false) {
    app.use(
      '*',
      rateLimit({
        onLimited: (c, seconds) => {
          const locale = requestLocale(c);
          return wantsJson(c)
            ? c.json(errorBody(ErrorCode.rateLimited, pageStrings('en').tooMany.json(seconds)), 429)
            : c.html(tooManyRequestsPage(seconds, locale), 429);
        },
        ...deps.taskPageRateLimit,
      }),
    );
  }
  // Form posts must come from our own page (browsers send Origin or Sec-Fetch-Site); JSON posts
  // cannot be sent cross-site without a CORS preflight, which this app never grants.
  // A refusal is a page in the owner's language for people (JSON for programs), never raw JSON in a browser.
  const sameSite = csrf({ origin: [publicOrigin], secFetchSite: 'same-origin' });
  app.use('*', async (c, next) => {
    try {
      return await sameSite(c, next);
    } catch (error) {
      if (!(error instanceof HTTPException) || error.status !== 403 || wantsJson(c)) throw error;
      const task = await findTaskByToken(deps.db, c.req.param('token') ?? c.req.path.split('/').pop() ?? '').catch(() => null);
      return c.html(forbiddenPage(task?.locale ?? requestLocale(c)), 403);
    }
  });
  app.openAPIRegistry.registerPath(getRoute);
  app.openAPIRegistry.registerPath(postRoute);

  const completeDeps = { db: deps.db, client: deps.temporal.client, deadlineMs: deps.completionDeadlineMs ?? DEFAULT_COMPLETION_DEADLINE_MS };
  const notFound = (c: Context) =>
    wantsJson(c) ? c.json(errorBody(ErrorCode.notFound, 'this link is not valid'), 404) : c.html(notFoundPage(requestLocale(c)), 404);

  const renderTask = async (task: TaskContext, context: KindContext, values: FormValues, errors: FieldErrors, unavailable = false, focusRow?: string) =>
    taskPage({ task, context, values, errors, unavailable, focusRow, timeZone: task.timeZone });

  app.get('/:token', async (c) => {
    const task = await findTaskByToken(deps.db, c.req.param('token'));
    if (!task) return notFound(c);
    if (wantsJson(c)) {
      const context = await loadKindContext(deps.db, task);
      return c.json({
        task: {
          id: task.id,
          kind: task.kind,
          status: task.status,
          dueAt: task.dueAt,
          completedAt: task.completedAt,
          cycle: { key: task.cycleKey, title: task.cycleTitle },
          owner: { name: task.ownerName },
          subject: context.subject ? { name: context.subject.name } : null,
        },
        fields: z.toJSONSchema(submissionSchemas[task.kind], { io: 'input' }),
        values: task.status === 'completed' ? task.result : (context.values ?? null),
        context,
      });
    }
    // A check-in sent this week can be corrected until its due time: the same page, with the answer sent.
    if (mayCorrect(task)) {
      const context = await loadKindContext(deps.db, task);
      return c.html(await renderTask(task, context, kinds[task.kind].form.toValues(task.result, context), new Map()));
    }
    if (task.status !== 'open') {
      const answered = task.status === 'completed' && task.result !== null ? await loadKindContext(deps.db, task) : undefined;
      return c.html(closedPage(task, task.timeZone, answered));
    }
    const context = await loadKindContext(deps.db, task);
    // The nominate picker (its buttons submit by GET): what was typed comes back, with the people found.
    if (task.kind === nominateKind.kind && isPickerQuery(c.req.query())) {
      const picked = await nomineePicker(deps.db, task, c.req.query());
      const notes = picked.full ? [...context.notes, awardWords(task.locale).picker.full] : context.notes;
      return c.html(await renderTask(task, { ...context, notes, nomineeSearch: picked.search }, picked.values, new Map()));
    }
    const values = kinds[task.kind].form.toValues(context.values, context);
    return c.html(await renderTask(task, context, values, new Map()));
  });

  app.post('/:token', async (c) => {
    const task = await findTaskByToken(deps.db, c.req.param('token'));
    if (!task) return notFound(c);
    const isJson = /^application\/json\b/i.test(c.req.header('content-type') ?? '');
    const closed = () => {
      const error = closedTaskError(task.status);
      return isJson ? c.json(errorBody(error.code, error.message), statusOf(error)) : c.html(closedPage(task, task.timeZone), statusOf(error));
    };
    // A completed task still hears its own submission again (a retry after a 503): it answers
    // completed. JSON clients keep the documented answer otherwise; the page can correct a check-in.
    if (task.status !== 'open' && task.status !== 'completed') return closed();
    const correcting = task.status === 'completed' && !isJson && mayCorrect(task);
    const schema = submissionSchemas[task.kind];

    if (isJson) {
      const body = await c.req.json().catch(() => {
        throw new AppError(ErrorCode.validation, 'the request body is not valid JSON');
      });
      const checked = schema.safeParse(body);
      if (!checked.success) {
        if (task.status !== 'open') return closed();
        const issues = toFieldIssues(checked.error.issues);
        return c.json(errorBody(ErrorCode.validation, 'the submission is not valid', { issues }), 400);
      }
      try {
        return c.json(await completeTask(completeDeps, task, checked.data, 'json'), 200);
      } catch (error) {
        if (!isUnavailable(error)) throw error;
        c.header('Retry-After', String(retryAfterOf(error)));
        return c.json(errorBody(error.code, error.message), 503);
      }
    }

    const form = (await c.req.parseBody()) as Record<string, string | File>;
    const values: FormValues = {};
    for (const [k, v] of Object.entries(form)) if (typeof v === 'string') values[k] = v;
    const context = await loadKindContext(deps.db, task);
    // "Add a key result", "Remove" (without JavaScript): the same page with the rows changed, nothing saved.
    const edited = values.action ? editRows(values, values.action) : null;
    if (edited) return c.html(await renderTask(task, context, edited, new Map(), false, addedRow(edited, values.action!)));
    const parsed = kinds[task.kind].form.parse(values, context, task.locale);
    const rerender = async (issues: FieldIssue[]) => c.html(await renderTask(task, context, values, fieldErrors(parsed, issues)), 400);

    const checked = schema.safeParse(parsed.submission);
    if (task.status !== 'open' && !correcting && (!checked.success || parsed.issues.length)) return closed();
    if (!checked.success || parsed.issues.length) return rerender(checked.success ? [] : localizedIssues(checked.error.issues, task.locale));
    try {
      if (correcting) await correctTask(completeDeps, task, checked.data, 'form');
      else await completeTask(completeDeps, task, checked.data, 'form');
    } catch (error) {
      if (error instanceof AppError && error.code === ErrorCode.validation) {
        const issues = (error.details as { issues?: FieldIssue[] } | undefined)?.issues ?? [{ path: '', message: error.message }];
        // The database rules' messages in the person's language (by their code).
        return rerender(issues.map((i) => ({ path: i.path, message: translateFieldIssue(task.locale, i) })));
      }
      if (error instanceof AppError && (error.code === ErrorCode.taskAlreadyCompleted || error.code === ErrorCode.taskClosed)) {
        const now = await findTaskByToken(deps.db, c.req.param('token'));
        return c.html(closedPage(now ?? task, task.timeZone), statusOf(error));
      }
      if (isUnavailable(error)) {
        // Not the person's fault: the same page, their answers kept, a banner that says so.
        c.header('Retry-After', String(retryAfterOf(error)));
        return c.html(await renderTask(task, context, values, new Map(), true), 503);
      }
      throw error;
    }
    return c.html(completedPage(task));
  });
  return app;
}
