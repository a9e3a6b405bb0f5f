/**
 * The task page: server-rendered HTML that works without JavaScript, in the owner's language.
 * One frame for every kind (heading, cycle, due date, notes, error banner, form, button); the
 * kind's form (kinds/<kind>/form.ts) brings the fields. Every value is escaped.
 */
import { html } from 'hono/html';
import { CORRECTABLE_KINDS, type Locale, PHASE_OF_KIND } from '../../contract';
import { toHtml } from '../../core/html';
import type { TaskContext } from '../../core/task-access';
import { kinds } from '../../kinds';
import type { KindContext } from '../../kinds/types';
import { formatDue } from '../../mail/templates';
import { pageStrings } from '../../i18n';
import { assetPath } from '../assets';
import { type FieldErrors, type FieldKit, type FormValues, type Piece, fieldKit } from './fields';

/** The frame of every page: language, the style sheet and script served as files, one `<main>`. */
export function page(title: string, body: Piece, locale: Locale = 'en'): string {
  return toHtml(html`<!doctype html>
<html lang="${pageStrings(locale).lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="referrer" content="no-referrer"><title>${title}</title>
<link rel="stylesheet" href="${assetPath('task-page.css')}"><script src="${assetPath('task-page.js')}" defer></script></head>
<body><main>${body}</main></body></html>`);
}

export function notFoundPage(locale: Locale = 'en'): string {
  const s = pageStrings(locale);
  return page(
    s.notFound.title,
    html`<h1>${s.notFound.heading}</h1>
<p class="muted">${s.notFound.body}</p>`,
    locale,
  );
}

export function tooManyRequestsPage(retryAfterSeconds: number, locale: Locale = 'en'): string {
  const s = pageStrings(locale);
  return page(
    s.tooMany.title,
    html`<h1>${s.tooMany.heading}</h1>
<p class="muted">${s.tooMany.body(retryAfterSeconds)}</p>`,
    locale,
  );
}

/** A form post from another site: refused, in the person's language, with the way back. */
export function forbiddenPage(locale: Locale = 'en'): string {
  const s = pageStrings(locale);
  return page(
    s.forbidden.title,
    html`<h1>${s.forbidden.heading}</h1>
<p class="muted">${s.forbidden.body}</p>`,
    locale,
  );
}

/** The task's name on status pages: "Weekly check-in (week 3)", "Review Bo's OKRs". */
function taskName(task: Pick<TaskContext, 'kind' | 'locale' | 'round'>): string {
  const s = pageStrings(task.locale);
  const title = kinds[task.kind].words[task.locale].page.title;
  // A check-in's round is its week.
  return PHASE_OF_KIND[task.kind] === 'checkins' ? s.weekOf(title, task.round) : title;
}

/** What the person sent, shown with the task's own fields, read-only. */
function answerShown(task: TaskContext, context: KindContext): Piece {
  const s = pageStrings(task.locale);
  const kit = fieldKit(kinds[task.kind].form.toValues(task.result, context), new Map(), s);
  return html`<h2>${s.closed.yourAnswer}</h2><fieldset class="answer" disabled>${kinds[task.kind].form.fields(kit, context)}</fieldset>`;
}

/**
 * A link that was completed, expired or cancelled: which task it was and what happened; once
 * completed, with the answer as it was sent when the page has the task's context.
 */
export function closedPage(task: TaskContext, timeZone = 'UTC', context?: KindContext): string {
  const s = pageStrings(task.locale);
  const done = task.status === 'completed';
  return page(
    `${done ? s.closed.completedTitle : s.closed.closedTitle} — ${task.cycleTitle}`,
    html`<h1>${taskName(task)}</h1>
<p class="muted">${task.cycleTitle} · ${task.ownerName}</p>
<p class="${done ? 'ok' : 'banner'}">${
      done
        ? s.closed.completed(task.completedAt ? formatDue(task.completedAt, task.locale, timeZone) : null)
        : s.closed.closed(s.closed.status[task.status] ?? task.status)
    }${done && CORRECTABLE_KINDS.includes(task.kind) ? `${task.locale === 'zh-CN' ? '' : ' '}${correctionClosed(task, timeZone)}` : ''}</p>${done && context && task.result !== null ? answerShown(task, context) : ''}`,
    task.locale,
  );
}

