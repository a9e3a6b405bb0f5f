/**
 * The personal homes as JSON (for the pages' integrations, managers' tools and bridges):
 *
 * - `GET /api/me` — the signed-in person's home (core/me-home.ts); with an API key (hr, admin)
 *   `?email=` names whose home (an integration acting for HR).
 * - `GET /api/people/{email}/checkins` — a person's check-ins in a cycle: your own, or someone
 *   whose check-ins you may see (core/visibility.ts: your reports at any level, your department
 *   as ambassador, HR); any with an API key. Anyone else is 404, like an unknown address.
 * - `POST /api/key-results/{id}/execution-items` — adds a project, task or weekly report to a key
 *   result (a Jira or GitHub bridge): the key result's owner with a session, or an API key; a key
 *   result the caller may not touch is 404, like one that does not exist. `externalId` makes it
 *   idempotent: the same one again is 409.
 * - `GET /api/company?cycle=KEY` — the company objectives and the alignment tree with progress.
 *
 * Any signed-in person may call them (they see what visibility allows); keys need hr or admin.
 */
import { OpenAPIHono, createRoute, z } from '@hono/zod-openapi';
import type { MiddlewareHandler } from 'hono';
import { APPROVAL_STATES, type ApprovalState, EXECUTION_ITEM_SOURCES, ErrorCode, cycleKeySchema, emailSchema } from '../../contract';
import { companyHome } from '../../core/company-home';
import { AppError } from '../../core/errors';
import { meHome, requireHomePerson } from '../../core/me-home';
import { maySee, viewerOf } from '../../core/visibility';
import { writeAudit } from '../../db/audit';
import { currentCheckinWeek, homePerson, insertExecutionItem, keyResultOwner } from '../../db/homes';
import type { AuthEnv, Authenticate } from '../auth';
import type { ApiDeps } from '../deps';
import { validationHook } from '../errors';
import { anyRoute } from '../openapi-responses';
import { errorSchema, json } from '../schemas';

const count = z.number().int();
const callerRoute = {
  400: json(errorSchema, 'Not valid: the field is named in details.issues'),
  401: json(errorSchema, 'No valid API key or console session'),
  403: json(errorSchema, 'The key does not hold the role this route needs, or a session’s change came from another site'),
  ...anyRoute,
};

const keyResultSchema = z.object({
  id: count,
  title: z.string(),
  kind: z.string(),
  start: z.number().nullable(),
  target: z.number().nullable(),
  unit: z.string().nullable(),
  current: z.number().nullable(),
  done: z.boolean().nullable(),
  progress: z.number().nullable().describe('0–1'),
  confidence: z.number().nullable().describe('null where the caller may not see it'),
  selfScore: z.number().nullable(),
  score: z.number().nullable(),
  scoreComment: z.string().nullable(),
  weeks: z.array(z.object({ week: count, value: z.number().nullable(), done: z.boolean().nullable(), confidence: z.number().nullable() })),
  items: z.array(
    z.object({
      id: count,
      week: count,
      kind: z.string(),
      title: z.string(),
      status: z.string(),
      url: z.string().nullable(),
      source: z.enum(EXECUTION_ITEM_SOURCES),
    }),
  ),
});

export const meHomeSchema = z
  .object({
    person: z.object({
      email: z.string(),
      name: z.string(),
      department: z.string().nullable(),
      timeZone: z.string(),
      manager: z.object({ name: z.string(), email: z.string() }).nullable(),
    }),
    relation: z.enum(['self', 'manager', 'ambassador', 'hr', 'key', 'none']),
    facets: z.array(z.enum(['objectives', 'confidence', 'comments', 'checkins', 'scores', 'execution'])).describe('what the caller may see of this person'),
    cycles: z.array(z.object({ key: z.string(), title: z.string(), status: z.string() })),
    cycle: z.object({ key: z.string(), title: z.string(), status: z.string(), startsOn: z.string(), endsOn: z.string() }).nullable(),
    tasks: z.array(
      z.object({
        id: count,
        kind: z.string(),
        round: count,
        cycleKey: z.string(),
        cycleTitle: z.string(),
        dueAt: z.string(),
        dueLocal: z.string().describe('the due time in the person’s language and time zone'),
        overdue: z.boolean(),
        subjectName: z.string().nullable(),
        link: z.string().nullable().describe('the task page; only in the person’s own view'),
      }),
    ),
    objectives: z.array(
      z.object({
        id: count,
        title: z.string(),
        status: z.enum(APPROVAL_STATES.filter((s) => s !== 'none') as [Exclude<ApprovalState, 'none'>, ...Exclude<ApprovalState, 'none'>[]]),
        parent: z.object({ id: count, title: z.string(), ownerName: z.string().nullable() }).nullable(),
        progress: z.number().nullable(),
        score: z.number().nullable(),
        keyResults: z.array(keyResultSchema),
      }),
    ),
    checkins: z.array(
      z.object({
        taskId: count,
        week: count,
        confidence: z.number().nullable(),
        report: z.string().nullable(),
        at: z.string(),
        dueAt: z.string(),
        correctable: z.boolean(),
      }),
    ),
    review: z.object({ decision: z.string(), comment: z.string().nullable(), reviewerName: z.string() }).nullable(),
    scores: z.object({ overall: z.number().nullable(), selfComment: z.string().nullable(), managerComment: z.string().nullable() }).nullable(),
  })
  .openapi('MeHome');

