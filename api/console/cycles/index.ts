/**
 * The console's cycle pages under /console/cycles: the list, starting a cycle with its preview,
 * the dashboard, the alignment tree, the exports, and HR's actions (remind, extend, remove,
 * advance, extend the phase, cancel). Reading is for HR and admins; every action needs HR and is
 * checked here on the server. Actions are plain form posts that redirect back (303).
 */
import { type Context, Hono } from 'hono';
import { html } from 'hono/html';
import {
  ErrorCode,
  type FieldIssue,
  type Locale,
  PHASE_OF_KIND,
  type Phase,
  PHASES,
  type Schedule,
  type TaskKind,
  planCycle,
  zonedTime,
} from '../../../contract';
import { formatDue } from '../../../mail/templates/format';
import { advancePhase, cancelCycle, extendPhase, extendTask, removeParticipant } from '../../../core/cycle-controls';
import { cycleAlignmentTree, cycleDashboard } from '../../../core/cycle-dashboard';
import { previewCycle } from '../../../core/cycle-preview';
import { getCycleView, listCycleSummaries, startCycle } from '../../../core/cycles';
import { AppError } from '../../../core/errors';
import { cycleExportFile, parseExportFile } from '../../../core/exports';
import { remindNow } from '../../../core/reminders';
import { requireCycleByKey } from '../../../db/cycles';
import { departments, emailsInDepartments, openTaskCountsByKind } from '../../../db/dashboard';
import { activePersonIds } from '../../../db/people';
import { consoleWords, refusedInputText } from '../../../i18n/console';
import { cycleWordsFor } from '../../../i18n/console-cycles';
import { workflowUrl } from '../../routes/cycle-insights';
import { type ConsoleContext, type ConsoleEnv, personOf, requireSession } from '../context';
import { cycleDepsOf } from '../../deps';
import { consolePage, messagePage, respond } from '../layout';
import { dashboardBody } from './dashboard-page';
import { type ControlAction, confirmBody, listBody, treeBody } from './pages';
import { EMPTY_FORM, type StartForm, readStartForm, startInput, startPageBody } from './start-page';
import { type AwardsRunForm, awardsRunInput, awardsRunPageBody, emptyAwardsRunForm, readAwardsRunForm, refusalLine } from './awards-run-page';
import { type AwardsRunPreview, previewAwardsRun, startAwardsRun } from '../../../core/awards-runs';
import { awardsRunWords } from '../../../i18n/awards-runs';
import { translateFieldIssue } from '../../../i18n/validation';

const CONTROLS: ControlAction[] = ['advance', 'extend', 'cancel', 'end-week'];

/** "2027-01-15T17:00" (a datetime-local field) as an instant on the wall clock of `timeZone`. */
export function localInstant(value: string, timeZone: string): string | undefined {
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}):(\d{2})$/.exec(value.trim());
  if (!m) return undefined;
  return new Date(zonedTime(m[1]!, 0, timeZone).getTime() + Number(m[2]) * 3_600_000 + Number(m[3]) * 60_000).toISOString();
}

