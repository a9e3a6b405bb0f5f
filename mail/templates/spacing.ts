/**
 * Chinese typography: a space between Chinese characters and Latin words ("审核 Eva Müller 的 OKR"),
 * as Chinese style guides ask. Applied to the Chinese emails' words, never to code blocks (what a
 * person copies into a reply) or links.
 */
import type { Block } from './layout';

const HAN = '\\u3400-\\u9fff\\uf900-\\ufaff';
const LATIN = 'A-Za-z\\u00c0-\\u024f';
const HAN_THEN_LATIN = new RegExp(`([${HAN}])([${LATIN}])`, 'g');
const LATIN_THEN_HAN = new RegExp(`([${LATIN}])([${HAN}])`, 'g');

export function spaceLatin(text: string): string {
  return text.replace(HAN_THEN_LATIN, '$1 $2').replace(LATIN_THEN_HAN, '$1 $2');
}

export function spaceLatinBlock(b: Block): Block {
  if ('p' in b) return { p: spaceLatin(b.p) };
  if ('strong' in b) return { strong: spaceLatin(b.strong), value: b.value };
  if ('list' in b) return { list: b.list.map(spaceLatin) };
  if ('heading' in b) return { heading: spaceLatin(b.heading) };
  if ('muted' in b) return { muted: spaceLatin(b.muted) };
  if ('footer' in b) return { footer: spaceLatin(b.footer), href: b.href };
  return b;
}

/**
 * A catalogue of Chinese words with `spaceLatin` applied to every sentence it gives, fixed or
 * built from a name or title ("对 Mia Manager 的总体评语"), so a page cannot forget it.
 */
export function spacedWords<T>(words: T): T {
  const spaced = (value: unknown): unknown => {
    if (typeof value === 'string') return spaceLatin(value);
    if (typeof value === 'function')
      return (...args: unknown[]) => {
        const out: unknown = (value as (...a: unknown[]) => unknown)(...args);
        return typeof out === 'string' ? spaceLatin(out) : out;
      };
    if (value && typeof value === 'object' && !Array.isArray(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, spaced(v)]));
    if (Array.isArray(value)) return value.map(spaced);
    return value;
  };
  return spaced(words) as T;
}