const cycleQuery = z.object({ cycle: cycleKeySchema.optional().describe('a cycle key; default: the person’s newest cycle') });

const meRoute = createRoute({
  method: 'get',
  path: '/me',
  summary: 'My home: open tasks, objectives, check-ins, execution items and scores',
  description:
    'With a console session: the signed-in person (an `email` other than their own is 403). With an API key (hr, admin): `email` is required and names the person.',
  security: [{ bearer: [] }],
  request: { query: cycleQuery.extend({ email: emailSchema.optional() }) },
  responses: {
    ...callerRoute,
    200: json(meHomeSchema, 'The home as the caller may see it'),
    404: json(errorSchema, 'No such person, or no such cycle of theirs'),
  },
});

const checkinsRoute = createRoute({
  method: 'get',
  path: '/people/{email}/checkins',
  summary: 'A person’s check-ins in a cycle (values, confidence, reports, execution items)',
  description: 'Your own, or someone whose check-ins you may see (your reports, your department as ambassador, HR); any with an API key. Anyone else: 404.',
  security: [{ bearer: [] }],
  request: { params: z.object({ email: emailSchema }), query: cycleQuery },
  responses: {
    ...callerRoute,
    200: json(
      z.object({
        person: z.object({ email: z.string(), name: z.string() }),
        cycle: z.object({ key: z.string(), title: z.string() }).nullable(),
        checkins: z.array(
          z.object({
            week: count,
            confidence: z.number().nullable(),
            report: z.string().nullable(),
            at: z.string(),
            keyResults: z.array(z.object({ id: count, title: z.string(), value: z.number().nullable(), done: z.boolean().nullable() })),
            items: z.array(z.object({ id: count, keyResultId: count, kind: z.string(), title: z.string(), status: z.string(), url: z.string().nullable() })),
          }),
        ),
      }),
      'Check-ins, oldest week first',
    ),
    404: json(errorSchema, 'No such person you may see, or no such cycle of theirs'),
  },
});

