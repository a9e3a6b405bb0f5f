/**
 * The one translation catalogue, in English and Simplified Chinese: page words (pages.ts), email
 * words (mail.ts), validation messages by issue code (validation.ts), reply answers
 * (mail/reply-parser.ts's messages) and each kind's own words (kinds/<kind>/words.ts, typed by
 * kind-words.ts). Every language is typed against English, so a missing key is a compile error;
 * test/kinds/i18n.test.ts checks that what the contract can say is translated.
 */
import type { Context } from 'hono';
import { accepts } from 'hono/accepts';
import type { Locale } from '../contract';

export { type PageStrings, SUPPORTED_LOCALES, pageStrings } from './pages';
export { type MailWords, mailWords } from './mail';
export { type ConsoleWords, consoleWords, consoleWordsByLocale } from './console';
export { type CycleWords, cycleWords, cycleWordsFor } from './console-cycles';
export { localizedIssues, translateFieldIssue, translateIssue, validationWords } from './validation';

interface Accept {
  type: string;
  q: number;
}

/** The best supported language among weighted language tags ("zh-TW;q=0.9, en;q=0.8" → zh-CN). */
function matchLocale(tags: Accept[]): Locale {
  let best: { locale: Locale; q: number } = { locale: 'en', q: 0 };
  for (const { type, q } of tags) {
    const tag = type.toLowerCase();
    if (!Number.isFinite(q) || q <= 0) continue;
    const locale: Locale | undefined = tag.startsWith('zh') ? 'zh-CN' : tag.startsWith('en') ? 'en' : undefined;
    if (locale && q > best.q) best = { locale, q };
  }
  return best.locale;
}

/** The request's language (Accept-Language), for pages that know no owner (an unknown link, too many requests). */
export function requestLocale(c: Context): Locale {
  return accepts(c, { header: 'Accept-Language', supports: ['en', 'zh-CN'], default: 'en', match: (tags) => matchLocale(tags) }) as Locale;
}

/** The same choice for a bare header value. */
export function localeFromAcceptLanguage(header: string | null | undefined): Locale {
  const tags = (header ?? '')
    .split(',')
    .map((part) => {
      const [type = '', ...params] = part.trim().split(';');
      const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
      return { type: type.trim(), q: q ? Number(q.slice(2)) : 1 };
    })
    .filter((t) => t.type !== '');
  return matchLocale(tags);
}
