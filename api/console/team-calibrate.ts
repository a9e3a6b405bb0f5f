/**
 * The calibration grid (/console/team/calibrate?cycle=KEY): the signed-in person's calibrate
 * tasks of a cycle side by side — each report's self-score per key result, the score progress
 * suggests, my score and comment, the overall comments — and ONE form that completes them all.
 *
 * Each row completes through the same path as the row's own task page: the calibrate kind's form
 * parser and schema (kinds/score), then `completeTask` (core/task-access.ts), the batch
 * workflow's completeTasks update; the workflow stays the arbiter of a task's end.
 *
 * All or nothing at the form: every row is checked first; if one is not valid, nothing is
 * submitted and the page comes back (400) with each bad field marked on its row, in the person's
 * language. A submit runs under a per-person advisory lock, so of a double click the second
 * waits, then finds the tasks completed and answers 409 naming them, changing nothing. Only a
 * refusal by the database rules that the workflow checks (not reachable from this form's own
 * fields) or Temporal not answering could leave some rows completed and others not: the page
 * then says which are done.
 */
import { type Context, Hono } from 'hono';
import { html, raw } from 'hono/html';
import { sql } from 'kysely';
import { ErrorCode, type FieldIssue, type Locale, submissionSchemas } from '../../contract';
import { AppError } from '../../core/errors';
import { DEFAULT_COMPLETION_DEADLINE_MS, type TaskContext, completeTask, findTaskById } from '../../core/task-access';
import { teamOwnerFor } from '../../core/team-access';
import { requireCycleByKey } from '../../db/cycles';
import { calibrateTasksOwnedBy, selfScoreComments } from '../../db/team';
import { localizedIssues, translateFieldIssue } from '../../i18n';
import { type TeamWords, teamWords } from '../../i18n/console-team';
import { pageStrings } from '../../i18n/pages';
import { kinds } from '../../kinds';
import type { KindContext } from '../../kinds/types';
import { formatDue } from '../../mail/templates/format';
import { type FieldErrors, type FormValues, formatNumber } from '../task-page/fields';
import { loadKindContext } from '../task-page/context';
import { progressText } from '../../kinds/progress';
import type { SignedInPerson } from '../session';
import { type ConsoleContext, type ConsoleEnv, personOf } from './context';
import { consolePage, respond } from './layout';
import { TEAM_CSS, chosenCycle, cyclePicker, isForbidden, refusal, viewerOf, viewerTimeZone } from './team-shared';

interface GridRow {
  task: TaskContext;
  context: KindContext;
  subjectName: string;
  subjectEmail: string;
  selfComment: string | null;
}

/** The grid's field names: the task page's own (kr<id>.score, kr<id>.comment; key result ids are unique) and t<task>.comment. */
const overallName = (taskId: number) => `t${taskId}.comment`;

/** One row's values as its task page would have posted them. */
function rowValues(values: FormValues, row: GridRow): FormValues {
  const own: FormValues = {};
  for (const kr of row.context.keyResults) {
    for (const f of ['score', 'comment']) {
      const name = `kr${kr.keyResultId}.${f}`;
      if (values[name] !== undefined) own[name] = values[name];
    }
  }
  const overall = values[overallName(row.task.id)];
  if (overall !== undefined) own.comment = overall;
  return own;
}

function prefill(rows: GridRow[]): FormValues {
  const values: FormValues = {};
  for (const row of rows) {
    if (row.task.status !== 'open') continue;
    const own = kinds.calibrate.form.toValues(row.context.values, row.context);
    for (const [k, v] of Object.entries(own)) values[k === 'comment' ? overallName(row.task.id) : k] = v;
  }
  return values;
}

/** Calibrations per page of the grid (each page's form completes its own rows). */
export const GRID_PAGE_SIZE = 50;