export const executionItemInputSchema = z
  .object({
    kind: z.enum(['project', 'task', 'report'], { error: 'kind must be project, task or report' }),
    title: z.string().trim().min(1, 'must not be empty').max(200, 'at most 200 characters'),
    status: z.enum(['planned', 'in-progress', 'done'], { error: 'status must be planned, in-progress or done' }).default('in-progress'),
    url: z
      .string()
      .trim()
      .max(2000, 'at most 2000 characters')
      .refine((v) => /^https?:\/\//i.test(v) && URL.canParse(v), 'must be an http or https URL')
      .optional(),
    externalId: z
      .string()
      .trim()
      .min(1, 'must not be empty')
      .max(200, 'at most 200 characters')
      .optional()
      .describe('the item’s id in the other system: the same one twice is 409'),
  })
  .strict()
  .openapi('ExecutionItemInput');

const addItemRoute = createRoute({
  method: 'post',
  path: '/key-results/{id}/execution-items',
  summary: 'Add an execution item (project, task, weekly report) to a key result',
  description: 'For bridges (Jira, GitHub): the key result’s owner with a console session, or an API key. The item joins the owner’s current check-in week.',
  security: [{ bearer: [] }],
  request: {
    params: z.object({ id: z.coerce.number().int().positive().max(2_147_483_647, 'no such key result (the id is too large)') }),
    body: { required: true, content: { 'application/json': { schema: executionItemInputSchema } } },
  },
  responses: {
    ...callerRoute,
    201: json(
      z.object({
        id: count,
        keyResultId: count,
        week: count,
        kind: z.string(),
        title: z.string(),
        status: z.string(),
        url: z.string().nullable(),
        source: z.string(),
      }),
      'Added',
    ),
    404: json(errorSchema, 'No such key result you may touch'),
    409: json(errorSchema, 'An item with this externalId is already on the key result'),
  },
});

const companyNode = z.object({
  id: count,
  title: z.string(),
  status: z.string(),
  owner: z.object({ name: z.string(), email: z.string(), isManager: z.boolean() }).nullable(),
  progress: z.number().nullable().describe('0–1: the mean of its key results’ progress'),
  confidence: z.number().nullable().describe('the mean confidence of its key results; null where the caller may not see it'),
  children: z.array(z.unknown()).describe('objectives aligned to this one, each with the same fields'),
});

const companyRoute = createRoute({
  method: 'get',
  path: '/company',
  summary: 'The company objectives and the alignment tree down to teams, with progress',
  security: [{ bearer: [] }],
  request: { query: z.object({ cycle: cycleKeySchema.optional().describe('a cycle key; default: the caller’s newest cycle, else the newest') }) },
  responses: {
    ...callerRoute,
    200: json(
      z.object({
        cycles: z.array(z.object({ key: z.string(), title: z.string(), status: z.string() })),
        cycle: z.object({ key: z.string(), title: z.string(), status: z.string(), startsOn: z.string(), endsOn: z.string() }).nullable(),
        company: z.array(companyNode),
        unaligned: z.array(companyNode),
        objectives: count,
        aligned: count,
      }),
      'The tree as the caller may see it',
    ),
    404: json(errorSchema, 'No such cycle'),
  },
});

/** Any signed-in person, or a key (every key holds hr or admin). */
function anyCaller(auth: Authenticate): MiddlewareHandler<AuthEnv> {
  return async (c, next) => {
    c.set('principal', await auth(c));
    await next();
  };
}

export function meApiRoutes(deps: ApiDeps, auth: Authenticate, tokenSecret: string | undefined) {
  const app = new OpenAPIHono<AuthEnv>({ defaultHook: validationHook });
  const { db } = deps;
  app.use('/me', anyCaller(auth));
  app.use('/people/:email/checkins', anyCaller(auth));
  app.use('/key-results/:id/execution-items', anyCaller(auth));
  app.use('/company', anyCaller(auth));
  const homeDeps = { db, publicBaseUrl: deps.publicBaseUrl, tokenSecret, visibility: deps.visibility };

  app.openapi(meRoute, async (c) => {
    const { email, cycle } = c.req.valid('query');
    const principal = c.get('principal');
    let person;
    if (principal.person) {
      if (email && email !== principal.person.email) throw new AppError(ErrorCode.forbidden, 'with a session, /api/me answers only for you (leave out email)');
      person = (await homePerson(db, { id: principal.person.id }))!;
    } else {
      if (!email)
        throw new AppError(ErrorCode.validation, 'email: required with an API key (whose home)', {
          issues: [{ path: 'email', message: 'required with an API key' }],
        });
      person = await requireHomePerson(db, email);
    }
    return c.json(await meHome(homeDeps, viewerOf(principal), person, cycle), 200);
  });

  app.openapi(checkinsRoute, async (c) => {
    const { email } = c.req.valid('param');
    const { cycle } = c.req.valid('query');
    const viewer = viewerOf(c.get('principal'));
    const person = await homePerson(db, { email });
    // Someone you may not see reads exactly like someone who does not exist.
    if (!person || !(await maySee(db, viewer, person.id, 'checkins', deps.visibility)))
      throw new AppError(ErrorCode.notFound, `no person with email ${email} whose check-ins you may see`);
    const home = await meHome(homeDeps, viewer, person, cycle);
    const krs = home.objectives.flatMap((o) => o.keyResults);
    return c.json(
      {
        person: { email: person.email, name: person.name },
        cycle: home.cycle ? { key: home.cycle.key, title: home.cycle.title } : null,
        checkins: home.checkins.map((ch) => ({
          week: ch.week,
          confidence: ch.confidence,
          report: ch.report,
          at: ch.at,
          keyResults: krs.flatMap((k) => {
            const v = k.weeks.find((x) => x.week === ch.week);
            return v ? [{ id: k.id, title: k.title, value: v.value, done: v.done }] : [];
          }),
          items: krs.flatMap((k) =>
            k.items.filter((i) => i.week === ch.week).map((i) => ({ id: i.id, keyResultId: k.id, kind: i.kind, title: i.title, status: i.status, url: i.url })),
          ),
        })),
      },
      200,
    );
  });

  app.openapi(addItemRoute, async (c) => {
    const { id } = c.req.valid('param');
    const body = c.req.valid('json');
    const principal = c.get('principal');
    const kr = await keyResultOwner(db, id);
    const mayTouch = kr && kr.ownerId !== null && kr.status !== 'superseded' && (!principal.person || principal.person.id === kr.ownerId);
    if (!kr || !mayTouch) throw new AppError(ErrorCode.notFound, `no key result ${id} you may add items to`);
    const week = await currentCheckinWeek(db, kr.cycleId, kr.ownerId!);
    const added = await db.transaction().execute(async (tx) => {
      const row = await insertExecutionItem(tx, {
        cycleId: kr.cycleId,
        personId: kr.ownerId!,
        keyResultId: kr.id,
        week,
        kind: body.kind,
        title: body.title,
        status: body.status,
        url: body.url ?? null,
        externalId: body.externalId ?? null,
      });
      if (!row) return undefined;
      await writeAudit(tx, {
        actor: principal.actor,
        action: 'execution-item.added',
        cycleId: kr.cycleId,
        subject: `key-result:${kr.id}`,
        detail: { itemId: row.id, kind: body.kind, externalId: body.externalId ?? null },
      });
      return row;
    });
    if (!added) throw new AppError(ErrorCode.conflict, `an item with externalId ${body.externalId} is already on key result ${id}`);
    return c.json({ ...added, createdAt: undefined }, 201);
  });

  app.openapi(companyRoute, async (c) => {
    const { cycle } = c.req.valid('query');
    return c.json((await companyHome(db, viewerOf(c.get('principal')), cycle, deps.visibility)) as never, 200);
  });
  return app;
}
