/**
 * "My department" (/console/department): for a department's ambassadors (their own department)
 * and HR (every department, with a picker). Who is behind on the open step, each with "Nudge",
 * and "Nudge everyone behind"; the check-in rate by week (chart and table); the people whose
 * latest confidence is low; a link to the viewer's nomination task when awards are open.
 * Everyone else gets 403; a department in the address that the person may not open is 403 too.
 * Nudges are plain form posts that redirect back (core/nudges.ts).
 */
import { Hono } from 'hono';
import { html } from 'hono/html';
import { ErrorCode, type Locale, type TaskKind } from '../../contract';
import { kindLabel } from '../../kinds';
import { AppError } from '../../core/errors';
import { nudge } from '../../core/nudges';
import { type DepartmentView, departmentView } from '../../core/team-department';
import { departmentsFor } from '../../core/team-access';
import { departmentNames } from '../../db/team';
import { taskLink, taskToken } from '../../core/tokens';
import { cycleWordsFor } from '../../i18n/console-cycles';
import { teamWords } from '../../i18n/console-team';
import { formatDue } from '../../mail/templates/format';
import { histogram } from './cycles/charts';
import type { SignedInPerson } from '../session';
import { type ConsoleContext, type ConsoleEnv, personOf } from './context';
import { consolePage, messagePage, respond } from './layout';
import { TEAM_CSS, chosenCycle, cyclePicker, isForbidden, refusal, requireSignedIn, viewerOf, viewerTimeZone } from './team-shared';
import { nominateKind } from '../../kinds/awards';

type Banner = { tone: 'ok' | 'error'; text: string };

function departmentBody(
  view: DepartmentView,
  locale: Locale,
  timeZone: string,
  picker: ReturnType<typeof cyclePicker>,
  nominateLink: string | null,
  banner?: Banner,
) {
  const w = teamWords(locale);
  const d = w.department;
  const kind = (k: TaskKind) => kindLabel(k, locale);
  const when = (at: string) => formatDue(at, locale, timeZone);
  const q = `cycle=${encodeURIComponent(view.cycle.key)}&department=${encodeURIComponent(view.department)}`;
  const action = `/console/department/nudge?${q}`;
  const notYet = view.behind.filter((b) => !b.nudgedToday);
  const pct = view.checkinRate.map((r) => (r.total ? Math.round((r.completed / r.total) * 100) : 0));
  return html`${TEAM_CSS}<h1>${d.title}${w.colon}${view.department}</h1>${picker}
<p class="muted">${d.intro(view.department)} ${d.members(view.members)}</p>
${banner ? html`<p class="${banner.tone === 'ok' ? 'ok' : 'banner'}" role="${banner.tone === 'ok' ? 'status' : 'alert'}">${banner.text}</p>` : ''}
<h2>${d.behind}</h2>
<p class="muted">${view.phase ? d.phase(cycleWordsFor(locale).phase[view.phase]) : d.noStep}</p>
${
  view.behind.length
    ? html`<p class="muted small">${d.nudgeHelp}</p>
<div class="table-wrap"><table class="stack" data-table="behind"><thead><tr><th scope="col">${w.team.person}</th><th scope="col">${d.dueCol}</th><th scope="col">${d.nudge}</th></tr></thead><tbody>
${view.behind.map(
  (b) => html`<tr data-person="${b.email}"><th scope="row">${b.name}<br><span class="muted small">${b.email}</span></th>
<td data-label="${d.dueCol}">${when(b.dueAt)}${b.overdue ? html` <span class="tag bad">${d.overdue}</span>` : ''}</td>
<td data-label="${d.nudge}">${
    b.nudgedToday
      ? html`<span class="tag" data-cell="nudged">${d.nudgedToday}</span>`
      : html`<form method="post" action="${action}"><input type="hidden" name="email" value="${b.email}"><button type="submit" class="secondary" aria-label="${d.nudgeFor(b.name)}">${d.nudge}</button></form>`
  }</td></tr>`,
)}</tbody></table></div>
${notYet.length ? html`<form method="post" action="${action}"><input type="hidden" name="everyone" value="1"><button type="submit">${d.nudgeAll(notYet.length)}</button></form>` : ''}`
    : html`<p class="ok">${d.noneBehind}</p>`
}
<h2>${d.rate}</h2>
${
  view.checkinRate.length
    ? html`${histogram(
        pct,
        view.checkinRate.map((r) => w.team.week(r.week)),
        d.rateChart(view.department),
      )}<div class="table-wrap"><table data-table="rate"><thead><tr><th scope="col">${d.weekCol}</th><th scope="col">%</th><th scope="col">${d.checkedInCol}</th></tr></thead><tbody>
${view.checkinRate.map((r, i) => html`<tr><th scope="row">${w.team.week(r.week)}</th><td>${pct[i]}%</td><td>${d.rateRow(r.completed, r.total)}</td></tr>`)}</tbody></table></div>`
    : html`<p class="muted">${d.noRate}</p>`
}
<h2>${d.lows}</h2>
${
  view.lowConfidence.length
    ? html`<ul class="plain" data-list="lows">${view.lowConfidence.map((l) => html`<li>${l.name} — ${w.team.week(l.week)}${w.colon}<strong>${l.confidence}</strong>/10</li>`)}</ul>`
    : html`<p class="muted">${d.noLows}</p>`
}
${view.awards.open ? html`<h2>${d.awards}</h2>${nominateLink ? html`<p><a class="button" href="${nominateLink}">${d.nominate}</a></p>` : html`<p class="muted">${d.noNominate}</p>`}` : ''}`;
}

