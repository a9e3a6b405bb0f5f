/**
 * The console: server-rendered pages for HR and admins under /console (docs/console.md).
 *
 * Every page is behind `requireSession(ctx, ...roles)` (api/console/context.ts) and framed by
 * `consolePage(...)` (api/console/layout.ts). Form posts must come from our own origin (the same
 * check as the task forms); errors become pages in the person's language.
 *
 * ADDING A SECTION: write `export function xyzConsoleRoutes(ctx: ConsoleContext) { const app =
 * new Hono<ConsoleEnv>(); app.use('*', requireSession(ctx, 'hr', 'admin')); … return app; }` in
 * api/console/<section>.ts and add one line to SECTIONS below with the path it answers under.
 * The navigation's "Cycles" entry points at /console/cycles. A personal home (Me, Company, My
 * team, My department) uses `requireSession(ctx)` — any signed-in person — and asks
 * core/visibility.ts what the viewer may see of each person; its nav entry is in layout.ts.
 */
import { Hono } from 'hono';
import { csrf } from 'hono/csrf';
import { HTTPException } from 'hono/http-exception';
import { html } from 'hono/html';
import { ErrorCode } from '../../contract';
import { AppError } from '../../core/errors';
import { consoleWords, refusedInputText } from '../../i18n/console';
import { requestLocale } from '../../i18n';
import type { Authenticate } from '../auth';
import type { ApiDeps } from '../deps';
import { handleError } from '../errors';
import { type ConsoleOptions, sessionPerson } from '../session';
import { assetRoutes } from './assets';
import { companyConsoleRoutes } from './company';
import { consoleCycleRoutes } from './cycles';
import { meConsoleRoutes } from './me';
import { departmentConsoleRoutes } from './department';
import { teamConsoleRoutes } from './team';
import { type ConsoleContext, type ConsoleEnv, type ConsoleSection, personOf, requireSession } from './context';
import { consolePage, landingFor, messagePage, navFor, respond } from './layout';
import { operationsConsoleRoutes } from './operations';
import { peopleConsoleRoutes } from './people';
import { awardConsoleRoutes } from './awards';
import { signInRoutes } from './sign-in-pages';

/** The console's sections: path under /console → its router. One line per section. */
const SECTIONS: { path: string; routes: ConsoleSection }[] = [
  { path: '/people', routes: peopleConsoleRoutes },
  { path: '/operations', routes: operationsConsoleRoutes },
  { path: '/cycles', routes: consoleCycleRoutes },
  { path: '/me', routes: meConsoleRoutes },
  { path: '/company', routes: companyConsoleRoutes },
  { path: '/cycles', routes: awardConsoleRoutes },
  { path: '/team', routes: teamConsoleRoutes },
  { path: '/department', routes: departmentConsoleRoutes },
];

export function consoleRoutes(deps: ApiDeps, options: ConsoleOptions, auth: Authenticate) {
  const publicOrigin = new URL(deps.publicBaseUrl).origin;
  const ctx: ConsoleContext = { deps, options, auth, publicOrigin };
  const app = new Hono<ConsoleEnv>();

  app.onError(async (err, c) => {
    // Refused before the session was read (a cross-site form): the person's language all the same.
    const person = c.var.principal?.person ?? (await sessionPerson(c, deps.db, options).catch(() => undefined));
    const locale = person?.locale ?? requestLocale(c);
    const w = consoleWords(locale);
    const page = (status: 400 | 403 | 404 | 409 | 503, message: string) =>
      respond(c, messagePage({ title: w.product, locale, person, heading: w.product, message, tone: 'error' }), status);
    if (err instanceof HTTPException && err.status === 403) return page(403, w.crossSite);
    if (err instanceof AppError) {
      if (err.code === ErrorCode.conflict || err.code === ErrorCode.taskAlreadyCompleted) return page(409, w.conflict);
      if (err.code === ErrorCode.notFound) return page(404, w.notFound);
      if (err.code === ErrorCode.unavailable) return page(503, w.unavailable);
      if (err.code === ErrorCode.validation) return page(400, refusedInputText(locale, err));
    }
    return handleError(err, c, deps.log);
  });

  app.route('/assets', assetRoutes());
  // Form posts from another site are refused (Origin / Sec-Fetch-Site), as on the task pages.
  app.use('*', csrf({ origin: [publicOrigin], secFetchSite: 'same-origin' }));
  app.route('/', signInRoutes(ctx));

  // The landing page after signing in: HR and admins get the console home (with "Me" among its
  // cards); everyone else their own home.
  app.get('/', requireSession(ctx), (c) => {
    const person = personOf(c);
    const landing = landingFor(person);
    if (landing !== '/console') return c.redirect(landing, 303);
    const w = consoleWords(person.locale);
    return respond(
      c,
      consolePage({
        title: w.home.title,
        locale: person.locale,
        person,
        active: 'home',
        body: html`<h1>${w.home.title}</h1><p class="muted">${w.home.intro}</p>
<ul class="cards">${navFor(person).map((n) => html`<li class="card"><a href="${n.href}">${n.label(w)}</a></li>`)}</ul>`,
      }),
    );
  });

  for (const section of SECTIONS) app.route(section.path, section.routes(ctx));
  // Any other console address: the 404 page in the signed-in person's language (or the browser's).
  app.all('*', async (c) => {
    const person = c.var.principal?.person ?? (await sessionPerson(c, deps.db, options));
    const locale = person?.locale ?? requestLocale(c);
    const w = consoleWords(locale);
    const extra = person ? { extra: html`<p><a href="/console">${w.home.title}</a></p>` } : {};
    return respond(c, messagePage({ title: w.product, locale, person, heading: w.product, message: w.notFound, tone: 'error', ...extra }), 404);
  });
  return app;
}
