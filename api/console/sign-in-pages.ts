/**
 * Signing in and out. GET never changes anything (mail scanners open every link): the emailed
 * link shows a page with one button, and the POST of that button uses the link and sets the
 * session cookie. Asking for a link always gets the same answer. Every request here counts
 * against the client's rate limit, and each address gets at most a few links (in memory per
 * replica, and MAX_LINKS_PER_ADDRESS in the database).
 */
import { Hono } from 'hono';
import { html } from 'hono/html';
import { emailSchema } from '../../contract';
import { peekSignInLink, requestSignInLink, signInWithLink, signOut } from '../../core/sign-in';
import { consoleWords } from '../../i18n/console';
import { requestLocale } from '../../i18n';
import { TokenBuckets, clientKey, rateLimit } from '../rate-limit';
import { clearSessionCookie, readSessionToken, sessionPerson, setSessionCookie } from '../session';
import { type ConsoleContext, type ConsoleEnv, safeReturnPath } from './context';
import { consolePage, messagePage, respond } from './layout';
import type { Locale } from '../../contract';

function signInForm(locale: Locale, options: { email?: string; error?: string; notice?: string; next?: string } = {}) {
  const w = consoleWords(locale).signIn;
  return consolePage({
    title: w.title,
    locale,
    body: html`<h1>${w.heading}</h1>
${options.notice ? html`<p class="ok" role="status">${options.notice}</p>` : ''}
<p>${w.intro}</p>
${options.error ? html`<p class="banner" role="alert" id="email-error">${options.error}</p>` : ''}
<form method="post" action="/console/sign-in" class="card" accept-charset="utf-8">
${options.next ? html`<input type="hidden" name="next" value="${options.next}">` : ''}
<label for="email">${w.email}</label>
<input id="email" name="email" type="email" autocomplete="email" required value="${options.email ?? ''}"${options.error ? html` aria-invalid="true" aria-describedby="email-error"` : ''}>
<p><button type="submit">${w.submit}</button></p>
</form>`,
  });
}

export function signInRoutes(ctx: ConsoleContext) {
  const app = new Hono<ConsoleEnv>();
  const { db } = ctx.deps;
  const limit = ctx.options.signInRateLimit ?? { perMinute: 10, burst: 10 };
  if (limit !== false) {
    const limited = rateLimit({
      read: { perMinute: limit.perMinute * 3, burst: limit.burst * 3 },
      write: limit,
      trustProxy: ctx.deps.taskPageRateLimit ? (ctx.deps.taskPageRateLimit.trustProxy ?? false) : false,
      onLimited: (c, seconds) =>
        respond(
          c,
          messagePage({
            title: consoleWords(requestLocale(c)).signIn.title,
            locale: requestLocale(c),
            heading: consoleWords(requestLocale(c)).signIn.heading,
            message: consoleWords(requestLocale(c)).tooMany(seconds),
            tone: 'error',
          }),
          429,
        ),
    });
    app.use('/sign-in', limited);
    app.use('/sign-in/*', limited);
  }
  // Per address: 3 at once, then one every 5 minutes (on top of the database's cap).
  const perAddress = new TokenBuckets({ perMinute: 0.2, burst: 3 });

  app.get('/sign-in', async (c) => {
    // ?next= : the console page asked for before signing in (only our own /console/… paths).
    const next = safeReturnPath(c.req.query('next'));
    if (await sessionPerson(c, db, ctx.options)) return c.redirect(next ?? '/console', 303);
    return respond(c, signInForm(requestLocale(c), { next }));
  });

  app.post('/sign-in', async (c) => {
    const locale = requestLocale(c);
    const w = consoleWords(locale).signIn;
    const form = await c.req.parseBody();
    const typed = typeof form.email === 'string' ? form.email : '';
    const next = safeReturnPath(form.next);
    const parsed = emailSchema.safeParse(typed);
    if (!parsed.success) return respond(c, signInForm(locale, { email: typed.slice(0, 254), error: w.badEmail, next }), 400);
    const email = parsed.data;
    if (perAddress.take(email) === 0) {
      // Not awaited: the answer must take as long for an unknown address as for a known one.
      void requestSignInLink(
        {
          db,
          tokenSecret: ctx.options.tokenSecret,
          publicBaseUrl: ctx.deps.publicBaseUrl,
          mailer: ctx.options.mailer,
          log: ctx.deps.log,
          retryDelaysMs: ctx.options.mailRetryDelaysMs,
        },
        email,
        undefined,
        next,
      )
        .then(({ sending }) => sending)
        .catch((error) => ctx.deps.log.warn({ err: error instanceof Error ? error.message : String(error) }, 'sign-in link not sent'));
    } else {
      ctx.deps.log.warn({ client: clientKey(c) }, 'sign-in link not sent: too many for this address');
    }
    return respond(
      c,
      messagePage({
        title: w.sentTitle,
        locale,
        heading: w.sentTitle,
        message: w.sent(email),
        tone: 'ok',
        extra: html`<p><a href="/console/sign-in">${w.again}</a></p>`,
      }),
    );
  });

  const invalid = (locale: Locale) => {
    const w = consoleWords(locale).signIn;
    return messagePage({
      title: w.invalidTitle,
      locale,
      heading: w.invalidTitle,
      message: w.invalid,
      tone: 'error',
      extra: html`<p><a href="/console/sign-in">${w.again}</a></p>`,
    });
  };

  app.get('/sign-in/:token', async (c) => {
    const link = await peekSignInLink(db, c.req.param('token'));
    if (!link) return respond(c, invalid(requestLocale(c)), 410);
    const w = consoleWords(link.locale).signIn;
    return respond(
      c,
      consolePage({
        title: w.confirmTitle,
        locale: link.locale,
        body: html`<h1>${w.heading}</h1><p>${w.confirm(link.name)}</p>
<form method="post"><button type="submit" autofocus>${w.confirmButton}</button></form>`,
      }),
    );
  });

  app.post('/sign-in/:token', async (c) => {
    const opened = await signInWithLink(db, c.req.param('token'), ctx.options.sessionPolicy);
    if (!opened) return respond(c, invalid(requestLocale(c)), 410);
    setSessionCookie(c, opened.sessionToken, opened.expiresAt, ctx.options.secureCookie);
    // Back to the page the link was asked for from (checked again: the link's query is not ours to trust), else the home.
    return c.redirect(safeReturnPath(c.req.query('next')) ?? '/console', 303);
  });

  app.post('/sign-out', async (c) => {
    const token = readSessionToken(c, ctx.options.secureCookie);
    if (token) {
      const person = await sessionPerson(c, db, ctx.options);
      await signOut(db, token, person);
    }
    clearSessionCookie(c, ctx.options.secureCookie);
    const locale = requestLocale(c);
    return respond(c, signInForm(locale, { notice: consoleWords(locale).signIn.signedOut }));
  });
  return app;
}
