/** HTML building on hono's escaping `html` template; `toHtml` turns a finished template into a string. */
import type { HtmlEscapedString } from 'hono/utils/html';

export function toHtml(value: HtmlEscapedString | Promise<HtmlEscapedString>): string {
  if (value instanceof Promise) throw new Error('asynchronous values are not allowed in templates');
  return value.toString();
}
