/** How values read in an email: due times in the person's language and zone, numbers, measures. */
import { type Locale, isTimeZone } from '../../contract';
import type { KeyResultOption } from '../../kinds/types';

const DUE_FORMAT: Intl.DateTimeFormatOptions = { year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', timeZoneName: 'short' };
/** Chinese reads date, then time, then the zone in brackets: "2026年12月2日 10:29（德国时间）". */
const ZH_FORMAT: Intl.DateTimeFormatOptions = { year: 'numeric', month: 'long', day: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' };

/** The zone's name as Chinese readers know it ("中国时间", "德国时间", "协调世界时"), never a bare "GMT+1" when a name exists. */
function zhZoneName(timeZone: string): string {
  const nameIn = (style: Intl.DateTimeFormatOptions['timeZoneName']) =>
    new Intl.DateTimeFormat('zh-CN', { timeZone, timeZoneName: style }).formatToParts(new Date(0)).find((p) => p.type === 'timeZoneName')?.value ?? '';
  const generic = nameIn('shortGeneric');
  return /^GMT|^UTC/.test(generic) ? nameIn('long') : generic;
}

interface DueFormat {
  format(date: Date): string;
}

/** Building a formatter is costly (about a tenth of the worker's time at launch): keep one per locale and zone. */
const dueFormats = new Map<string, DueFormat>();

function dueFormat(locale: Locale, timeZone: string): DueFormat {
  const zone = isTimeZone(timeZone) ? timeZone : 'UTC';
  if (locale === 'zh-CN') {
    const date = new Intl.DateTimeFormat('zh-CN', { ...ZH_FORMAT, timeZone: zone });
    const suffix = `（${zhZoneName(zone)}）`;
    return { format: (d) => `${date.format(d)}${suffix}` };
  }
  return new Intl.DateTimeFormat(locale, { ...DUE_FORMAT, timeZone: zone });
}

/** A due time as the person reads it: their language, their time zone (UTC if unknown). */
export function formatDue(dueAt: string, locale: Locale, timeZone: string): string {
  const key = `${locale}|${timeZone}`;
  let format = dueFormats.get(key);
  if (!format) dueFormats.set(key, (format = dueFormat(locale, timeZone)));
  return format.format(new Date(dueAt));
}

/** Numbers as people write them: no float noise (0.30000000000000004 → 0.3). */
export function num(n: number): string {
  return String(Math.round(n * 1000) / 1000);
}

export function measure(kr: KeyResultOption, value: number | null | undefined): string {
  if (value === null || value === undefined) return '?';
  if (kr.kind === 'percent' || kr.unit === '%') return `${num(value)}%`;
  return kr.unit ? `${num(value)} ${kr.unit}` : num(value);
}
