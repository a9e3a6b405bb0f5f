/**
 * The shared layout of every email: a message is a list of blocks, rendered twice, as plain text
 * and as HTML; in HTML every value goes through hono's escaping `html` template.
 */
import { html } from 'hono/html';
import type { HtmlEscapedString } from 'hono/utils/html';
import type { Locale } from '../../contract';
import { toHtml } from '../../core/html';

export type Block =
  | { p: string }
  | { strong: string; value: string }
  | { list: string[] }
  | { heading: string }
  | { code: string[] }
  | { button: string; href: string }
  /** Plain text only (the HTML shows the button instead). */
  | { textOnly: string }
  /** A small line with a link (the footer's "your OKR home"): the text shows the address. */
  | { footer: string; href: string }
  | { muted: string };

const colonOf = (locale: Locale) => (locale === 'zh-CN' ? '：' : ': ');

export function renderText(locale: Locale, blocks: Block[]): string {
  const colon = colonOf(locale);
  const out: string[] = [];
  for (const b of blocks) {
    if ('p' in b) out.push(b.p);
    else if ('strong' in b) out.push(`${b.strong}${colon}${b.value}`);
    else if ('list' in b) out.push(b.list.map((item) => `  - ${item}`).join('\n'));
    else if ('heading' in b) out.push(`${b.heading}${colon.trim()}`);
    else if ('code' in b) out.push(b.code.join('\n'));
    else if ('button' in b)
      continue; // the text carries the link in a textOnly block
    else if ('textOnly' in b) out.push(b.textOnly);
    else if ('footer' in b) out.push(`${b.footer}${colon}${b.href}`);
    else out.push(b.muted);
  }
  return `${out.join('\n\n')}\n`;
}

export function renderHtml(locale: Locale, subject: string, blocks: Block[]): string {
  const colon = colonOf(locale);
  const parts: HtmlEscapedString[] = blocks.map((b) => {
    if ('p' in b) return html`<p>${b.p}</p>`;
    if ('strong' in b) return html`<p><strong>${b.strong}${colon.trim()}</strong>${colon === ': ' ? ' ' : ''}${b.value}</p>`;
    if ('list' in b) return html`<ul>${b.list.map((item) => html`<li>${item}</li>`)}</ul>`;
    if ('heading' in b) return html`<p><strong>${b.heading}</strong></p>`;
    if ('code' in b)
      return html`<pre style="background:#f6f8fa;border-radius:6px;padding:10px 14px;font-size:14px;white-space:pre-wrap">${b.code.join('\n')}</pre>`;
    if ('button' in b)
      return html`<p><a href="${b.href}" style="display:inline-block;background:#0b57d0;color:#fff;padding:10px 18px;border-radius:6px;text-decoration:none">${b.button}</a></p>`;
    if ('textOnly' in b) return html``;
    if ('footer' in b) return html`<p style="color:#59636e;font-size:13px"><a href="${b.href}" style="color:#0b57d0">${b.footer}</a></p>`;
    return html`<p style="color:#59636e;font-size:13px">${b.muted}</p>`;
  }) as HtmlEscapedString[];
  return toHtml(
    html`<!doctype html>
<html lang="${locale}"><head><meta charset="utf-8"><title>${subject}</title></head>
<body style="font-family:system-ui,-apple-system,'Segoe UI',sans-serif;color:#1f2328;max-width:560px;margin:0 auto;padding:24px">
${parts}
</body></html>` as HtmlEscapedString,
  );
}
