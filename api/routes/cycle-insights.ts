/**
 * The JSON behind the console's cycle pages (and for integrations): the preview of a cycle before
 * it starts, a cycle's dashboard aggregates and alignment tree, CSV and XLSX exports, and "remind now".
 * Mounted under /api/cycles next to the cycle routes; reading is for HR and admins, acting is HR's.
 */
import { OpenAPIHono, createRoute, z } from '@hono/zod-openapi';
import { PHASES, TASK_KINDS, cycleKeySchema, startCycleSchema } from '../../contract';
import { cycleAlignmentTree, cycleDashboard } from '../../core/cycle-dashboard';
import { previewCycle } from '../../core/cycle-preview';
import { CONTENT_TYPES, EXPORTS, EXPORT_FORMATS, cycleExportFile, parseExportFile } from '../../core/exports';
import { remindNow } from '../../core/reminders';
import { requireCycleByKey } from '../../db/cycles';
import { type AuthEnv, type createAuthenticator, requireRole } from '../auth';
import type { ApiDeps } from '../deps';
import { validationHook } from '../errors';
import { keyRoute } from '../openapi-responses';
import { cycleViewSchema, errorSchema, json, planWarningSchema } from '../schemas';

const keyParam = z.object({ key: cycleKeySchema });
const count = z.number().int();
const completionRow = z.object({
  group: z.string().nullable(),
  label: z.string().nullable(),
  total: count,
  completed: count,
  open: count,
  overdue: count,
  expired: count,
});
const totals = z.object({ total: count, completed: count, open: count, overdue: count, expired: count });

export const previewSchema = z
  .object({
    timeZone: z.string(),
    startsAt: z.string().describe('startsOn at 00:00 in the time zone'),
    planningFits: z.boolean().describe('whether strategy, drafting and review are due by startsAt'),
    planningLateByMs: count.describe('how long after startsAt planning ends (0 when it fits)'),
    warnings: z.array(planWarningSchema).describe('what a start now would warn about (planning that ends after startsOn)'),
    phases: z.array(z.object({ phase: z.enum(PHASES), opensAt: z.string(), dueAt: z.string() })),
    checkinWeeks: z.array(z.object({ week: count, opensAt: z.string(), dueAt: z.string() })),
    audience: z.object({ participants: count, executives: count, managers: count, nominators: count, voters: count }),
    events: z.array(
      z.object({
        at: z.string(),
        phase: z.enum(PHASES),
        type: z.enum(['invite', 'reminder', 'escalation', 'digest', 'announcement']),
        kind: z.enum(TASK_KINDS).optional(),
        week: count.optional(),
        to: z.enum(['manager', 'hr']).optional(),
        emails: count,
        atMost: z.boolean(),
      }),
    ),
    emailsByDay: z.array(z.object({ day: z.string(), certain: count, atMost: count })),
    totals: z.object({ certain: count, atMost: count }),
  })
  .openapi('CyclePreview');

export const dashboardSchema = z
  .object({
    cycle: cycleViewSchema,
    now: z.string(),
    step: z
      .object({
        phase: z.enum(PHASES),
        kind: z.enum(TASK_KINDS),
        round: count,
        total: totals,
        byDepartment: z.array(completionRow),
        byManager: z.array(completionRow),
      })
      .nullable(),
    overdue: z.object({
      total: count,
      rows: z.array(
        z.object({
          taskId: count,
          kind: z.enum(TASK_KINDS),
          round: count,
          dueAt: z.string(),
          email: z.string(),
          name: z.string(),
          department: z.string().nullable(),
          managerName: z.string().nullable(),
        }),
      ),
    }),
    alignment: z.object({ coverage: z.number(), objectives: count, linkedToStrategy: count, notApproved: count }),
    confidence: z.object({ week: count.nullable(), counts: z.array(count).describe('check-ins per confidence 1…10') }),
    scores: z.array(count).describe('people per tenth of a score: index 0 is 0.0–0.09, index 10 is 1.0'),
    nominations: z.array(
      z.object({
        id: count,
        nominatorName: z.string(),
        personName: z.string().nullable(),
        objectiveTitle: z.string().nullable(),
        objectiveOwner: z.string().nullable(),
        citation: z.string(),
        winner: z.boolean(),
        votes: count,
      }),
    ),
  })
  .openapi('CycleDashboard');

// One level spelled out; children are nodes of the same shape (the document generator cannot follow a recursive schema).
const treeNode = z.object({
  id: count,
  title: z.string(),
  status: z.string(),
  owner: z.object({ name: z.string(), email: z.string(), isManager: z.boolean() }).nullable(),
  children: z.array(z.unknown()).describe('objectives aligned to this one, each with the same fields'),
});
const treeSchema = z.object({ company: z.array(treeNode), unaligned: z.array(treeNode), objectives: count, aligned: count }).openapi('AlignmentTree');

