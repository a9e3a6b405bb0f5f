/**
 * PDF award certificates: one A4 landscape page per winner, in the winner's language. The text is
 * set in Noto Sans SC (OFL, shipped by the @expo-google-fonts/noto-sans-sc package as TrueType, so
 * nothing is downloaded at run time), which covers Latin as well as Chinese; only the glyphs a
 * certificate uses are embedded (`subset: true`), so a certificate is tens of kilobytes.
 *
 * Nothing is stored as bytes: a certificate is rendered when it is asked for (the winner's email
 * at send time, the console, the winner's link) from the nomination's row, so it always shows what
 * HR recorded. The same row renders the same bytes (the PDF's dates are the award's date).
 */
import { readFile } from 'node:fs/promises';
import fontkit from '@pdf-lib/fontkit';
import { PDFDocument, type PDFFont, type PDFPage, rgb } from 'pdf-lib';
import type { Locale } from '../contract';
import { awardWords } from '../i18n/awards';

export interface CertificateData {
  locale: Locale;
  awardName: string;
  winnerName: string;
  citation: string;
  /** The nominated objective (an objective's owner wins it); null for a person's nomination. */
  objectiveTitle: string | null;
  cycleTitle: string;
  /** When HR chose the winner. */
  awardedAt: Date;
  /** The time zone the date is shown in. */
  timeZone: string;
  hrName: string;
}

const FONT_PACKAGE = '@expo-google-fonts/noto-sans-sc';

let fonts: Promise<{ regular: Uint8Array; bold: Uint8Array }> | undefined;

/** The font files, read once per process (about 10 MB each; only the subset goes into a PDF). */
function fontBytes(): Promise<{ regular: Uint8Array; bold: Uint8Array }> {
  fonts ??= (async () => {
    const [regular, bold] = await Promise.all([
      readFile(require.resolve(`${FONT_PACKAGE}/400Regular/NotoSansSC_400Regular.ttf`)),
      readFile(require.resolve(`${FONT_PACKAGE}/700Bold/NotoSansSC_700Bold.ttf`)),
    ]);
    return { regular, bold };
  })();
  fonts.catch(() => (fonts = undefined));
  return fonts;
}

/**
 * fontkit 1.1.1's TrueType subset writes a short \`loca\` table (offsets halved) without padding
 * each glyph to an even length; Noto Sans SC has thousands of odd-length glyphs, so every glyph
 * after the first odd one was read from the wrong place and drawn blank. This wrapper pads each
 * glyph it copies to an even length (a trailing zero byte is allowed by the TrueType spec).
 */
interface GlyphSubset {
  glyf: Uint8Array[];
  offset: number;
  _addGlyph(gid: number): number;
}
const evenGlyphFontkit = {
  create(data: Uint8Array, postscriptName?: string) {
    const font = fontkit.create(data, postscriptName);
    const createSubset = font.createSubset.bind(font);
    font.createSubset = () => {
      const subset = createSubset() as unknown as GlyphSubset;
      const addGlyph = subset._addGlyph.bind(subset);
      subset._addGlyph = (gid: number) => {
        const index = addGlyph(gid);
        const glyph = subset.glyf[index]!;
        if (glyph.length % 2 === 1) {
          // The same Buffer class fontkit's encoder checks for (its own bundled one).
          const Same = glyph.constructor as unknown as { alloc(n: number): Uint8Array };
          const padded = Same.alloc(glyph.length + 1);
          padded.set(glyph);
          subset.glyf[index] = padded;
          subset.offset += 1;
        }
        return index;
      };
      return subset as unknown as ReturnType<typeof createSubset>;
    };
    return font;
  },
};

const A4_LANDSCAPE: [number, number] = [841.89, 595.28];
const NAVY = rgb(0.1, 0.16, 0.33);
const GOLD = rgb(0.72, 0.56, 0.2);
const INK = rgb(0.16, 0.16, 0.2);
const MUTED = rgb(0.38, 0.38, 0.44);

/** Breaks text into lines no wider than `width`: between words, and between any two CJK characters. */
export function wrapText(text: string, font: PDFFont, size: number, width: number): string[] {
  const lines: string[] = [];
  for (const paragraph of text.split(/\r?\n/)) {
    // Tokens: a run of non-CJK, non-space characters with its following spaces, or one CJK character (with trailing spaces).
    const tokens =
      paragraph.match(/[\u2E80-\u9FFF\uF900-\uFAFF\uFF00-\uFFEF\u3000-\u303F]\s*|[^\s\u2E80-\u9FFF\uF900-\uFAFF\uFF00-\uFFEF\u3000-\u303F]+\s*|\s+/g) ?? [];
    let line = '';
    for (const token of tokens) {
      const candidate = line + token;
      if (line && font.widthOfTextAtSize(candidate.trimEnd(), size) > width) {
        lines.push(line.trimEnd());
        line = token.trimStart();
      } else line = candidate;
      // A single word wider than the line is cut by characters.
      while (font.widthOfTextAtSize(line.trimEnd(), size) > width && line.length > 1) {
        let cut = line.length - 1;
        while (cut > 1 && font.widthOfTextAtSize(line.slice(0, cut), size) > width) cut--;
        lines.push(line.slice(0, cut));
        line = line.slice(cut);
      }
    }
    if (line.trim()) lines.push(line.trimEnd());
  }
  return lines;
}

