/**
 * Dev web inbox for the embedded mail catcher, mounted by the app at /dev/mailbox.
 *
 * Every interpolated value goes through hono's `html` template, which escapes & < > " '.
 * HTML bodies are shown in a sandboxed `srcdoc` iframe (no scripts, no same-origin access);
 * the page CSP is inherited by the srcdoc document, so remote images and fonts do not load.
 */
import { Hono } from 'hono';
import type { Context } from 'hono';
import { html, raw } from 'hono/html';
import type { HtmlEscapedString } from 'hono/utils/html';
import { hostCheck } from '../api/host-check';
import { isTimeZone, wallClock } from '../contract';
import type { CaughtMessage, MailCatcher } from './catcher';

export interface MailboxRouterOptions {
  /** Where the router is mounted (e.g. '/dev/mailbox'); prefixes every link in the pages. Default ''. */
  basePath?: string;
  /** `host[:port]` values the pages answer for (api/host-check.ts); unset = any (tests). */
  allowedHosts?: Set<string>;
  /** Each recipient's time zone (from the people table); times are shown in it, else in UTC. */
  timeZoneOf?: (addresses: string[]) => Promise<Map<string, string>>;
}

type Html = HtmlEscapedString | Promise<HtmlEscapedString>;

const CONTENT_SECURITY_POLICY =
  "default-src 'none'; style-src 'unsafe-inline'; frame-src 'self'; img-src data:; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";
const IFRAME_SANDBOX = 'allow-popups allow-popups-to-escape-sandbox allow-top-navigation-by-user-activation';

const STYLE = `
  :root { color-scheme: light; --fg: #1f2328; --muted: #59636e; --line: #d1d9e0; --bg: #f6f8fa; --accent: #0969da; }
  * { box-sizing: border-box; }
  body { margin: 0; font: 14px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--fg); background: #fff; }
  header { padding: 12px 24px; border-bottom: 1px solid var(--line); background: var(--bg); display: flex; gap: 16px; align-items: baseline; flex-wrap: wrap; }
  header h1 { font-size: 18px; margin: 0; }
  header .count { color: var(--muted); }
  main { padding: 16px 24px; max-width: 1200px; }
  a { color: var(--accent); text-decoration: none; }
  a:hover { text-decoration: underline; }
  table { border-collapse: collapse; width: 100%; }
  th, td { text-align: left; padding: 6px 10px; border-bottom: 1px solid var(--line); vertical-align: top; }
  th { font-weight: 600; color: var(--muted); background: var(--bg); }
  td.time { white-space: nowrap; color: var(--muted); font-variant-numeric: tabular-nums; }
  td.to { max-width: 320px; overflow-wrap: anywhere; }
  form { margin: 0 0 12px; display: flex; gap: 8px; }
  input[type=search] { flex: 1; max-width: 420px; padding: 4px 8px; border: 1px solid var(--line); border-radius: 4px; font: inherit; }
  button { padding: 4px 12px; border: 1px solid var(--line); border-radius: 4px; background: var(--bg); font: inherit; cursor: pointer; }
  dl.meta { display: grid; grid-template-columns: max-content 1fr; gap: 4px 16px; margin: 0 0 16px; }
  dl.meta dt { color: var(--muted); }
  dl.meta dd { margin: 0; overflow-wrap: anywhere; }
  h2 { font-size: 15px; margin: 20px 0 8px; }
  .frame { resize: vertical; overflow: hidden; height: 60vh; min-height: 120px; border: 1px solid var(--line); border-radius: 4px; }
  .frame iframe { width: 100%; height: 100%; border: 0; display: block; background: #fff; }
  pre { white-space: pre-wrap; overflow-wrap: anywhere; background: var(--bg); border: 1px solid var(--line); border-radius: 4px; padding: 12px; margin: 0; font: 13px/1.45 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
  .empty { color: var(--muted); padding: 24px 0; }
`;