const previewRoute = createRoute({
  method: 'post',
  path: '/preview',
  summary: 'Preview a cycle before starting it (writes nothing)',
  description:
    'The same body as POST /api/cycles. Every phase’s dates, each check-in week, when reminders and escalations would fire, and how many emails go out on each day (reminders and escalations as upper bounds).',
  security: [{ bearer: [] }],
  request: { body: { required: true, content: { 'application/json': { schema: startCycleSchema } } } },
  responses: { ...keyRoute, 200: json(previewSchema, 'The preview') },
});
const dashboardRoute = createRoute({
  method: 'get',
  path: '/{key}/dashboard',
  summary: "A cycle's dashboard aggregates",
  description:
    'Completion of the open step by department and by manager, overdue people (the 100 longest overdue), alignment coverage, the latest check-in week’s confidence, scores, nominations and votes.',
  security: [{ bearer: [] }],
  request: { params: keyParam },
  responses: { ...keyRoute, 200: json(dashboardSchema, 'The dashboard'), 404: json(errorSchema, 'No such cycle') },
});
const treeRoute = createRoute({
  method: 'get',
  path: '/{key}/alignment-tree',
  summary: 'The alignment tree: company → manager → person objectives, unaligned ones apart',
  security: [{ bearer: [] }],
  request: { params: keyParam },
  responses: { ...keyRoute, 200: json(treeSchema, 'The tree'), 404: json(errorSchema, 'No such cycle') },
});
const exportFiles = EXPORTS.flatMap((e) => EXPORT_FORMATS.map((f) => `${e}.${f}`)) as [string, ...string[]];
const exportRoute = createRoute({
  method: 'get',
  path: '/{key}/exports/{name}',
  summary: 'Export objectives, key results, check-ins or scores as CSV or XLSX',
  description:
    'The file name chooses the format: `objectives.csv` or `objectives.xlsx` (likewise key-results, checkins, scores); both hold the same rows. ' +
    'CSV: UTF-8 with a byte-order mark, CRLF lines. XLSX: one sheet, a bold frozen header row with filters, numbers as numbers, dates as dates. ' +
    'In both, text cells starting with = + - @, a tab or a carriage return are prefixed with an apostrophe (no formula runs in a spreadsheet). ' +
    'Content-Disposition names the file `<key>-<export>.<csv|xlsx>`.',
  security: [{ bearer: [] }],
  request: { params: keyParam.extend({ name: z.enum(exportFiles).openapi({ example: 'objectives.xlsx' }) }) },
  responses: {
    ...keyRoute,
    200: {
      description: 'The file (an attachment)',
      headers: z.object({ 'content-disposition': z.string().openapi({ example: 'attachment; filename="q1-objectives.xlsx"' }) }),
      content: {
        'text/csv': { schema: z.string() },
        [CONTENT_TYPES.xlsx]: { schema: z.string().openapi({ format: 'binary' }) },
      },
    },
    404: json(errorSchema, 'No such cycle'),
  },
});
const remindRoute = createRoute({
  method: 'post',
  path: '/{key}/tasks/{id}/remind',
  summary: 'Send the owner of an open task one personal reminder now',
  description: 'At most once a day per task (in the cycle’s time zone): a second request the same day, or a concurrent one, is 409. Audited.',
  security: [{ bearer: [] }],
  request: { params: keyParam.extend({ id: z.coerce.number().int().positive().max(2_147_483_647, 'no such task (the id is too large)') }) },
  responses: {
    ...keyRoute,
    202: json(z.object({ taskId: count, emailId: z.string(), day: z.string() }), 'Queued and handed to the sender'),
    404: json(errorSchema, 'No such cycle or task'),
    409: json(errorSchema, 'Already reminded today'),
    410: json(errorSchema, 'The task has ended'),
  },
});

/** The cycle workflow's page in the Temporal UI, when one is configured. */
export function workflowUrl(deps: Pick<ApiDeps, 'temporal'>, workflowId: string): string | null {
  const ui = deps.temporal.uiUrl;
  return ui ? `${ui}/namespaces/${encodeURIComponent(deps.temporal.namespace)}/workflows/${encodeURIComponent(workflowId)}` : null;
}

export function cycleInsightRoutes(deps: ApiDeps, auth: ReturnType<typeof createAuthenticator>) {
  const app = new OpenAPIHono<AuthEnv>({ defaultHook: validationHook });
  const readers = requireRole(auth, 'hr', 'admin');
  const writers = requireRole(auth, 'hr');
  // The preview writes nothing, but it is HR's planning tool; reminders are HR's act.
  app.use('/preview', writers);
  app.use('/:key/tasks/:id/remind', writers);
  app.use('/:key/dashboard', readers);
  app.use('/:key/alignment-tree', readers);
  app.use('/:key/exports/*', readers);
  const cycleDeps = { db: deps.db, client: deps.temporal.client };

  app.openapi(previewRoute, async (c) => c.json(await previewCycle(deps.db, c.req.valid('json')), 200));
  app.openapi(dashboardRoute, async (c) => {
    const board = await cycleDashboard(cycleDeps, c.req.valid('param').key);
    return c.json({ ...board, cycle: { ...board.cycle, workflowUrl: workflowUrl(deps, board.cycle.workflowId) } }, 200);
  });
  app.openapi(treeRoute, async (c) => c.json((await cycleAlignmentTree(deps.db, c.req.valid('param').key)) as unknown as z.infer<typeof treeSchema>, 200));
  app.openapi(exportRoute, async (c) => {
    const { key, name } = c.req.valid('param');
    const cycle = await requireCycleByKey(deps.db, key);
    const file = parseExportFile(name)!; // the enum above admits only export files
    const out = await cycleExportFile(deps.db, cycle, file.name, file.format);
    return c.body(typeof out.body === 'string' ? out.body : new Uint8Array(out.body), 200, {
      'content-type': out.contentType,
      'content-disposition': `attachment; filename="${out.filename}"`,
    });
  });
  app.openapi(remindRoute, async (c) => {
    const { key, id } = c.req.valid('param');
    const result = await remindNow(
      {
        db: deps.db,
        client: deps.temporal.client,
        taskQueue: deps.temporal.taskQueue,
        stepPolicy: deps.stepPolicy,
        mailFrom: deps.mailFrom ?? 'OKR <okr@localhost>',
      },
      key,
      id,
      c.get('principal').actor,
      c.get('principal').person?.name,
    );
    return c.json(result, 202);
  });
  return app;
}
