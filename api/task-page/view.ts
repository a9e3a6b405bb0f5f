/**
 * The task page: server-rendered HTML that works without JavaScript, in the owner's language.
 * One frame for every kind (heading, cycle, due date, notes, error banner, form, button); the
 * kind's form (kinds/<kind>/form.ts) brings the fields. Every value is escaped.
 */
import { html, raw } from 'hono/html';
import type { Locale } from '../../contract';
import { toHtml } from '../../core/html';
import type { TaskContext } from '../../core/task-access';
import { kinds } from '../../kinds';
import type { KindContext } from '../../kinds/types';
import { formatDue } from '../../mail/templates';
import { pageStrings } from '../../i18n';
import { type FieldErrors, type FormValues, type Piece, fieldKit } from './fields';

const STYLE = `
body{font-family:system-ui,-apple-system,'Segoe UI','PingFang SC','Microsoft YaHei',sans-serif;color:#1f2328;max-width:880px;margin:0 auto;padding:24px;line-height:1.45}
h1{font-size:1.5rem;margin:0 0 4px} h2{font-size:1.15rem;margin:20px 0 8px} h3{font-size:1rem;margin:14px 0 4px}
.muted{color:#59636e} .due{font-weight:600} .hint,.scale{color:#59636e;font-size:.9rem;margin:4px 0}
.notes{background:#f6f8fa;border-radius:8px;padding:8px 14px;margin:12px 0} .notes p{margin:4px 0}
fieldset{border:1px solid #d0d7de;border-radius:8px;margin:16px 0;padding:12px 16px} fieldset.invalid{border-color:#cf222e}
legend{font-weight:600;padding:0 6px} label{display:block;font-size:.85rem;color:#59636e;margin-top:6px}
label.check{display:flex;gap:8px;align-items:baseline;font-size:1rem;color:inherit}
input,select,textarea{font:inherit;padding:6px 8px;border:1px solid #d0d7de;border-radius:6px;width:100%;box-sizing:border-box}
input[type=checkbox],input[type=radio]{width:auto}
.kr{display:grid;grid-template-columns:3fr 1.3fr 1fr 1fr 1fr;gap:8px;align-items:end;margin-top:4px}
.item{display:grid;grid-template-columns:2fr 1fr 3fr 1.3fr;gap:8px;align-items:end;margin-top:4px}
.row{display:grid;grid-template-columns:3fr 2fr;gap:12px;align-items:end;border-top:1px solid #eaeef2;padding:8px 0}
.row.score{grid-template-columns:3fr 1.2fr 2.5fr} .row p{margin:2px 0}
.pair{display:grid;grid-template-columns:1fr 1fr;gap:8px}
.choice{border-top:1px solid #eaeef2;padding:6px 0} .citation{display:block;color:#59636e;white-space:pre-line;margin-top:2px}
.review .objective{border-left:3px solid #d0d7de;padding-left:12px;margin:10px 0} .review ul{margin:4px 0}
.err{color:#cf222e;font-size:.85rem;margin:2px 0} .invalid{border-color:#cf222e;background:#fff5f5}
.banner{background:#fff5f5;border:1px solid #cf222e;border-radius:8px;padding:10px 14px;color:#82071e}
.ok{background:#dafbe1;border:1px solid #1a7f37;border-radius:8px;padding:10px 14px;color:#0a3622}
button{font:inherit;background:#0b57d0;color:#fff;border:0;border-radius:6px;padding:10px 20px;cursor:pointer;margin-top:8px}
details>summary{cursor:pointer;font-weight:600;margin:12px 0}
@media (max-width:640px){.kr,.item,.row,.row.score,.pair{grid-template-columns:1fr}}
`;

export function page(title: string, body: Piece, locale: Locale = 'en'): string {
  return toHtml(html`<!doctype html>
<html lang="${pageStrings(locale).lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="referrer" content="no-referrer"><title>${title}</title><style>${raw(STYLE)}</style></head>
<body>${body}</body></html>`);
}

export function notFoundPage(locale: Locale = 'en'): string {
  const s = pageStrings(locale);
  return page(s.notFound.title, html`<h1>${s.notFound.heading}</h1>
<p class="muted">${s.notFound.body}</p>`, locale);
}

export function tooManyRequestsPage(retryAfterSeconds: number, locale: Locale = 'en'): string {
  const s = pageStrings(locale);
  return page(s.tooMany.title, html`<h1>${s.tooMany.heading}</h1>
<p class="muted">${s.tooMany.body(retryAfterSeconds)}</p>`, locale);
}

export function closedPage(task: TaskContext): string {
  const s = pageStrings(task.locale);
  const done = task.status === 'completed';
  return page(
    done ? s.closed.completedTitle : s.closed.closedTitle,
    html`<h1>${task.cycleTitle}</h1>
<p class="${done ? 'ok' : 'banner'}">${
      done ? s.closed.completed(task.completedAt ? formatDue(task.completedAt, task.locale, 'UTC') : null) : s.closed.closed(s.closed.status[task.status] ?? task.status)
    }</p>`,
    task.locale,
  );
}

export function completedPage(task: Pick<TaskContext, 'kind' | 'locale' | 'cycleTitle' | 'ownerName'>): string {
  const s = pageStrings(task.locale);
  return page(s.thanksTitle, html`<h1>${task.cycleTitle}</h1><p class="ok">${s.thanks(task.ownerName, kinds[task.kind].words[task.locale].page.done)}</p>`, task.locale);
}

export interface TaskPageInput {
  task: Pick<TaskContext, 'kind' | 'locale' | 'cycleTitle' | 'ownerName' | 'dueAt'>;
  context: KindContext;
  /** What the fields show: the person's typed values on a re-render, else the pre-filled ones. */
  values: FormValues;
  /** Field name → messages; "form" holds the errors that belong to no single field. */
  errors: FieldErrors;
  /** The cycle's time zone, for the due date. */
  timeZone: string;
  /** The answer could not be saved for a reason that is not the person's (the banner says so). */
  unavailable?: boolean;
}

/** The open task's page for any kind. */
export function taskPage({ task, context, values, errors, timeZone, unavailable = false }: TaskPageInput): string {
  const s = pageStrings(task.locale);
  const words = kinds[task.kind].words[task.locale].page;
  const kit = fieldKit(values, errors, s);
  const meta = [task.cycleTitle, task.ownerName, ...(context.subject ? [s.about(context.subject.name)] : [])];
  return page(
    `${words.title} — ${task.cycleTitle}`,
    html`<h1>${words.title}</h1>
<p class="muted">${meta.map((m) => html`${m} · `)}<span class="due">${s.due(formatDue(task.dueAt, task.locale, timeZone))}</span></p>
${context.notes.length ? html`<div class="notes">${context.notes.map((n) => html`<p>${n}</p>`)}</div>` : ''}
<p>${words.intro}</p>
${unavailable ? html`<p class="banner" role="alert">${s.unavailable}</p>` : errors.size ? html`<p class="banner" role="alert">${s.banner}</p>${kit.errs('form')}` : ''}
<form method="post" accept-charset="utf-8">
${kinds[task.kind].form.fields(kit, context)}
<button type="submit">${words.submit}</button>
</form>`,
    task.locale,
  );
}