export function consoleCycleRoutes(ctx: ConsoleContext) {
  const { deps } = ctx;
  const db = deps.db;
  const app = new Hono<ConsoleEnv>();
  const cycleDeps = cycleDepsOf(deps);
  const controlDeps = { db, client: deps.temporal.client, batchSize: deps.taskBatchSize };

  // Every page needs HR or admin; every change needs HR (checked before the handler runs).
  app.use('*', requireSession(ctx, 'hr', 'admin'));
  app.use('*', async (c, next) => (c.req.method === 'POST' ? requireSession(ctx, 'hr')(c, next) : next()));

  const page = (c: Context<ConsoleEnv>, title: string, body: Parameters<typeof consolePage>[0]['body'], scripts: string[] = []) => {
    const person = personOf(c);
    return consolePage({ title, locale: person.locale, person, active: 'cycles', body, scripts });
  };
  /** A refused action as a page in the person's language, with the way back. */
  const refused = (c: Context<ConsoleEnv>, key: string, error: unknown) => {
    const person = personOf(c);
    const w = cycleWordsFor(person.locale);
    const cw = consoleWords(person.locale);
    if (!(error instanceof AppError)) throw error;
    const status = (
      {
        [ErrorCode.conflict]: 409,
        [ErrorCode.taskClosed]: 410,
        [ErrorCode.notFound]: 404,
        [ErrorCode.validation]: 400,
        [ErrorCode.unavailable]: 503,
      } as Record<string, 400 | 404 | 409 | 410 | 503>
    )[error.code];
    if (!status) throw error;
    const message =
      status === 410
        ? w.errors.closed
        : status === 404
          ? cw.notFound
          : status === 503
            ? cw.unavailable
            : status === 409
              ? (error.details as { day?: string } | undefined)?.day
                ? w.errors.remindedToday
                : w.errors.phaseMoved
              : localized(error, person.locale);
    return respond(
      c,
      messagePage({
        title: w.confirm.title,
        locale: person.locale,
        person,
        active: 'cycles',
        heading: w.confirm.title,
        message,
        tone: 'error',
        extra: backLink(key, w.confirm.back),
      }),
      status,
    );
  };
  /** A refused input: the field's sentence in the person's language where there is one. */
  const localized = (error: AppError, locale: Locale) => {
    const w = cycleWordsFor(locale);
    const paths = ((error.details as { issues?: { path: string }[] } | undefined)?.issues ?? []).map((i) => i.path);
    if (paths.includes('until')) return w.errors.until;
    if (paths.includes('reason')) return w.errors.reason;
    return refusedInputText(locale, error);
  };

  app.get('/', async (c) => {
    const w = cycleWordsFor(personOf(c).locale);
    return respond(c, page(c, w.list.title, listBody(await listCycleSummaries(db), personOf(c).locale)));
  });

  const startPage = async (
    c: Context<ConsoleEnv>,
    form: StartForm,
    issues: string[],
    preview?: Awaited<ReturnType<typeof previewCycle>>,
    status: 200 | 400 = 200,
  ) => {
    const locale = personOf(c).locale;
    const [groups, everyone] = await Promise.all([departments(db), activePersonIds(db)]);
    return respond(
      c,
      page(c, cycleWordsFor(locale).start.title, startPageBody({ locale, form, departments: groups, everyone: everyone.length, issues, preview })),
      status,
    );
  };
  app.get('/new', (c) => startPage(c, EMPTY_FORM, []));
  app.post('/new', async (c) => {
    const person = personOf(c);
    const w = cycleWordsFor(person.locale);
    const form = readStartForm(await c.req.parseBody({ all: true }));
    let participants: string[] | undefined;
    if (form.who === 'departments') {
      participants = await emailsInDepartments(db, form.departments);
      if (!participants.length) return startPage(c, form, [w.start.badField(w.start.participants, w.start.noDepartment)], undefined, 400);
    }
    const parsed = startInput(form, participants, person.locale);
    if ('issues' in parsed) return startPage(c, form, parsed.issues, undefined, 400);
    try {
      if ((await c.req.parseBody()).do === 'start') {
        const { cycle } = await startCycle(cycleDeps, parsed.input, c.var.principal.actor);
        return c.redirect(`/console/cycles/${encodeURIComponent(cycle.key)}`, 303);
      }
      return startPage(c, form, [], await previewCycle(db, parsed.input));
    } catch (error) {
      if (error instanceof AppError && error.code === ErrorCode.conflict) return startPage(c, form, [w.errors.keyTaken(form.key)], undefined, 400);
      if (error instanceof AppError && error.code === ErrorCode.validation) {
        const issues = (error.details as { issues?: { path: string; message: string }[] } | undefined)?.issues;
        // One line per field: the use case's words in English, the field's rule (or "not valid") in other languages.
        const say = (i: { path: string; message: string }) =>
          person.locale === 'en' ? w.start.badField(i.path, i.message) : refusedInputText(person.locale, { message: i.message, details: { issues: [i] } });
        return startPage(c, form, issues?.length ? issues.map(say) : [refusedInputText(person.locale, error)], undefined, 400);
      }
      throw error;
    }
  });

  const awardsRunPage = async (c: Context<ConsoleEnv>, form: AwardsRunForm, issues: string[], preview?: AwardsRunPreview, status: 200 | 400 = 200) => {
    const locale = personOf(c).locale;
    const cycles = (await listCycleSummaries(db)).filter((x) => x.kind === 'okr' && x.status !== 'cancelled');
    return respond(c, page(c, awardsRunWords(locale).title, awardsRunPageBody({ locale, form, cycles, issues, preview })), status);
  };
  app.get('/new-awards-run', (c) => awardsRunPage(c, emptyAwardsRunForm(), []));
  app.post('/new-awards-run', async (c) => {
    const person = personOf(c);
    const body = await c.req.parseBody({ all: true });
    const form = readAwardsRunForm(body);
    const parsed = awardsRunInput(form, person.locale);
    if ('issues' in parsed) return awardsRunPage(c, form, parsed.issues, undefined, 400);
    try {
      if (body.do === 'start') {
        const { run } = await startAwardsRun(cycleDeps, parsed.input, c.var.principal.actor);
        return c.redirect(`/console/cycles/${encodeURIComponent(run.key)}`, 303);
      }
      return awardsRunPage(c, form, [], await previewAwardsRun(db, parsed.input));
    } catch (error) {
      if (error instanceof AppError && error.code === ErrorCode.conflict)
        return awardsRunPage(c, form, [awardsRunWords(person.locale).keyTaken(form.key)], undefined, 400);
      if (error instanceof AppError && error.code === ErrorCode.validation) {
        const issues = (error.details as { issues?: FieldIssue[] } | undefined)?.issues ?? [];
        return awardsRunPage(
          c,
          form,
          issues.map((i) => refusalLine(person.locale, i.path, translateFieldIssue(person.locale, i))),
          undefined,
          400,
        );
      }
      throw error;
    }
  });

  app.get('/:key', async (c) => {
    const key = c.req.param('key');
    const person = personOf(c);
    const board = await cycleDashboard(cycleDeps, key);
    const row = await requireCycleByKey(db, key);
    const schedule = row.schedule as unknown as Schedule;
    // A yearly awards run has no calendar of its own: its timeline is its state's.
    const plan = row.kind === 'awards-run' ? undefined : safePlan(row.starts_on, row.ends_on, schedule, new Date(row.created_at).toISOString());
    const done = c.req.query('done');
    return respond(
      c,
      page(
        c,
        board.cycle.title,
        dashboardBody({
          locale: person.locale,
          board,
          timeZone: schedule.timeZone ?? 'UTC',
          plan,
          workflowUrl: workflowUrl(deps, board.cycle.workflowId),
          ...(done ? { done } : {}),
        }),
        ['cycles-live.js'],
      ),
    );
  });

  app.get('/:key/alignment', async (c) => {
    const key = c.req.param('key');
    const row = await requireCycleByKey(db, key);
    const w = cycleWordsFor(personOf(c).locale);
    return respond(c, page(c, w.tree.title, treeBody(key, row.title, await cycleAlignmentTree(db, key), personOf(c).locale)));
  });

  app.get('/:key/exports/:name', async (c) => {
    const file = parseExportFile(c.req.param('name'));
    if (!file) throw new AppError(ErrorCode.notFound, 'no such export');
    const row = await requireCycleByKey(db, c.req.param('key'));
    const out = await cycleExportFile(db, row, file.name, file.format);
    return c.body(typeof out.body === 'string' ? out.body : new Uint8Array(out.body), 200, {
      'content-type': out.contentType,
      'content-disposition': `attachment; filename="${out.filename}"`,
      'cache-control': 'no-store',
    });
  });

  app.get('/:key/confirm/:action', async (c) => {
    const action = c.req.param('action') as ControlAction;
    if (!CONTROLS.includes(action)) throw new AppError(ErrorCode.notFound, 'no such action');
    return confirmPage(c, c.req.param('key'), action);
  });
  const confirmPage = async (c: Context<ConsoleEnv>, key: string, action: ControlAction, error?: string) => {
    const person = personOf(c);
    const view = await getCycleView(cycleDeps, key);
    const phase = view.state?.phase;
    if (!phase || view.status !== 'running') return c.redirect(`/console/cycles/${encodeURIComponent(key)}`, 303);
    const row = await requireCycleByKey(db, key);
    const open = await openTaskCountsByKind(db, row.id);
    const openTasks =
      action === 'cancel'
        ? Object.values(open).reduce((a, b) => a + b, 0)
        : Object.entries(open).reduce((n, [k, v]) => n + (PHASE_OF_KIND[k as TaskKind] === phase ? v : 0), 0);
    const w = cycleWordsFor(person.locale);
    if (action === 'end-week' && phase !== 'checkins') return c.redirect(`/console/cycles/${encodeURIComponent(key)}`, 303);
    const week =
      action === 'end-week'
        ? endWeekFacts(
            view.state?.phases.find((p) => p.phase === 'checkins'),
            (row.schedule as unknown as Schedule).timeZone ?? 'UTC',
            person.locale,
          )
        : {};
    return respond(
      c,
      page(
        c,
        w.confirm.title,
        confirmBody({
          ...week,
          ...waitingOf(
            view.state?.phases.find((p) => p.phase === phase),
            action,
            (row.schedule as unknown as Schedule).timeZone ?? 'UTC',
            person.locale,
          ),
          locale: person.locale,
          key,
          title: view.title,
          action,
          phase,
          openTasks,
          participants: view.participantCount,
          ...(error ? { error } : {}),
        }),
      ),
      error ? 400 : 200,
    );
  };

  for (const action of CONTROLS) {
    app.post(`/:key/${action}`, async (c) => {
      const key = c.req.param('key');
      const body = await c.req.parseBody();
      const phase = String(body.phase ?? '') as Phase;
      const actor = c.var.principal.actor;
      const w = cycleWordsFor(personOf(c).locale);
      if (!PHASES.includes(phase)) return confirmPage(c, key, action, w.errors.phaseMoved);
      try {
        if (action === 'advance') await advancePhase(controlDeps, key, phase, actor);
        else if (action === 'end-week') await advancePhase(controlDeps, key, 'checkins', actor, 'week');
        else if (action === 'extend') {
          const row = await requireCycleByKey(db, key);
          const until = localInstant(String(body.until ?? ''), (row.schedule as unknown as Schedule).timeZone ?? 'UTC');
          if (!until || Date.parse(until) <= Date.now()) return confirmPage(c, key, action, w.errors.until);
          await extendPhase(controlDeps, key, phase, until, actor);
        } else {
          const reason = String(body.reason ?? '').trim();
          if (reason.length < 3) return confirmPage(c, key, action, w.errors.reason);
          await cancelCycle(controlDeps, key, reason, actor);
        }
      } catch (error) {
        return refused(c, key, error);
      }
      return c.redirect(`/console/cycles/${encodeURIComponent(key)}?done=control`, 303);
    });
  }

  app.post('/:key/tasks/:id/remind', async (c) => {
    const key = c.req.param('key');
    try {
      await remindNow(
        { ...cycleDeps, mailFrom: deps.mailFrom ?? 'OKR <okr@localhost>' },
        key,
        taskIdOf(c.req.param('id')),
        c.var.principal.actor,
        c.var.principal.person?.name,
      );
    } catch (error) {
      return refused(c, key, error);
    }
    return c.redirect(`/console/cycles/${encodeURIComponent(key)}?done=reminded`, 303);
  });

  app.post('/:key/tasks/:id/extend', async (c) => {
    const key = c.req.param('key');
    const w = cycleWordsFor(personOf(c).locale);
    try {
      const row = await requireCycleByKey(db, key);
      const until = localInstant(String((await c.req.parseBody()).until ?? ''), (row.schedule as unknown as Schedule).timeZone ?? 'UTC');
      if (!until || Date.parse(until) <= Date.now())
        throw new AppError(ErrorCode.validation, w.errors.until, { issues: [{ path: 'until', message: w.errors.until }] });
      await extendTask(controlDeps, key, taskIdOf(c.req.param('id')), until, c.var.principal.actor);
    } catch (error) {
      return refused(c, key, error);
    }
    return c.redirect(`/console/cycles/${encodeURIComponent(key)}?done=extended`, 303);
  });

  app.post('/:key/participants/remove', async (c) => {
    const key = c.req.param('key');
    try {
      await removeParticipant(
        controlDeps,
        key,
        String((await c.req.parseBody()).email ?? '')
          .trim()
          .toLowerCase(),
        c.var.principal.actor,
      );
    } catch (error) {
      return refused(c, key, error);
    }
    return c.redirect(`/console/cycles/${encodeURIComponent(key)}?done=removed`, 303);
  });

  return app;
}

