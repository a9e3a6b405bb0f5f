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