/** Why a correctable answer (a check-in) can no longer be corrected: its window closed (at its due time, or earlier when HR ended the week). */
function correctionClosed(task: TaskContext, timeZone: string): string {
  const s = pageStrings(task.locale);
  return s.closed.correctionClosed(Date.parse(task.dueAt) <= Date.now() ? formatDue(task.dueAt, task.locale, timeZone) : null);
}

export function completedPage(task: Pick<TaskContext, 'kind' | 'locale' | 'cycleTitle' | 'ownerName' | 'round'>): string {
  const s = pageStrings(task.locale);
  return page(
    s.thanksTitle,
    html`<h1>${taskName(task)}</h1><p class="muted">${task.cycleTitle}</p><p class="ok">${s.thanks(task.ownerName, kinds[task.kind].words[task.locale].page.done)}</p>`,
    task.locale,
  );
}

export interface TaskPageInput {
  task: Pick<TaskContext, 'kind' | 'locale' | 'cycleTitle' | 'ownerName' | 'dueAt' | 'round'> & { status?: TaskContext['status'] };
  context: KindContext;
  /** What the fields show: the person's typed values on a re-render, else the pre-filled ones. */
  values: FormValues;
  /** Field name → messages; "form" holds the errors that belong to no single field. */
  errors: FieldErrors;
  /** The cycle's time zone, for the due date. */
  timeZone: string;
  /** The answer could not be saved for a reason that is not the person's (the banner says so). */
  unavailable?: boolean;
  /** A row just added without JavaScript: its first field gets the focus. */
  focusRow?: string;
}

/** "Objective 1 · Key result 2 · Target": the labels of the rows a field sits in, then its own. */
function whereIs(kit: FieldKit, name: string): string {
  const parts = name.split('.');
  const labels: string[] = [];
  for (let i = 1; i <= parts.length; i++) {
    const label = kit.labels.get(parts.slice(0, i).join('.'));
    if (label && labels[labels.length - 1] !== label) labels.push(label);
  }
  return labels.join(' · ');
}

/** What went wrong, at the top: the banner and one link per field with an error (to its anchor). */
function errorSummary(kit: FieldKit, errors: FieldErrors): Piece {
  const s = kit.s;
  const items = [...errors.entries()].filter(([name]) => name !== 'form');
  return html`<div class="banner" role="alert" tabindex="-1" id="errors"><p>${s.banner}</p>${kit.errs('form')}${
    items.length
      ? html`<ul>${items.map(([name, messages]) => {
          const where = whereIs(kit, name);
          return html`<li><a href="#${name}">${where ? `${where}${s.colon}` : ''}${messages.join(s.listSeparator)}</a></li>`;
        })}</ul>`
      : ''
  }</div>`;
}

/** The open task's page for any kind. */
export function taskPage({ task, context, values, errors, timeZone, unavailable = false, focusRow }: TaskPageInput): string {
  const s = pageStrings(task.locale);
  const words = kinds[task.kind].words[task.locale].page;
  const kit = fieldKit(values, errors, s, focusRow);
  const meta = [task.cycleTitle, task.ownerName, ...(context.subject ? [s.about(context.subject.name)] : [])];
  // The fields first: they record their labels, which the error summary above them names.
  const fields = kinds[task.kind].form.fields(kit, context);
  return page(
    `${words.title} — ${task.cycleTitle}`,
    html`<h1>${words.title}</h1>
<p class="muted">${meta.map((m) => html`${m} · `)}<span class="due">${s.due(formatDue(task.dueAt, task.locale, timeZone))}</span></p>
${context.notes.length ? html`<div class="notes">${context.notes.map((n) => html`<p>${n}</p>`)}</div>` : ''}
<p>${words.intro}</p>
${task.status === 'completed' ? html`<p class="ok">${s.correctable(formatDue(task.dueAt, task.locale, timeZone))}</p>` : ''}
${unavailable ? html`<p class="banner" role="alert">${s.unavailable}</p>` : errors.size ? errorSummary(kit, errors) : ''}
<form method="post" accept-charset="utf-8" data-task-form>
<button type="submit" class="enter-guard" disabled hidden aria-hidden="true" tabindex="-1"></button>
${fields}
<button type="submit">${words.submit}</button>
</form>`,
    task.locale,
  );
}