/** The grid's rows: one page (by the report's name), or exactly the posted tasks. */
async function loadRows(
  ctx: ConsoleContext,
  cycleId: number,
  ownerId: number,
  only: { offset: number } | { ids: number[] },
): Promise<{ rows: GridRow[]; total: number }> {
  const all = await calibrateTasksOwnedBy(ctx.deps.db, cycleId, ownerId);
  const tasks = 'ids' in only ? all.filter((t) => only.ids.includes(t.id)) : all.slice(only.offset, only.offset + GRID_PAGE_SIZE);
  const comments = await selfScoreComments(
    ctx.deps.db,
    cycleId,
    tasks.map((t) => t.subject_person_id!),
  );
  const rows: GridRow[] = [];
  for (const t of tasks) {
    const task = await findTaskById(ctx.deps.db, t.id);
    if (!task) continue;
    rows.push({
      task,
      context: await loadKindContext(ctx.deps.db, task),
      subjectName: t.subject_name,
      subjectEmail: t.subject_email,
      selfComment: comments.get(t.subject_person_id!) ?? null,
    });
  }
  return { rows, total: all.length };
}

const mean = (xs: (number | null)[]) => {
  const ok = xs.filter((x): x is number => x !== null);
  return ok.length ? ok.reduce((a, b) => a + b, 0) / ok.length : null;
};