export function departmentConsoleRoutes(ctx: ConsoleContext) {
  const app = new Hono<ConsoleEnv>();
  const db = ctx.deps.db;
  app.use('*', requireSignedIn(ctx));
  const reminderDeps = {
    db,
    client: ctx.deps.temporal.client,
    taskQueue: ctx.deps.temporal.taskQueue,
    stepPolicy: ctx.deps.stepPolicy,
    mailFrom: ctx.deps.mailFrom ?? 'OKR <okr@localhost>',
  };

  /** The department asked for, else the viewer's first; undefined when they may open none. */
  async function chosenDepartment(person: SignedInPerson, asked: string | undefined): Promise<{ department: string; options: string[] } | undefined> {
    const allowed = await departmentsFor(db, viewerOf(person));
    if (allowed !== 'all' && !allowed.length) return undefined;
    const options = allowed === 'all' ? departmentNames(db) : Promise.resolve(allowed);
    const list = await options;
    const department = asked?.trim() || list[0];
    return department ? { department, options: list } : undefined;
  }

  async function render(c: Parameters<typeof respond>[0], person: SignedInPerson, banner?: Banner, status: 200 | 400 | 409 | 429 | 503 = 200) {
    const w = teamWords(person.locale);
    const chosen = await chosenDepartment(person, c.req.query('department'));
    if (!chosen && person.roles.includes('hr'))
      return respond(
        c,
        messagePage({ title: w.department.title, locale: person.locale, person, heading: w.department.title, message: w.department.noDepartments }),
      );
    if (!chosen) return refusal(c, person, w.department.forbidden);
    const { key, cycles } = await chosenCycle(ctx, c.req.query('cycle'));
    if (!key) return respond(c, messagePage({ title: w.department.title, locale: person.locale, person, heading: w.department.title, message: w.noCycle }));
    try {
      const view = await departmentView(db, viewerOf(person), key, chosen.department);
      const picker = cyclePicker(
        w,
        '/console/department',
        cycles,
        key,
        chosen.options.length > 1 || person.roles.includes('hr')
          ? { name: 'department', label: w.department.picker, options: chosen.options, current: chosen.department }
          : undefined,
      );
      const n = view.awards.nominateTask;
      const nominateLink = n
        ? taskLink(
            ctx.deps.publicBaseUrl,
            taskToken(ctx.options.tokenSecret, { cycleId: n.cycleId, kind: nominateKind.kind, round: n.round, personId: n.personId }),
          )
        : null;
      return respond(
        c,
        consolePage({
          title: w.department.title,
          locale: person.locale,
          person,
          body: departmentBody(view, person.locale, await viewerTimeZone(ctx, person.id, view.cycle.timeZone), picker, nominateLink, banner),
        }),
        status,
      );
    } catch (error) {
      if (isForbidden(error)) return refusal(c, person, w.department.forbidden);
      throw error;
    }
  }

  app.get('/', async (c) => {
    const person = personOf(c);
    const w = teamWords(person.locale);
    const sent = Number(c.req.query('sent'));
    return render(c, person, Number.isInteger(sent) && sent > 0 ? { tone: 'ok', text: w.department.nudgedCount(sent) } : undefined);
  });

  app.post('/nudge', async (c) => {
    const person = personOf(c);
    const w = teamWords(person.locale);
    const d = w.department;
    const form = await c.req.parseBody();
    const email = typeof form.email === 'string' && form.email.trim() ? form.email : undefined;
    const department = c.req.query('department') ?? '';
    const cycleKey = c.req.query('cycle') ?? '';
    try {
      const result = await nudge(
        reminderDeps,
        viewerOf(person),
        { actor: c.var.principal.actor, name: person.name },
        { cycleKey, department, ...(email ? { email } : {}) },
      );
      return c.redirect(
        `/console/department?cycle=${encodeURIComponent(cycleKey)}&department=${encodeURIComponent(department)}&sent=${result.sent.length}`,
        303,
      );
    } catch (error) {
      if (isForbidden(error)) return refusal(c, person, d.forbidden);
      if (!(error instanceof AppError)) throw error;
      if (error.code === ErrorCode.conflict) {
        const already = (error.details as { alreadyToday?: { name: string }[] } | undefined)?.alreadyToday;
        return render(c, person, { tone: 'error', text: already ? d.alreadyToday(already.map((p) => p.name).join(', ')) : d.nobodyBehind }, 409);
      }
      if (error.code === ErrorCode.validation) return render(c, person, { tone: 'error', text: d.notBehind }, 400);
      if (error.code === ErrorCode.rateLimited) return render(c, person, { tone: 'error', text: d.tooMany }, 429);
      throw error;
    }
  });
  return app;
}
