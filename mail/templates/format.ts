/** How values read in an email: due times in the person's language and zone, numbers, measures. */
import type { Locale } from '../../contract';
import type { KeyResultOption } from '../../kinds/types';

const DUE_FORMAT: Intl.DateTimeFormatOptions = { year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', timeZoneName: 'short' };

/** A due time as the person reads it: their language, the cycle's time zone (UTC if unknown). */
/** Building a formatter is costly (about a tenth of the worker's time at launch): keep one per locale and zone. */
const dueFormats = new Map<string, Intl.DateTimeFormat>();

export function formatDue(dueAt: string, locale: Locale, timeZone: string): string {
  const key = `${locale}|${timeZone}`;
  let format = dueFormats.get(key);
  if (!format) {
    try {
      format = new Intl.DateTimeFormat(locale, { ...DUE_FORMAT, timeZone });
    } catch {
      format = new Intl.DateTimeFormat(locale, { ...DUE_FORMAT, timeZone: 'UTC' });
    }
    dueFormats.set(key, format);
  }
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