function gridBody(input: {
  locale: Locale;
  w: TeamWords;
  cycleKey: string;
  picker: ReturnType<typeof cyclePicker>;
  rows: GridRow[];
  values: FormValues;
  errors: FieldErrors;
  badRows: Set<number>;
  banner?: { tone: 'ok' | 'error'; text: string };
  timeZone: string;
  page: { offset: number; total: number };
}) {
  const { w, locale, values, errors } = input;
  const g = w.grid;
  const s = pageStrings(locale);
  const num = (n: number | null) => formatNumber(n, locale);
  const field = (name: string, label: string, kind: 'number' | 'text' | 'textarea') => {
    const bad = errors.has(name);
    const aria = bad ? raw(` aria-invalid="true" aria-describedby="${name}.err"`) : '';
    const errs = (errors.get(name) ?? []).map((m, i) => html`<p class="err"${i === 0 ? raw(` id="${name}.err"`) : ''}>${m}</p>`);
    const control =
      kind === 'textarea'
        ? html`<textarea id="${name}" name="${name}" rows="2" maxlength="2000" class="${bad ? 'invalid' : ''}"${aria}>${values[name] ?? ''}</textarea>`
        : kind === 'number'
          ? html`<input id="${name}" name="${name}" type="number" min="0" max="1" step="0.01" inputmode="decimal" value="${values[name] ?? ''}" class="${bad ? 'invalid' : ''}"${aria}>`
          : html`<input id="${name}" name="${name}" maxlength="2000" value="${values[name] ?? ''}" class="${bad ? 'invalid' : ''}"${aria}>`;
    return html`<label class="${kind === 'textarea' ? '' : 'vh'}" for="${name}">${label}</label>${control}${errs}`;
  };
  const open = input.rows.filter((r) => r.task.status === 'open');
  const section = (row: GridRow) => {
    const krs = row.context.keyResults;
    const isOpen = row.task.status === 'open';
    const bad = input.badRows.has(row.task.id);
    return html`<section class="report${bad ? ' bad' : ''}" id="r${row.task.id}" data-subject="${row.subjectEmail}" aria-labelledby="h${row.task.id}">
<h2 id="h${row.task.id}">${row.subjectName} ${
      isOpen ? '' : html`<span class="tag" data-state="${row.task.status}">${row.task.status === 'completed' ? g.done : g.closed}</span>`
    }</h2>
${bad ? html`<p class="banner" role="alert">${g.rowError(row.subjectName)}</p>` : ''}
${isOpen ? html`<input type="hidden" name="task" value="${row.task.id}">` : ''}
${
  krs.length
    ? html`<div class="table-wrap"><table class="stack grid"><thead><tr><th scope="col">${g.keyResult}</th><th scope="col">${g.self}</th><th scope="col">${g.suggested}</th><th scope="col">${g.mine}</th>${
        isOpen ? html`<th scope="col">${g.comment}</th>` : ''
      }</tr></thead><tbody>
${krs.map(
  (kr) => html`<tr><th scope="row">${kr.title}<br><span class="muted small">${kr.objectiveTitle} · ${progressText(kr, s)}</span></th>
<td data-label="${g.self}" data-cell="self">${num(kr.selfScore)}</td><td data-label="${g.suggested}" data-cell="suggested">${num(kr.suggestedScore)}</td>
${
  isOpen
    ? html`<td data-label="${g.mine}">${field(`kr${kr.keyResultId}.score`, g.scoreFor(kr.title, row.subjectName), 'number')}</td><td data-label="${g.comment}">${field(
        `kr${kr.keyResultId}.comment`,
        g.commentFor(kr.title, row.subjectName),
        'text',
      )}</td>`
    : html`<td data-label="${g.mine}" data-cell="score">${num(kr.score)}</td>`
}</tr>`,
)}
<tr><th scope="row">${g.overall}</th><td data-label="${g.self}">${num(mean(krs.map((k) => k.selfScore)))}</td><td data-label="${g.suggested}">${num(
        mean(krs.map((k) => k.suggestedScore)),
      )}</td><td data-label="${g.mine}">${isOpen ? '' : num(mean(krs.map((k) => k.score ?? k.selfScore)))}</td>${isOpen ? html`<td></td>` : ''}</tr>
</tbody></table></div>`
    : html`<p class="muted">${g.noKeyResults}</p>`
}
${row.selfComment ? html`<p><strong>${g.selfComment}</strong>${s.colon}${row.selfComment}</p>` : ''}
${isOpen ? field(overallName(row.task.id), g.overallComment(row.subjectName), 'textarea') : row.task.completedAt ? html`<p class="muted small">${g.doneAt(formatDue(row.task.completedAt, locale, input.timeZone))}</p>` : ''}
</section>`;
  };
  return html`${TEAM_CSS}<h1>${g.title}</h1>${input.picker}
<p class="muted">${g.intro}</p><p class="muted small">${g.scale}</p>
${input.banner ? html`<p class="${input.banner.tone === 'ok' ? 'ok' : 'banner'}" role="${input.banner.tone === 'ok' ? 'status' : 'alert'}">${input.banner.text}</p>` : ''}
${
  input.rows.length
    ? html`${gridPager(input.page, input.cycleKey, w)}<form method="post" action="/console/team/calibrate?cycle=${encodeURIComponent(input.cycleKey)}&offset=${input.page.offset}" novalidate>
${input.rows.map(section)}
${open.length ? html`<p><button type="submit">${g.submit}</button></p>` : ''}
</form>`
    : html`<p class="muted">${g.none}</p>`
}
<p><a href="/console/team?cycle=${encodeURIComponent(input.cycleKey)}">${w.team.title}</a></p>`;
}

/** Previous / next page of a long grid (links: works without JavaScript). */
function gridPager(page: { offset: number; total: number }, cycleKey: string, w: TeamWords) {
  if (page.total <= GRID_PAGE_SIZE) return '';
  const href = (offset: number) => `/console/team/calibrate?cycle=${encodeURIComponent(cycleKey)}&offset=${offset}`;
  const prev = page.offset > 0 ? html`<a href="${href(Math.max(0, page.offset - GRID_PAGE_SIZE))}">${w.team.previous}</a>` : '';
  const next = page.offset + GRID_PAGE_SIZE < page.total ? html`<a href="${href(page.offset + GRID_PAGE_SIZE)}">${w.team.next}</a>` : '';
  return html`<p class="inline" data-pager>${w.grid.shown(page.offset + 1, Math.min(page.total, page.offset + GRID_PAGE_SIZE), page.total)} ${prev} ${next}</p>`;
}