function centered(page: PDFPage, text: string, y: number, font: PDFFont, size: number, color = INK): void {
  const width = font.widthOfTextAtSize(text, size);
  page.drawText(text, { x: (page.getWidth() - width) / 2, y, size, font, color });
}

/** The largest size (down to `min`) at which `text` fits on one line of `width`. */
function fitSize(text: string, font: PDFFont, size: number, min: number, width: number): number {
  let s = size;
  while (s > min && font.widthOfTextAtSize(text, s) > width) s -= 1;
  return s;
}

/** The certificate's date in the reader's language and time zone ("3 December 2026" / "2026年12月3日"). */
export function certificateDate(at: Date, locale: Locale, timeZone: string): string {
  return new Intl.DateTimeFormat(locale === 'zh-CN' ? 'zh-CN' : 'en-GB', { timeZone, year: 'numeric', month: 'long', day: 'numeric' }).format(at);
}

/** One certificate as PDF bytes. */
export async function renderCertificate(data: CertificateData): Promise<Uint8Array> {
  const w = awardWords(data.locale).certificate;
  const doc = await PDFDocument.create({ updateMetadata: false });
  doc.registerFontkit(evenGlyphFontkit);
  const bytes = await fontBytes();
  const regular = await doc.embedFont(bytes.regular, { subset: true });
  const bold = await doc.embedFont(bytes.bold, { subset: true });
  doc.setTitle(`${w.heading} · ${data.awardName} · ${data.winnerName}`);
  doc.setAuthor(data.hrName);
  doc.setSubject(data.cycleTitle);
  doc.setLanguage(data.locale);
  doc.setCreator('OKR cycle orchestrator');
  doc.setProducer('OKR cycle orchestrator');
  doc.setCreationDate(data.awardedAt);
  doc.setModificationDate(data.awardedAt);

  const page = doc.addPage(A4_LANDSCAPE);
  const [W, H] = A4_LANDSCAPE;
  // The frame: a wide navy border, a thin gold one inside it, gold corner squares.
  page.drawRectangle({ x: 0, y: 0, width: W, height: H, color: rgb(0.99, 0.98, 0.95) });
  page.drawRectangle({ x: 22, y: 22, width: W - 44, height: H - 44, borderColor: NAVY, borderWidth: 6 });
  page.drawRectangle({ x: 36, y: 36, width: W - 72, height: H - 72, borderColor: GOLD, borderWidth: 1.5 });
  for (const [x, y] of [
    [30, 30],
    [W - 42, 30],
    [30, H - 42],
    [W - 42, H - 42],
  ] as const)
    page.drawRectangle({ x, y, width: 12, height: 12, color: GOLD });

  const inner = W - 180;
  let y = H - 118;
  centered(page, w.heading, y, bold, data.locale === 'zh-CN' ? 40 : 36, NAVY);
  y -= 24;
  page.drawLine({ start: { x: W / 2 - 120, y }, end: { x: W / 2 + 120, y }, thickness: 1.2, color: GOLD });
  y -= 48;
  centered(page, data.awardName, y, bold, fitSize(data.awardName, bold, 26, 14, inner), GOLD);
  y -= 46;
  centered(page, w.presentedTo, y, regular, 14, MUTED);
  y -= 60;
  centered(page, data.winnerName, y, bold, fitSize(data.winnerName, bold, 38, 18, inner), NAVY);
  y -= 20;
  page.drawLine({ start: { x: W / 2 - 200, y }, end: { x: W / 2 + 200, y }, thickness: 0.8, color: MUTED });
  y -= 40;
  if (data.objectiveTitle) {
    for (const line of wrapText(w.forObjective(data.objectiveTitle), regular, 15, inner).slice(0, 2)) {
      centered(page, line, y, regular, 15, INK);
      y -= 22;
    }
    y -= 4;
  }
  // The citation: at most four lines, the last one ending in an ellipsis when it is longer.
  const citation = wrapText(data.citation, regular, 14, inner - 60);
  const shown = citation.slice(0, 4);
  if (citation.length > 4) shown[3] = `${shown[3]!.replace(/.$/u, '')}…`;
  for (const line of shown) {
    centered(page, line, y, regular, 14, MUTED);
    y -= 21;
  }

  // The foot: the cycle on the left, the date in the middle, HR's signature line on the right.
  const footY = 92;
  page.drawText(w.period(data.cycleTitle).slice(0, 80), { x: 80, y: footY, size: 11, font: regular, color: MUTED });
  const date = `${w.date}${data.locale === 'zh-CN' ? '：' : ': '}${certificateDate(data.awardedAt, data.locale, data.timeZone)}`;
  page.drawText(date, { x: 80, y: footY - 20, size: 11, font: regular, color: MUTED });
  const signX = W - 300;
  page.drawLine({ start: { x: signX, y: footY + 4 }, end: { x: W - 80, y: footY + 4 }, thickness: 0.8, color: INK });
  const hrSize = fitSize(data.hrName, bold, 14, 9, 220);
  page.drawText(data.hrName, { x: signX, y: footY - 14, size: hrSize, font: bold, color: INK });
  page.drawText(w.signedBy, { x: signX, y: footY - 32, size: 11, font: regular, color: MUTED });

  return doc.save({ useObjectStreams: true });
}
