/**
 * Operations (admins): health of the database, Temporal and SMTP; stalled steps with their cause
 * and retry / skip (a reason required); cycles with their workflow in the Temporal UI; each
 * cycle's outbox (queued and failed emails with the last error, resend); the audit log with
 * filters; API keys (the secret shown once, revoke). Every action goes through the same use case
 * as the JSON API (core/stalls.ts, core/api-keys.ts), so a second click gets 409 and every
 * action is audited with the person's name.
 */
import { type Context, Hono } from 'hono';
import { html, raw } from 'hono/html';
import { API_KEY_ROLES, type ApiKeyRole, type Locale, cycleKeySchema, text as storableText } from '../../contract';
import { createApiKey, listApiKeys, revokeApiKey } from '../../core/api-keys';
import { queryAudit } from '../../core/audit';
import { type StalledView, listStalled, resolveStalled } from '../../core/stalls';
import { findCycleByKey, listCycleSummaryRows } from '../../db/cycles';
import { emailCountsByStatus } from '../../db/emails';
import { unsentEmailsOfCycle } from '../../db/outbox-view';
import { type ConsoleWords, consoleWords } from '../../i18n/console';
import { formatDue } from '../../mail/templates';
import { workflowUiUrl } from '../temporal-ui';
import { type ConsoleContext, type ConsoleEnv, personOf, requireSession } from './context';
import { type Piece, consolePage, respond } from './layout';

type Tab = keyof ConsoleWords['ops']['tabs'];
const TABS: { tab: Tab; href: string }[] = [
  { tab: 'overview', href: '/console/operations' },
  { tab: 'outbox', href: '/console/operations/outbox' },
  { tab: 'audit', href: '/console/operations/audit' },
  { tab: 'keys', href: '/console/operations/keys' },
];
const text = (v: unknown) => (typeof v === 'string' ? v.trim() : '');

