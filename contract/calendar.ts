/**
 * Wall-clock dates in a time zone, with Intl only (workflow-safe): the plan, the workflow and the
 * activities agree on which Monday a week starts and when "Monday 10:00 in Asia/Shanghai" is.
 */

/** The Monday (ISO date) of the week that contains `at` in `timeZone`. */
export function mondayOf(at: Date, timeZone: string): string {
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', weekday: 'short' }).formatToParts(at);
  const get = (t: string) => parts.find((p) => p.type === t)!.value;
  const day = new Date(`${get('year')}-${get('month')}-${get('day')}T00:00:00Z`);
  const offset = (['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'].indexOf(get('weekday')) + 7) % 7;
  day.setUTCDate(day.getUTCDate() - offset);
  return day.toISOString().slice(0, 10);
}

const wallClocks = new Map<string, Intl.DateTimeFormat>();

/** What the wall clock in `timeZone` shows at `at`: "2027-01-04 10:00:00". */
export function wallClock(at: Date, timeZone: string): string {
  let format = wallClocks.get(timeZone);
  if (!format) {
    const options = {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
    } as const;
    format = new Intl.DateTimeFormat('sv-SE', options);
    wallClocks.set(timeZone, format);
  }
  return format.format(at);
}

/** The instant when the wall clock in `timeZone` shows `date` (YYYY-MM-DD) at `hour`:00. */
export function zonedTime(date: string, hour: number, timeZone: string): Date {
  const guess = new Date(`${date}T${String(hour).padStart(2, '0')}:00:00Z`);
  const shown = new Date(wallClock(guess, timeZone).replace(' ', 'T') + 'Z');
  return new Date(guess.getTime() - (shown.getTime() - guess.getTime()));
}

/** `date` (YYYY-MM-DD) plus `days` calendar days. */
export function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}