/** Row errors: the schema's issues mapped to the grid's field names, in the person's language. */
function checkRow(row: GridRow, values: FormValues, locale: Locale): { submission?: unknown; errors: FieldErrors } {
  const own = rowValues(values, row);
  const parsed = kinds.calibrate.form.parse(own, row.context, locale);
  const checked = submissionSchemas.calibrate.safeParse(parsed.submission);
  const errors: FieldErrors = new Map();
  const add = (name: string, message: string) => errors.set(name === 'comment' ? overallName(row.task.id) : name, [...(errors.get(name) ?? []), message]);
  for (const i of parsed.issues) add(i.path, i.message);
  if (!checked.success) for (const i of localizedIssues(checked.error.issues, locale)) add(parsed.fieldName(i.path), i.message);
  return checked.success && !errors.size ? { submission: checked.data, errors } : { errors };
}

export function calibrateRoutes(ctx: ConsoleContext) {
  const app = new Hono<ConsoleEnv>();
  const db = ctx.deps.db;
  const completeDeps = { db, client: ctx.deps.temporal.client, deadlineMs: ctx.deps.completionDeadlineMs ?? DEFAULT_COMPLETION_DEADLINE_MS };

  async function page(
    c: Context<ConsoleEnv>,
    person: SignedInPerson,
    extra: {
      values?: FormValues;
      errors?: FieldErrors;
      badRows?: Set<number>;
      banner?: { tone: 'ok' | 'error'; text: string };
      status?: 200 | 400 | 409 | 503;
    } = {},
  ) {
    const w = teamWords(person.locale);
    const { key, cycles } = await chosenCycle(ctx, c.req.query('cycle'));
    if (!key)
      return respond(
        c,
        consolePage({ title: w.grid.title, locale: person.locale, person, body: html`<h1>${w.grid.title}</h1><p class="muted">${w.noCycle}</p>` }),
      );
    const cycle = await requireCycleByKey(db, key);
    const offset = Math.max(0, Math.min(1_000_000, Math.floor(Number(c.req.query('offset')) || 0)));
    const { rows, total } = await loadRows(ctx, cycle.id, person.id, { offset });
    const values = { ...prefill(rows), ...(extra.values ?? {}) };
    return respond(
      c,
      consolePage({
        title: w.grid.title,
        locale: person.locale,
        person,
        body: gridBody({
          locale: person.locale,
          w,
          cycleKey: key,
          picker: cyclePicker(w, '/console/team/calibrate', cycles, key),
          rows,
          values,
          errors: extra.errors ?? new Map(),
          badRows: extra.badRows ?? new Set(),
          banner: extra.banner,
          timeZone: await viewerTimeZone(ctx, person.id, (cycle.schedule as { timeZone?: string }).timeZone ?? 'UTC'),
          page: { offset, total },
        }),
      }),
      extra.status ?? 200,
    );
  }

  /** Managers (anyone with a report) and HR; the rows are always the signed-in person's own tasks. */
  async function guard(person: SignedInPerson) {
    await teamOwnerFor(db, viewerOf(person));
  }

  app.get('/', async (c) => {
    const person = personOf(c);
    const w = teamWords(person.locale);
    try {
      await guard(person);
    } catch (error) {
      if (isForbidden(error)) return refusal(c, person, w.team.forbidden);
      throw error;
    }
    const done = Number(c.req.query('done'));
    return page(c, person, Number.isInteger(done) && done > 0 ? { banner: { tone: 'ok', text: w.grid.completed(done) } } : {});
  });

  app.post('/', async (c) => {
    const person = personOf(c);
    const w = teamWords(person.locale);
    try {
      await guard(person);
    } catch (error) {
      if (isForbidden(error)) return refusal(c, person, w.team.forbidden);
      throw error;
    }
    const key = c.req.query('cycle') ?? '';
    const cycle = await requireCycleByKey(db, key);
    const form = await c.req.parseBody({ all: true });
    const values: FormValues = {};
    for (const [k, v] of Object.entries(form)) if (typeof v === 'string') values[k] = v;
    const postedIds = ([] as unknown[])
      .concat(form.task ?? [])
      .map((v) => Number(v))
      .filter((n) => Number.isInteger(n) && n > 0);
    const mine = new Map((await calibrateTasksOwnedBy(db, cycle.id, person.id)).map((t) => [t.id, t]));
    // A task id that is not one of mine (another manager's calibration): refused, nothing done.
    if (postedIds.some((id) => !mine.has(id))) return refusal(c, person, w.team.forbidden);
    if (!postedIds.length) return page(c, person, { status: 400, banner: { tone: 'error', text: w.grid.none } });

    type Outcome =
      | { kind: 'already'; names: string[] }
      | { kind: 'invalid'; errors: FieldErrors; bad: Set<number> }
      | { kind: 'done'; count: number }
      | { kind: 'partial'; error: AppError; errors: FieldErrors; bad: Set<number>; done: string[] };
    // One submit at a time per person: the second of a double click waits here, then finds the tasks completed.
    const outcome: Outcome = await db.transaction().execute(async (tx) => {
      await sql`select pg_advisory_xact_lock(hashtext(${`team-calibrate:${cycle.id}:${person.id}`}))`.execute(tx);
      const { rows } = await loadRows(ctx, cycle.id, person.id, { ids: postedIds });
      const already = rows.filter((r) => r.task.status !== 'open');
      if (already.length) return { kind: 'already', names: already.map((r) => r.subjectName) };
      const errors: FieldErrors = new Map();
      const bad = new Set<number>();
      const submissions = new Map<number, unknown>();
      for (const row of rows) {
        const checked = checkRow(row, values, person.locale);
        if (checked.errors.size) {
          bad.add(row.task.id);
          for (const [k, v] of checked.errors) errors.set(k, v);
        } else submissions.set(row.task.id, checked.submission);
      }
      if (bad.size) return { kind: 'invalid', errors, bad };
      const done: string[] = [];
      for (const row of rows) {
        try {
          await completeTask(completeDeps, row.task, submissions.get(row.task.id), 'form');
          done.push(row.subjectName);
        } catch (error) {
          if (!(error instanceof AppError)) throw error;
          const issues = (error.details as { issues?: FieldIssue[] } | undefined)?.issues ?? [];
          const rowErrors: FieldErrors = new Map();
          if (error.code === ErrorCode.validation) {
            const parsed = kinds.calibrate.form.parse(rowValues(values, row), row.context, person.locale);
            for (const i of issues.length ? issues : [{ path: '', message: error.message }])
              rowErrors.set(parsed.fieldName(i.path) === 'comment' ? overallName(row.task.id) : parsed.fieldName(i.path), [
                translateFieldIssue(person.locale, i),
              ]);
          }
          return { kind: 'partial', error, errors: rowErrors, bad: new Set([row.task.id]), done };
        }
      }
      return { kind: 'done', count: done.length };
    });

    const offset = Math.max(0, Math.min(1_000_000, Math.floor(Number(c.req.query('offset')) || 0)));
    if (outcome.kind === 'done') return c.redirect(`/console/team/calibrate?cycle=${encodeURIComponent(key)}&offset=${offset}&done=${outcome.count}`, 303);
    if (outcome.kind === 'already') return page(c, person, { status: 409, banner: { tone: 'error', text: w.grid.already(outcome.names.join(', ')) } });
    if (outcome.kind === 'invalid')
      return page(c, person, { status: 400, values, errors: outcome.errors, badRows: outcome.bad, banner: { tone: 'error', text: w.grid.invalid } });
    const status = outcome.error.code === ErrorCode.unavailable ? 503 : outcome.error.code === ErrorCode.validation ? 400 : 409;
    const text =
      outcome.error.code === ErrorCode.unavailable
        ? w.grid.unavailable
        : outcome.error.code === ErrorCode.validation
          ? w.grid.invalid
          : w.grid.already(outcome.done.join(', '));
    return page(c, person, { status, values, errors: outcome.errors, badRows: outcome.bad, banner: { tone: 'error', text } });
  });
  return app;
}
