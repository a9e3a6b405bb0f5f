/**
 * People (HR; admins may read): the list with search and filters, one person with their
 * absences, and the import with a preview that writes nothing (core/people-preview.ts) before
 * HR applies it (core/people.ts's importPeople, which checks everything again in its transaction).
 */
import { type Context, Hono } from 'hono';
import { html, raw } from 'hono/html';
import { ROLES, type Role, absenceWeekSchema } from '../../contract';
import { importPeople, markAbsent } from '../../core/people';
import { PREVIEW_LIST_LIMIT, type ImportPreview, previewPeopleImport } from '../../core/people-preview';
import { absenceWeeks } from '../../db/people';
import { departments, directReports, findPersonWithManager, searchPeople } from '../../db/people-search';
import { type ConsoleWords, consoleWords } from '../../i18n/console';
import { type ConsoleContext, type ConsoleEnv, personOf, requireSession } from './context';
import { consolePage, respond } from './layout';

const PAGE_SIZE = 100;
const text = (v: unknown) => (typeof v === 'string' ? v.trim() : '');

function roleList(w: ConsoleWords, roles: readonly string[]) {
  return roles.map((r) => html`<span class="tag">${w.people.roleNames[r] ?? r}</span>`);
}

export function peopleConsoleRoutes(ctx: ConsoleContext) {
  const app = new Hono<ConsoleEnv>();
  const { db } = ctx.deps;
  // Reading is for HR and admins; changing is HR's (as on the JSON API).
  const readers = requireSession(ctx, 'hr', 'admin');
  const writers = requireSession(ctx, 'hr');
  app.use('*', (c, next) => ((c.req.method === 'GET' || c.req.method === 'HEAD') && !c.req.path.endsWith('/import') ? readers : writers)(c, next));

  app.get('/', async (c) => {
    const person = personOf(c);
    const w = consoleWords(person.locale);
    const q = c.req.query();
    const role = (ROLES as readonly string[]).includes(q.role ?? '') ? (q.role as Role) : undefined;
    const status = q.status === 'left' ? 'left' : q.status === 'any' ? undefined : 'active';
    const offset = Math.max(0, Math.min(1_000_000, Math.floor(Number(q.offset) || 0)));
    const filter = {
      q: text(q.q).slice(0, 200) || undefined,
      department: text(q.department) || undefined,
      manager: text(q.manager).toLowerCase() || undefined,
      role,
      status,
    } as const;
    const [found, depts] = await Promise.all([searchPeople(db, filter, { limit: PAGE_SIZE, offset }), departments(db)]);
    const keep = new URLSearchParams(
      Object.entries({
        q: filter.q ?? '',
        department: filter.department ?? '',
        manager: filter.manager ?? '',
        role: role ?? '',
        status: q.status ?? '',
      }).filter(([, v]) => v),
    );
    const pageLink = (o: number) => `/console/people?${new URLSearchParams([...keep, ['offset', String(o)]]).toString()}`;
    const canImport = person.roles.includes('hr');
    const cols = w.people.columns;
    return respond(
      c,
      consolePage({
        title: w.people.title,
        locale: person.locale,
        person,
        active: 'people',
        body: html`<h1>${w.people.title}</h1>
<p class="muted">${w.people.intro}</p>
${canImport ? html`<p><a class="button" href="/console/people/import">${w.people.importLink}</a></p>` : ''}
<form method="get" action="/console/people" class="filters card" role="search">
<div><label for="f-q">${w.people.search}</label><input id="f-q" name="q" value="${filter.q ?? ''}"></div>
<div><label for="f-department">${w.people.department}</label><select id="f-department" name="department"><option value="">${w.people.any}</option>${depts.map(
          (d) => html`<option${d === filter.department ? raw(' selected') : ''}>${d}</option>`,
        )}</select></div>
<div><label for="f-manager">${w.people.manager}</label><input id="f-manager" name="manager" type="email" value="${filter.manager ?? ''}"></div>
<div><label for="f-role">${w.people.role}</label><select id="f-role" name="role"><option value="">${w.people.any}</option>${ROLES.map(
          (r) => html`<option value="${r}"${r === role ? raw(' selected') : ''}>${w.people.roleNames[r] ?? r}</option>`,
        )}</select></div>
<div><label for="f-status">${w.people.status}</label><select id="f-status" name="status"><option value="">${w.people.active}</option><option value="left"${q.status === 'left' ? raw(' selected') : ''}>${w.people.left}</option><option value="any"${q.status === 'any' ? raw(' selected') : ''}>${w.people.any}</option></select></div>
<div><button type="submit">${w.people.filter}</button> <a href="/console/people">${w.people.clear}</a></div>
</form>
<p class="muted" role="status">${w.people.shown(found.rows.length, found.total)}</p>
${
  found.rows.length
    ? html`<div class="table-wrap"><table class="stack"><thead><tr><th scope="col">${cols.name}</th><th scope="col">${cols.email}</th><th scope="col">${cols.department}</th><th scope="col">${cols.manager}</th><th scope="col">${cols.roles}</th><th scope="col">${cols.status}</th></tr></thead><tbody>
${found.rows.map(
  (p) =>
    html`<tr><td data-label="${cols.name}"><a href="/console/people/${p.id}">${p.name}</a></td><td data-label="${cols.email}">${p.email}</td><td data-label="${cols.department}">${p.department ?? ''}</td><td data-label="${cols.manager}">${p.managerName ?? ''}</td><td data-label="${cols.roles}">${roleList(w, p.roles)}</td><td data-label="${cols.status}">${p.active ? w.people.active : html`<span class="tag left">${w.people.left}</span>`}</td></tr>`,
)}
</tbody></table></div>`
    : html`<p>${w.people.none}</p>`
}
<p>${offset > 0 ? html`<a href="${pageLink(Math.max(0, offset - PAGE_SIZE))}">${w.people.previous}</a> ` : ''}${offset + PAGE_SIZE < found.total ? html`<a href="${pageLink(offset + PAGE_SIZE)}">${w.people.next}</a>` : ''}</p>`,
      }),
    );
  });

  // ---- Import: form → preview (writes nothing) → apply --------------------------------------
  const importForm = (
    w: ConsoleWords,
  ) => html`<form method="post" action="/console/people/import" enctype="multipart/form-data" class="card" accept-charset="utf-8">
<label for="import-file">${w.people.import.file}</label><input id="import-file" name="file" type="file" accept=".csv,.json,text/csv,application/json">
<label for="import-text">${w.people.import.orPaste}</label><textarea id="import-text" name="text" spellcheck="false"></textarea>
<p><button type="submit">${w.people.import.preview}</button></p></form>`;

  app.get('/import', (c) => {
    const person = personOf(c);
    const w = consoleWords(person.locale);
    return respond(
      c,
      consolePage({
        title: w.people.import.title,
        locale: person.locale,
        person,
        active: 'people',
        body: html`<h1>${w.people.import.title}</h1><p>${w.people.import.intro}</p>${importForm(w)}`,
      }),
    );
  });

  const previewBody = (w: ConsoleWords, preview: ImportPreview, source: string) => {
    const t = w.people.import;
    if (preview.problems.length) {
      return html`<h1>${t.previewTitle}</h1>
<div class="banner" role="alert"><strong>${t.problemsHeading(preview.problems.length)}</strong><br>${t.problemsIntro}</div>
<div class="table-wrap"><table class="stack problems"><thead><tr><th scope="col">${t.row}</th><th scope="col">${t.line}</th><th scope="col">${t.column}</th><th scope="col">${t.problem}</th></tr></thead><tbody>
${preview.problems.map(
  (p) =>
    html`<tr class="bad"><td data-label="${t.row}">${p.row ?? t.wholeFile}</td><td data-label="${t.line}">${p.line ?? ''}</td><td data-label="${t.column}">${p.column}</td><td data-label="${t.problem}">${p.message}</td></tr>`,
)}
</tbody></table></div>
<h2>${t.again}</h2>${importForm(w)}`;
    }
    const shown = preview.changes.filter((ch) => ch.kind !== 'unchanged').slice(0, PREVIEW_LIST_LIMIT);
    const hidden = preview.changes.filter((ch) => ch.kind !== 'unchanged').length - shown.length;
    const cols = w.people.columns;
    return html`<h1>${t.previewTitle}</h1>
<p class="ok" role="status">${t.summary(preview.rowCount)}</p>
<ul class="cards counts">${(['new', 'updated', 'unchanged', 'missing'] as const).map((k) => html`<li class="card"><span class="stat">${preview.counts[k]}</span> ${t.counts[k]}</li>`)}</ul>
${
  shown.length
    ? html`<div class="table-wrap"><table class="stack"><thead><tr><th scope="col">${t.row}</th><th scope="col">${cols.name}</th><th scope="col">${cols.email}</th><th scope="col">${t.change}</th><th scope="col">${t.changedFields}</th></tr></thead><tbody>
${shown.map(
  (ch) =>
    html`<tr><td data-label="${t.row}">${ch.row}</td><td data-label="${cols.name}">${ch.name}</td><td data-label="${cols.email}">${ch.email}</td><td data-label="${t.change}"><span class="tag ${ch.kind}">${t.counts[ch.kind]}</span></td><td data-label="${t.changedFields}">${ch.fields.join(', ')}</td></tr>`,
)}
</tbody></table></div>${hidden > 0 ? html`<p class="muted">${t.more(hidden)}</p>` : ''}`
    : ''
}
${
  preview.missing.length
    ? html`<h2>${t.missingHeading}</h2><p class="muted">${t.missingIntro}</p><ul>${preview.missing.slice(0, PREVIEW_LIST_LIMIT).map((m) => html`<li>${m.name} — ${m.email}</li>`)}</ul>${
        preview.missing.length > PREVIEW_LIST_LIMIT ? html`<p class="muted">${t.more(preview.missing.length - PREVIEW_LIST_LIMIT)}</p>` : ''
      }`
    : ''
}
<form method="post" action="/console/people/import/apply" class="card" accept-charset="utf-8">
<input type="hidden" name="format" value="${preview.format}">
<textarea name="text" hidden aria-hidden="true" tabindex="-1">${source}</textarea>
${preview.missing.length ? html`<p><label class="check"><input type="checkbox" name="markLeft" value="yes"> ${t.markLeft}</label></p>` : ''}
<p><button type="submit">${t.apply}</button> <a href="/console/people/import">${t.again}</a></p>
</form>`;
  };

  async function sourceOf(form: Record<string, unknown>): Promise<{ text: string; filename?: string }> {
    const file = form.file;
    if (file instanceof File && file.size > 0) return { text: await file.text(), filename: file.name };
    return { text: typeof form.text === 'string' ? form.text : '' };
  }

  app.post('/import', async (c) => {
    const person = personOf(c);
    const w = consoleWords(person.locale);
    const source = await sourceOf(await c.req.parseBody());
    const preview = await previewPeopleImport(db, source.text, person.locale, { filename: source.filename });
    return respond(
      c,
      consolePage({ title: w.people.import.previewTitle, locale: person.locale, person, active: 'people', body: previewBody(w, preview, source.text) }),
      preview.problems.length ? 400 : 200,
    );
  });

  app.post('/import/apply', async (c) => {
    const person = personOf(c);
    const w = consoleWords(person.locale);
    const form = await c.req.parseBody();
    const source = typeof form.text === 'string' ? form.text : '';
    const format = form.format === 'json' ? 'json' : 'csv';
    // Checked again: the page may be old, or the form edited.
    const preview = await previewPeopleImport(db, source, person.locale, { format });
    if (preview.problems.length)
      return respond(
        c,
        consolePage({ title: w.people.import.previewTitle, locale: person.locale, person, active: 'people', body: previewBody(w, preview, source) }),
        400,
      );
    const label = format === 'csv' ? (i: number) => `row ${i + 1} (line ${i + 2})` : (i: number) => `row ${i + 1}`;
    const result = await importPeople(
      db,
      preview.people,
      c.var.principal.actor,
      label,
      form.markLeft === 'yes' ? { markMissingAsLeft: { keep: [person.email] } } : {},
    );
    return respond(
      c,
      consolePage({
        title: w.people.import.title,
        locale: person.locale,
        person,
        active: 'people',
        body: html`<h1>${w.people.import.title}</h1><p class="ok" role="status">${w.people.import.applied(result.created, result.updated, result.left ?? 0)}</p>
<p><a href="/console/people">${w.people.person.back}</a> · <a href="/console/people/import">${w.people.import.again}</a></p>`,
      }),
    );
  });

  // ---- One person: details, reports, absences -----------------------------------------------
  const personPage = async (c: Context<ConsoleEnv>, id: number, notice?: { ok?: string; error?: string }, status: 200 | 400 = 200) => {
    const person = personOf(c);
    const w = consoleWords(person.locale);
    const p = await findPersonWithManager(db, id);
    if (!p)
      return respond(
        c,
        consolePage({
          title: w.people.title,
          locale: person.locale,
          person,
          active: 'people',
          body: html`<h1>${w.people.title}</h1><p class="banner">${w.notFound}</p>`,
        }),
        404,
      );
    const [weeks, reports] = await Promise.all([absenceWeeks(db, id), directReports(db, id)]);
    const cols = w.people.columns;
    const t = w.people.person;
    return respond(
      c,
      consolePage({
        title: p.name,
        locale: person.locale,
        person,
        active: 'people',
        body: html`<p><a href="/console/people">← ${t.back}</a></p><h1>${p.name}</h1>
<dl class="card">
<dt>${cols.email}</dt><dd>${p.email}</dd>
<dt>${cols.department}</dt><dd>${p.department ?? '—'}</dd>
<dt>${cols.manager}</dt><dd>${p.managerId ? html`<a href="/console/people/${p.managerId}">${p.managerName}</a>` : '—'}</dd>
<dt>${cols.roles}</dt><dd>${roleList(w, p.roles)}</dd>
<dt>${cols.locale}</dt><dd>${w.people.localeNames[p.locale] ?? p.locale}</dd>
<dt>${cols.status}</dt><dd>${p.active ? w.people.active : w.people.left}</dd>
</dl>
${reports.length ? html`<h2>${t.reports}</h2><ul>${reports.map((r) => html`<li><a href="/console/people/${r.id}">${r.name}</a> — ${r.email}</li>`)}</ul>` : ''}
<h2>${t.absences}</h2><p class="muted">${t.absencesIntro}</p>
${notice?.ok ? html`<p class="ok" role="status">${notice.ok}</p>` : ''}
${weeks.length ? html`<ul>${weeks.map((wk) => html`<li>${wk}</li>`)}</ul>` : html`<p>${t.noAbsences}</p>`}
${
  person.roles.includes('hr')
    ? html`<form method="post" action="/console/people/${p.id}/absences" class="card inline">
<div><label for="week">${t.week}</label><input id="week" name="week" type="date" required${notice?.error ? html` aria-invalid="true" aria-describedby="week-error"` : ''}>
${notice?.error ? html`<p class="banner" id="week-error" role="alert">${t.week}: ${notice.error}</p>` : ''}</div>
<button type="submit">${t.add}</button></form>`
    : ''
}`,
      }),
      status,
    );
  };

  const idOf = (raw: string) => (/^\d{1,9}$/.test(raw) ? Number(raw) : 0);

  app.get('/:id', (c) => personPage(c, idOf(c.req.param('id'))));

  app.post('/:id/absences', async (c) => {
    const id = idOf(c.req.param('id'));
    const person = personOf(c);
    const t = consoleWords(person.locale).people.person;
    const form = await c.req.parseBody();
    const week = text(form.week);
    const checked = absenceWeekSchema.safeParse(week);
    if (!checked.success) return personPage(c, id, { error: checked.error.issues[0]?.code === 'custom' ? t.notMonday : t.notDate }, 400);
    const target = await findPersonWithManager(db, id);
    if (!target) return personPage(c, id);
    await markAbsent(db, target.email, [checked.data], c.var.principal.actor);
    return personPage(c, id, { ok: t.added(checked.data) });
  });
  return app;
}
