/**
 * What "My team" and "My department" share: the guard (any signed-in person; each page then
 * decides from the person's reports, roles and department, on the server), the viewer handed to
 * core/team-access.ts, the cycle picker, the confidence sparkline and the refusal page.
 */
import type { Context, MiddlewareHandler } from 'hono';
import { html, raw } from 'hono/html';
import type { HtmlEscapedString } from 'hono/utils/html';
import { ErrorCode, personTimeZone } from '../../contract';
import { AppError } from '../../core/errors';
import type { Viewer } from '../../core/team-access';
import { recentCycles } from '../../db/team';
import { consoleWords } from '../../i18n/console';
import { type TeamWords, teamWords } from '../../i18n/console-team';
import type { SignedInPerson } from '../session';
import { type ConsoleContext, type ConsoleEnv, requireSession } from './context';
import { messagePage, respond } from './layout';

export const TEAM_CSS = html`<link rel="stylesheet" href="/console/assets/cycles.css"><link rel="stylesheet" href="/console/assets/team.css">`;

/** Any live session (the console's own guard: without one, sign in and come back); who sees what is decided by the page. */
export function requireSignedIn(ctx: ConsoleContext): MiddlewareHandler<ConsoleEnv> {
  return requireSession(ctx);
}

export const viewerOf = (person: SignedInPerson): Viewer => ({ personId: person.id, roles: person.roles });

/** The 403 page of these sections, in the person's language. */
export function refusal(c: Context, person: SignedInPerson, message: string): Response {
  const w = consoleWords(person.locale);
  return respond(c, messagePage({ title: w.forbidden.title, locale: person.locale, person, heading: w.forbidden.heading, message, tone: 'error' }), 403);
}

export const isForbidden = (error: unknown): error is AppError => error instanceof AppError && error.code === ErrorCode.forbidden;

/** The cycle asked for (?cycle=KEY), else the newest; undefined when there is none. */
export async function chosenCycle(ctx: ConsoleContext, asked: string | undefined) {
  const cycles = await recentCycles(ctx.deps.db);
  const key = asked?.trim() || cycles[0]?.key;
  return { key, cycles };
}

/** A GET form choosing the cycle (and, for HR, the department); works without JavaScript. */
export function cyclePicker(
  w: TeamWords,
  action: string,
  cycles: { key: string; title: string }[],
  current: string,
  extra?: { name: string; label: string; options: string[]; current: string },
) {
  return html`<form class="picker" method="get" action="${action}">
<div><label for="pick-cycle">${w.cycle}</label><select id="pick-cycle" name="cycle">${cycles.map(
    (c) => html`<option value="${c.key}"${c.key === current ? raw(' selected') : ''}>${c.title} (${c.key})</option>`,
  )}</select></div>
${
  extra
    ? html`<div><label for="pick-${extra.name}">${extra.label}</label><select id="pick-${extra.name}" name="${extra.name}">${extra.options.map(
        (o) => html`<option value="${o}"${o === extra.current ? raw(' selected') : ''}>${o}</option>`,
      )}</select></div>`
    : ''
}
<button type="submit" class="secondary">${w.show}</button></form>`;
}

/** Confidence (1–10) across weeks as a small line: an image with its numbers as the text alternative. */
export function sparkline(points: { week: number; confidence: number }[], label: string): HtmlEscapedString | Promise<HtmlEscapedString> {
  const W = 140;
  const H = 40;
  if (!points.length) return html``;
  const weeks = points.map((p) => p.week);
  const lo = Math.min(...weeks);
  const span = Math.max(1, Math.max(...weeks) - lo);
  const x = (week: number) => (points.length === 1 ? W / 2 : 6 + Math.round(((week - lo) / span) * (W - 12)));
  const y = (c: number) => 4 + Math.round(((10 - c) / 9) * (H - 8));
  const alt = `${label}: ${points.map((p) => `${p.week}→${p.confidence}`).join(', ')}`;
  const path = points.map((p) => `${x(p.week)},${y(p.confidence)}`).join(' ');
  return html`<svg class="spark" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-label="${alt}"><title>${alt}</title>
<line x1="0" y1="${y(5)}" x2="${W}" y2="${y(5)}" stroke="#eaeef2" stroke-width="1"></line>
<polyline points="${path}" fill="none" stroke="#0b57d0" stroke-width="2"></polyline>
${points.map((p) => html`<circle cx="${x(p.week)}" cy="${y(p.confidence)}" r="3" fill="${p.confidence <= 4 ? '#cf222e' : '#0b57d0'}"></circle>`)}</svg>`;
}

/** The viewer's own time zone (people.time_zone), else the cycle's: every time on these pages is shown in it. */
export async function viewerTimeZone(ctx: ConsoleContext, personId: number, cycleTimeZone: string): Promise<string> {
  const row = await ctx.deps.db.selectFrom('people').select('time_zone').where('id', '=', personId).executeTakeFirst();
  return personTimeZone(row?.time_zone, cycleTimeZone);
}