export function operationsConsoleRoutes(ctx: ConsoleContext) {
  const app = new Hono<ConsoleEnv>();
  const { db } = ctx.deps;
  app.use('*', requireSession(ctx, 'admin'));
  const stallDeps = { db, client: ctx.deps.temporal.client, taskQueue: ctx.deps.temporal.taskQueue, stepPolicy: ctx.deps.stepPolicy };

  const when = (c: Context<ConsoleEnv>, at: Date | string) => formatDue(new Date(at).toISOString(), personOf(c).locale, 'UTC');

  function page(c: Context<ConsoleEnv>, tab: Tab, body: Piece, status: 200 | 400 = 200) {
    const person = personOf(c);
    const w = consoleWords(person.locale).ops;
    return respond(
      c,
      consolePage({
        title: `${w.tabs[tab]} — ${w.title}`,
        locale: person.locale,
        person,
        active: 'operations',
        body: html`<h1>${w.title}</h1>
<nav aria-label="${w.title}" class="subnav"><ul class="tabs">${TABS.map((t) => html`<li><a href="${t.href}"${t.tab === tab ? raw(' aria-current="page"') : ''}>${w.tabs[t.tab]}</a></li>`)}</ul></nav>
${body}`,
      }),
      status,
    );
  }

  // ---- Overview: health, stalled steps, cycles ----------------------------------------------
  async function overview(c: Context<ConsoleEnv>, notice?: { ok?: string; error?: string; stallId?: string }, status: 200 | 400 = 200) {
    const { ops: w, colon } = consoleWords(personOf(c).locale);
    const check = (f: (() => Promise<boolean>) | undefined) => (f ? f().catch(() => false) : Promise.resolve(undefined));
    const [database, temporal, smtp, stalled, cycles] = await Promise.all([
      check(ctx.deps.health.database),
      check(ctx.deps.health.temporal),
      check(ctx.options.smtpReachable),
      listStalled(db, ctx.deps.temporal.client),
      listCycleSummaryRows(db),
    ]);
    const counts = await Promise.all(cycles.map(async (cy) => emailCountsByStatus(db, (await findCycleByKey(db, cy.key))!.id)));
    const state = (ok: boolean | undefined) =>
      ok === undefined ? html`<span class="muted">${w.unknown}</span>` : ok ? html`<span class="up">${w.up}</span>` : html`<span class="down">${w.down}</span>`;
    const cols = w.cols;
    return page(
      c,
      'overview',
      html`${notice?.ok ? html`<p class="ok" role="status">${notice.ok}</p>` : ''}${notice?.error ? html`<p class="banner" role="alert">${notice.error}</p>` : ''}
<h2>${w.health}</h2>
<ul class="cards health">${(
        [
          ['database', database],
          ['temporal', temporal],
          ['smtp', smtp],
        ] as const
      ).map(([k, ok]) => html`<li class="card">${w.services[k]}${colon}${state(ok)}</li>`)}</ul>
<h2>${w.stalled}</h2>
${
  stalled.length
    ? html`<div class="table-wrap"><table class="stack"><thead><tr><th scope="col">${cols.step}</th><th scope="col">${cols.cycle}</th><th scope="col">${cols.where}</th><th scope="col">${cols.since}</th><th scope="col">${cols.why}</th><th scope="col">${cols.attempts}</th><th scope="col">${cols.actions}</th></tr></thead><tbody>
${stalled.map(
  (
    s,
  ) => html`<tr id="${s.id}"><td data-label="${cols.step}">${stepIn(s, personOf(c).locale)}<br><span class="muted small">${s.id}${s.phase ? ` · ${s.phase}` : ''}</span></td><td data-label="${cols.cycle}">${s.cycleKey ?? '—'}</td><td data-label="${cols.where}">${s.where}</td><td data-label="${cols.since}">${when(c, s.since)}</td><td data-label="${cols.why}">${s.why}</td><td data-label="${cols.attempts}">${s.attempts}</td>
<td data-label="${cols.actions}"><form method="post" action="/console/operations/stalled/${s.id}/retry"><button type="submit">${w.retry}</button></form>
<form method="post" action="/console/operations/stalled/${s.id}/skip" class="skip-form"><label for="reason-${s.id}">${w.reason}</label><input id="reason-${s.id}" name="reason" maxlength="500"${
    notice?.stallId === s.id ? html` aria-invalid="true" aria-describedby="reason-error-${s.id}"` : ''
  }>${notice?.stallId === s.id ? html`<p class="banner small" id="reason-error-${s.id}">${w.reasonRequired}</p>` : ''}<p class="muted small">${w.skipMeans(skipMeansIn(s, personOf(c).locale))}</p><button type="submit" class="secondary">${w.skip}</button></form></td></tr>`,
)}
</tbody></table></div>`
    : html`<p>${w.noStalled}</p>`
}
<h2>${w.cycles}</h2>
${
  cycles.length
    ? html`<div class="table-wrap"><table class="stack"><thead><tr><th scope="col">${w.cycleCols.key}</th><th scope="col">${w.cycleCols.title}</th><th scope="col">${w.cycleCols.status}</th><th scope="col">${w.cycleCols.emails}</th><th scope="col">${w.cycleCols.workflow}</th></tr></thead><tbody>
${cycles.map((cy, i) => {
  const url = workflowUiUrl(ctx.deps.temporal, cy.workflow_id);
  const n = counts[i]!;
  return html`<tr><td data-label="${w.cycleCols.key}">${cy.key}</td><td data-label="${w.cycleCols.title}">${cy.title}</td><td data-label="${w.cycleCols.status}">${w.status[cy.status] ?? cy.status}</td><td data-label="${w.cycleCols.emails}"><a href="/console/operations/outbox?cycle=${encodeURIComponent(cy.key)}">${n.queued} / ${n.failed}</a></td><td data-label="${w.cycleCols.workflow}">${
    url ? html`<a href="${url}" rel="noopener noreferrer" target="_blank">${w.temporalUi}</a>` : html`<span class="muted">${w.noTemporalUi}</span>`
  }<br><span class="muted small">${cy.workflow_id}</span></td></tr>`;
})}
</tbody></table></div>`
    : html`<p>${w.noCycles}</p>`
}`,
      status,
    );
  }

  app.get('/', (c) => overview(c));

  const stallId = (raw: string) => (/^(step|email)-\d{1,10}$/.test(raw) ? raw : 'step-0');

  app.post('/stalled/:id/retry', async (c) => {
    const w = consoleWords(personOf(c).locale).ops;
    const id = stallId(c.req.param('id'));
    await resolveStalled(stallDeps, id, 'retry', c.var.principal.actor, undefined);
    const form = await c.req.parseBody();
    if (form.back === 'outbox' && typeof form.cycle === 'string') return outbox(c, form.cycle, w.retried(id));
    return overview(c, { ok: w.retried(id) });
  });

  app.post('/stalled/:id/skip', async (c) => {
    const w = consoleWords(personOf(c).locale).ops;
    const id = stallId(c.req.param('id'));
    const reason = text((await c.req.parseBody()).reason).slice(0, 500);
    if (!reason) return overview(c, { error: w.field(w.reason, w.reasonRequired), stallId: id }, 400);
    await resolveStalled(stallDeps, id, 'skip', c.var.principal.actor, reason);
    return overview(c, { ok: w.skipped(id) });
  });

  // ---- Outbox of one cycle ------------------------------------------------------------------
  async function outbox(c: Context<ConsoleEnv>, key: string | undefined, notice?: string) {
    const w = consoleWords(personOf(c).locale).ops;
    const cycles = await listCycleSummaryRows(db);
    const chosen = cycleKeySchema.safeParse(key ?? cycles[0]?.key ?? '').success ? (key ?? cycles[0]?.key) : undefined;
    const cycle = chosen ? await findCycleByKey(db, chosen) : undefined;
    const [emails, counts] = cycle ? await Promise.all([unsentEmailsOfCycle(db, cycle.id, 500), emailCountsByStatus(db, cycle.id)]) : [[], undefined];
    const cols = w.emailCols;
    return page(
      c,
      'outbox',
      html`<h2>${w.outbox}</h2><p class="muted">${w.outboxIntro}</p>
${notice ? html`<p class="ok" role="status">${notice}</p>` : ''}
<form method="get" action="/console/operations/outbox" class="card inline"><div><label for="o-cycle">${w.chooseCycle}</label><select id="o-cycle" name="cycle">${cycles.map(
        (cy) => html`<option value="${cy.key}"${cy.key === cycle?.key ? raw(' selected') : ''}>${cy.title} (${cy.key})</option>`,
      )}</select></div><button type="submit">${w.show}</button></form>
${counts ? html`<p>${w.statusCounts(counts.queued, counts.failed, counts.sent)}</p>` : ''}
${
  emails.length
    ? html`<div class="table-wrap"><table class="stack"><thead><tr><th scope="col">${cols.to}</th><th scope="col">${cols.kind}</th><th scope="col">${cols.status}</th><th scope="col">${cols.attempts}</th><th scope="col">${cols.lastError}</th><th scope="col">${cols.updated}</th><th scope="col">${cols.action}</th></tr></thead><tbody>
${emails.map(
  (e) =>
    html`<tr${e.status === 'failed' ? raw(' class="bad"') : ''}><td data-label="${cols.to}">${e.to_name} &lt;${e.to_address}&gt;</td><td data-label="${cols.kind}">${e.kind}</td><td data-label="${cols.status}">${w.status[e.status] ?? e.status}</td><td data-label="${cols.attempts}">${e.attempts}</td><td data-label="${cols.lastError}">${e.last_error ?? ''}</td><td data-label="${cols.updated}">${when(c, e.updated_at)}</td><td data-label="${cols.action}">${
      e.status === 'failed'
        ? html`<form method="post" action="/console/operations/stalled/email-${e.id}/retry"><input type="hidden" name="back" value="outbox"><input type="hidden" name="cycle" value="${cycle!.key}"><button type="submit">${w.resend}</button></form>`
        : ''
    }</td></tr>`,
)}
</tbody></table></div>`
    : html`<p>${w.noEmails}</p>`
}`,
    );
  }

  app.get('/outbox', (c) => outbox(c, c.req.query('cycle')));

  // ---- Audit log ----------------------------------------------------------------------------
  app.get('/audit', async (c) => {
    const w = consoleWords(personOf(c).locale).ops;
    const q = c.req.query();
    const filter = {
      actor: text(q.actor).slice(0, 200) || undefined,
      action: text(q.action).slice(0, 200) || undefined,
      cycle: cycleKeySchema.safeParse(text(q.cycle)).success ? text(q.cycle) : undefined,
      since: /^\d{4}-\d{2}-\d{2}$/.test(text(q.since)) && !Number.isNaN(Date.parse(text(q.since))) ? text(q.since) : undefined,
      before: /^\d{1,15}$/.test(text(q.before)) ? Number(q.before) : undefined,
    };
    const cycleExists = filter.cycle ? Boolean(await findCycleByKey(db, filter.cycle)) : true;
    const found = cycleExists
      ? await queryAudit(db, { ...filter, since: filter.since ? new Date(`${filter.since}T00:00:00Z`) : undefined, limit: 100 })
      : { entries: [], next: null };
    const keep = new URLSearchParams(
      Object.entries({ actor: filter.actor ?? '', action: filter.action ?? '', cycle: filter.cycle ?? '', since: filter.since ?? '' }).filter(([, v]) => v),
    );
    const cols = w.auditCols;
    return page(
      c,
      'audit',
      html`<h2>${w.audit}</h2><p class="muted">${w.auditIntro}</p>
<form method="get" action="/console/operations/audit" class="card filters">
<div><label for="a-actor">${w.actor}</label><input id="a-actor" name="actor" value="${filter.actor ?? ''}"></div>
<div><label for="a-action">${w.action}</label><input id="a-action" name="action" value="${filter.action ?? ''}"></div>
<div><label for="a-cycle">${w.chooseCycle}</label><input id="a-cycle" name="cycle" value="${filter.cycle ?? ''}"></div>
<div><label for="a-since">${w.since}</label><input id="a-since" name="since" type="date" value="${filter.since ?? ''}"></div>
<div><button type="submit">${consoleWords(personOf(c).locale).people.filter}</button></div></form>
${
  found.entries.length
    ? html`<div class="table-wrap"><table class="stack"><thead><tr><th scope="col">${cols.at}</th><th scope="col">${cols.actor}</th><th scope="col">${cols.action}</th><th scope="col">${cols.cycle}</th><th scope="col">${cols.subject}</th><th scope="col">${cols.detail}</th></tr></thead><tbody>
${found.entries.map(
  (e) =>
    html`<tr><td data-label="${cols.at}">${when(c, e.at)}</td><td data-label="${cols.actor}">${e.actor}</td><td data-label="${cols.action}">${e.action}</td><td data-label="${cols.cycle}">${e.cycleKey ?? ''}</td><td data-label="${cols.subject}">${e.subject ?? ''}</td><td data-label="${cols.detail}" class="small">${e.detail ? JSON.stringify(e.detail).slice(0, 300) : ''}</td></tr>`,
)}
</tbody></table></div>
${found.next ? html`<p><a href="/console/operations/audit?${new URLSearchParams([...keep, ['before', String(found.next)]]).toString()}">${w.older}</a></p>` : ''}`
    : html`<p>${w.noEntries}</p>`
}`,
    );
  });

  // ---- API keys -----------------------------------------------------------------------------
  async function keysPage(c: Context<ConsoleEnv>, notice?: { ok?: string; secret?: string; error?: string }, status: 200 | 400 = 200) {
    const w = consoleWords(personOf(c).locale).ops;
    const keys = await listApiKeys(db);
    const cols = w.keyCols;
    return page(
      c,
      'keys',
      html`<h2>${w.keys}</h2><p class="muted">${w.keysIntro}</p>
${notice?.ok ? html`<div class="ok" role="status"><p>${notice.ok}</p>${notice.secret ? html`<p class="secret" id="new-key">${notice.secret}</p>` : ''}</div>` : ''}
<form method="post" action="/console/operations/keys" class="card inline">
<div><label for="k-name">${w.keyName}</label><input id="k-name" name="name" maxlength="100" required${notice?.error ? html` aria-invalid="true" aria-describedby="k-name-error"` : ''}>${
        notice?.error ? html`<p class="banner small" id="k-name-error" role="alert">${notice.error}</p>` : ''
      }</div>
<div><label for="k-role">${w.keyRole}</label><select id="k-role" name="role">${API_KEY_ROLES.map((r) => html`<option value="${r}">${r}</option>`)}</select></div>
<button type="submit">${w.create}</button></form>
${
  keys.length
    ? html`<div class="table-wrap"><table class="stack"><thead><tr><th scope="col">${cols.name}</th><th scope="col">${cols.role}</th><th scope="col">${cols.created}</th><th scope="col">${cols.revoked}</th><th scope="col">${cols.action}</th></tr></thead><tbody>
${keys.map(
  (k) =>
    html`<tr><td data-label="${cols.name}">${k.name}</td><td data-label="${cols.role}">${k.role}</td><td data-label="${cols.created}">${when(c, k.createdAt)}</td><td data-label="${cols.revoked}">${k.revokedAt ? when(c, k.revokedAt) : ''}</td><td data-label="${cols.action}">${
      k.revokedAt
        ? ''
        : html`<form method="post" action="/console/operations/keys/${k.id}/revoke" data-confirm="${w.revokeConfirm}"><button type="submit" class="danger">${w.revoke}</button></form>`
    }</td></tr>`,
)}
</tbody></table></div>`
    : html`<p>${w.noKeys}</p>`
}`,
      status,
    );
  }

  app.get('/keys', (c) => keysPage(c));

  app.post('/keys', async (c) => {
    const w = consoleWords(personOf(c).locale).ops;
    const form = await c.req.parseBody();
    const checked = storableText()
      .trim()
      .min(1)
      .max(100)
      .safeParse(typeof form.name === 'string' ? form.name : '');
    const role = (API_KEY_ROLES as readonly string[]).includes(text(form.role)) ? (text(form.role) as ApiKeyRole) : undefined;
    if (!checked.success) return keysPage(c, { error: w.field(w.keyName, w.keyNameRequired) }, 400);
    const name = checked.data;
    if (!role) return keysPage(c, { error: w.field(w.keyRole, API_KEY_ROLES.join(' / ')) }, 400);
    const created = await createApiKey(db, { name, role }, c.var.principal.actor);
    return keysPage(c, { ok: w.created(created.name), secret: created.key });
  });

  app.post('/keys/:id/revoke', async (c) => {
    const w = consoleWords(personOf(c).locale).ops;
    const id = /^\d{1,9}$/.test(c.req.param('id')) ? Number(c.req.param('id')) : 0;
    const key = (await listApiKeys(db)).find((k) => k.id === id);
    await revokeApiKey(db, id, c.var.principal.actor);
    return keysPage(c, { ok: w.revoked(key?.name ?? String(id)) });
  });
  return app;
}

/** A stalled item's step as the console names it (step names are ids; a cycle or an email in words). */
function stepIn(s: StalledView, locale: Locale): string {
  const w = consoleWords(locale).ops;
  if (s.kind === 'cycle') return w.stepCycle;
  if (s.kind === 'email') return w.stepEmail(s.step.replace(/^email /, ''));
  return s.step;
}

/** What skipping means, in the person's language (English: the use case's own words). */
function skipMeansIn(s: StalledView, locale: Locale): string {
  if (locale === 'en') return s.skipMeans;
  const means = consoleWords(locale).ops.skipMeansOf;
  return means[s.kind === 'step' ? s.step : s.kind] ?? means.other!;
}
