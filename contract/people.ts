/** People as HR imports them (JSON or CSV rows with the same columns). Workflow-safe. */
import { z } from 'zod';
import { text } from './text';

/** `admin`: the console's operations pages (stalled steps, outbox, audit log, API keys). */
export const ROLES = ['employee', 'manager', 'executive', 'hr', 'ambassador', 'award-committee', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export const LOCALES = ['en', 'zh-CN'] as const;
export type Locale = (typeof LOCALES)[number];

export const emailSchema = z
  .string()
  .trim()
  .toLowerCase()
  .pipe(z.email({ message: 'must be an email address' }).max(254))
  // The API description shows what is accepted (the input side alone would say "any string").
  .meta({ pattern: z.regexes.email.source, maxLength: 254 });

/** A time zone Intl knows by its IANA name ("Europe/Berlin", "Asia/Shanghai"). */
export function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/** The person's own time zone when they have a valid one, else the cycle's. */
export function personTimeZone(own: string | null | undefined, cycleTimeZone: string): string {
  return own && isTimeZone(own) ? own : cycleTimeZone;
}

const TIME_ZONE_RULE = { message: 'an IANA time zone such as "Europe/Berlin" or "Asia/Shanghai"', params: { code: 'time-zone' } };
export const timeZoneSchema = z.string().refine(isTimeZone, TIME_ZONE_RULE);

export const personInputSchema = z.object({
  email: emailSchema,
  name: text().trim().min(1, 'must not be empty').max(200),
  managerEmail: emailSchema.optional(),
  department: text().trim().max(120).optional(),
  roles: z.array(z.enum(ROLES)).max(ROLES.length).optional(),
  locale: z.enum(LOCALES).optional(),
  /** The person's own time zone for every time they are shown; empty: the cycle's. */
  timeZone: z
    .string()
    .trim()
    .refine((tz) => tz === '' || isTimeZone(tz), TIME_ZONE_RULE)
    .optional(),
});
export type PersonInput = z.infer<typeof personInputSchema>;

export const MAX_IMPORT_ROWS = 20_000;

/** An out-of-office week, named by its Monday. */
export const absenceWeekSchema = z.iso
  .date({ message: 'a date as YYYY-MM-DD' })
  .refine((d) => new Date(`${d}T00:00:00Z`).getUTCDay() === 1, 'must be a Monday (the start of the week)');

export const peopleImportSchema = z.array(personInputSchema).min(1, 'at least one person').max(MAX_IMPORT_ROWS, `at most ${MAX_IMPORT_ROWS} people per import`);

export interface PersonView {
  id: number;
  email: string;
  name: string;
  managerEmail: string | null;
  department: string | null;
  roles: Role[];
  locale: Locale;
  /** Null: the cycle's time zone. */
  timeZone: string | null;
  active: boolean;
}