function normalizeBasePath(basePath: string | undefined): string {
  if (!basePath) return '';
  const trimmed = basePath.replace(/\/+$/, '');
  if (trimmed === '') return '';
  return trimmed.startsWith('/') ? trimmed : `/${trimmed}`;
}

/** 2024-05-01 12:34:56 UTC, or in the recipient's zone: 2024-05-01 20:34:56 Asia/Shanghai */
function formatTime(iso: string, zone?: string): string {
  const timeZone = zone && isTimeZone(zone) ? zone : 'UTC';
  return `${wallClock(new Date(iso), timeZone)} ${timeZone}`;
}

/** The first recipient's address (the one a task email is for). */
function recipientOf(m: CaughtMessage): string {
  return (m.envelopeTo[0] ?? '').trim().toLowerCase();
}

const URL_PATTERN = /https?:\/\/[^\s<>"'`]+/gi;
const TRAILING_PUNCTUATION = /[.,;:!?'"\]}>]+$/;

/** The text with http(s) URLs turned into links; every part escaped by the template. */
function linkify(text: string): Html[] {
  const parts: Html[] = [];
  let last = 0;
  for (const match of text.matchAll(URL_PATTERN)) {
    let url = match[0];
    const start = match.index ?? 0;
    url = url.replace(TRAILING_PUNCTUATION, '');
    // drop a closing parenthesis that belongs to the surrounding prose: "(see https://x/y)"
    while (url.endsWith(')') && (url.match(/\(/g)?.length ?? 0) < (url.match(/\)/g)?.length ?? 0)) {
      url = url.slice(0, -1).replace(TRAILING_PUNCTUATION, '');
    }
    if (start > last) parts.push(html`${text.slice(last, start)}`);
    parts.push(html`<a href="${url}" target="_blank" rel="noopener noreferrer">${url}</a>`);
    last = start + url.length;
  }
  if (last < text.length) parts.push(html`${text.slice(last)}`);
  return parts;
}

/** Document for the iframe: links open outside the sandbox, no referrer is sent. */
function iframeDocument(body: string): string {
  return `<!doctype html><meta charset="utf-8"><meta name="referrer" content="no-referrer"><base target="_blank">${body}`;
}

function page(title: string, body: Html): Html {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${title}</title>
<style>${raw(STYLE)}</style>
</head>
<body>
${body}
</body>
</html>`;
}

function header(inbox: string, extra?: Html): Html {
  return html`<header><h1><a href="${inbox}">Mailbox</a></h1>${extra ?? ''}</header>`;
}

function matches(message: CaughtMessage, q: string): boolean {
  const needle = q.toLowerCase();
  return (
    message.to.toLowerCase().includes(needle) ||
    message.envelopeTo.some((r) => r.toLowerCase().includes(needle)) ||
    message.subject.toLowerCase().includes(needle) ||
    message.from.toLowerCase().includes(needle)
  );
}

export function createMailboxRouter(catcher: MailCatcher, options: MailboxRouterOptions = {}): Hono {
  const base = normalizeBasePath(options.basePath);
  /** the inbox itself: '/dev/mailbox', not '/dev/mailbox/' (hono routes are strict about the trailing slash) */
  const inbox = base || '/';
  const app = new Hono();

  // Every task link is in these pages: never answer a rebound foreign name (DNS rebinding).
  if (options.allowedHosts) app.use('*', hostCheck(options.allowedHosts));
  app.use('*', async (c, next) => {
    await next();
    c.res.headers.set('Content-Security-Policy', CONTENT_SECURITY_POLICY);
    c.res.headers.set('Referrer-Policy', 'no-referrer');
    c.res.headers.set('X-Content-Type-Options', 'nosniff');
    c.res.headers.set('Cache-Control', 'no-store');
  });

  const notFound = (c: Context, id: string) =>
    c.html(
      page(
        'Message not found — Mailbox',
        html`${header(inbox)}<main><p class="empty">No message with id <code>${id}</code>. It may have been cleared or evicted.</p><p><a href="${inbox}">Back to the inbox</a></p></main>`,
      ),
      404,
    );

  const zonesOf = async (messages: CaughtMessage[]): Promise<Map<string, string>> =>
    options.timeZoneOf ? options.timeZoneOf([...new Set(messages.map(recipientOf))]).catch(() => new Map<string, string>()) : new Map<string, string>();

  app.get('/', async (c) => {
    const all = catcher.messages();
    const q = (c.req.query('q') ?? '').trim();
    const shown = (q ? all.filter((m) => matches(m, q)) : all).reverse();
    const zones = await zonesOf(shown);
    const count = q
      ? html`<span class="count">${shown.length} of ${all.length} message${all.length === 1 ? '' : 's'} match</span>`
      : html`<span class="count">${all.length} message${all.length === 1 ? '' : 's'}</span>`;
    const rows = shown.map(
      (m) => html`<tr>
<td class="time" title="${m.receivedAt}">${formatTime(m.receivedAt, zones.get(recipientOf(m)))}</td>
<td class="to">${m.to || m.envelopeTo.join(', ')}</td>
<td><a href="${base}/${m.id}">${m.subject || '(no subject)'}</a></td>
</tr>`,
    );
    const list =
      shown.length === 0
        ? html`<p class="empty">${q ? 'No matching messages.' : 'No messages yet.'}</p>`
        : html`<table><thead><tr><th>Time (the recipient’s zone)</th><th>To</th><th>Subject</th></tr></thead><tbody>${rows}</tbody></table>`;
    return c.html(
      page(
        'Mailbox',
        html`${header(inbox, count)}<main>
<form method="get" action="${inbox}"><input type="search" name="q" value="${q}" placeholder="Filter by recipient, sender or subject"><button type="submit">Filter</button></form>
${list}
</main>`,
      ),
    );
  });

  // must be registered before '/:id'
  app.get('/messages.json', (c) =>
    c.json(
      catcher
        .messages()
        .reverse()
        .map((m) => ({ id: m.id, receivedAt: m.receivedAt, to: m.to, subject: m.subject })),
    ),
  );

  app.get('/:id/raw', (c) => {
    const id = c.req.param('id');
    const message = catcher.get(id);
    if (!message) return notFound(c, id);
    return c.body(message.raw, 200, { 'Content-Type': 'text/plain; charset=utf-8' });
  });

  app.get('/:id', async (c) => {
    const id = c.req.param('id');
    const m = catcher.get(id);
    if (!m) return notFound(c, id);
    const date = m.headers['date'];
    const htmlPart =
      m.html === null
        ? html`<p class="empty">(no HTML part)</p>`
        : html`<div class="frame"><iframe sandbox="${IFRAME_SANDBOX}" referrerpolicy="no-referrer" title="HTML body" srcdoc="${iframeDocument(m.html)}"></iframe></div>`;
    return c.html(
      page(
        `${m.subject || '(no subject)'} — Mailbox`,
        html`${header(inbox)}<main>
<h2>${m.subject || '(no subject)'}</h2>
<dl class="meta">
<dt>From</dt><dd>${m.from}</dd>
<dt>To</dt><dd>${m.to}</dd>
<dt>Subject</dt><dd>${m.subject}</dd>
<dt>Date</dt><dd>${date ?? ''}</dd>
<dt>Message-ID</dt><dd>${m.messageId ?? ''}</dd>
<dt>Received</dt><dd>${formatTime(m.receivedAt, (await zonesOf([m])).get(recipientOf(m)))}</dd>
<dt>Envelope</dt><dd>${m.envelopeFrom || '<>'} → ${m.envelopeTo.join(', ')}</dd>
</dl>
<p><a href="${inbox}">← Inbox</a> · <a href="${base}/${m.id}/raw">Raw message</a></p>
<h2>HTML</h2>
${htmlPart}
<h2>Text</h2>
<pre>${linkify(m.text)}</pre>
</main>`,
      ),
    );
  });

  return app;
}