/** An advance of a planning phase that waits for its planned date opens it: when it would have opened, and its due time. */
function waitingOf(
  ps: { opensAt?: string; dueAt: string | null } | undefined,
  action: ControlAction,
  timeZone: string,
  locale: Locale,
): { waiting?: { opensAt: string; dueAt: string } } {
  if (action !== 'advance' || !ps?.opensAt || !ps.dueAt) return {};
  return { waiting: { opensAt: formatDue(ps.opensAt, locale, timeZone), dueAt: formatDue(ps.dueAt, locale, timeZone) } };
}

/** The check-in week an end-week would close, and when the next one opens (from the workflow's plan). */
function endWeekFacts(
  checkins: { round?: number; nextOpensAt?: string } | undefined,
  timeZone: string,
  locale: Locale,
): { week: number; nextWeekOpens?: string } {
  const week = checkins?.round ?? 1;
  return checkins?.nextOpensAt ? { week, nextWeekOpens: formatDue(checkins.nextOpensAt, locale, timeZone) } : { week };
}

function taskIdOf(raw: string): number {
  const id = Number(raw);
  if (!Number.isInteger(id) || id <= 0 || id > 2_147_483_647) throw new AppError(ErrorCode.notFound, `no task ${raw}`);
  return id;
}

function backLink(key: string, label: string) {
  return html`<p><a href="/console/cycles/${encodeURIComponent(key)}">${label}</a></p>`;
}

/** The planned dates of a stored cycle (for phases not reached yet); undefined if its schedule is from an older shape. */
function safePlan(startsOn: string, endsOn: string, schedule: Schedule, startedAt: string) {
  try {
    return planCycle({ startsOn, endsOn, schedule, startedAt });
  } catch {
    return undefined;
  }
}
