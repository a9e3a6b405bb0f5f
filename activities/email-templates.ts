/**
 * Email templates, next to the activity that sends them. Every value is escaped by hono's `html`
 * tagged template; subjects are plain text (nodemailer encodes headers, and CR/LF in names
 * cannot break out of a header).
 */
import { html } from 'hono/html';
import { toHtml } from '../core/html';
import type { Locale } from '../contract';

export type EmailKind = 'task-invite' | 'task-reminder';

/** What an outbox row stores: everything the template needs except the link, which is derived at send time. */
export interface TaskEmailData {
  locale: Locale;
  personName: string;
  cycleTitle: string;
  taskKind: string;
  dueAt: string;
  timeZone: string;
  reminderNo?: number;
}

export interface RenderedEmail {
  subject: string;
  text: string;
  html: string;
}

const strings = {
  en: {
    draftAction: 'Draft your OKRs',
    invite: (title: string, due: string) => `${title}: draft your OKRs by ${due}`,
    reminder: (title: string, due: string) => `Reminder — ${title}: draft your OKRs by ${due}`,
    hello: (name: string) => `Hello ${name},`,
    draftBody:
      'Please draft 1–5 objectives for this cycle, each with 2–5 measurable key results ("We will achieve …, as measured by …"), and align each objective to a company or manager objective.',
    due: 'Due',
    open: 'Open your task',
    orJson: 'The link is personal: do not forward this email.',
  },
  'zh-CN': {
    draftAction: '制定你的 OKR',
    invite: (title: string, due: string) => `${title}：请在 ${due} 前制定你的 OKR`,
    reminder: (title: string, due: string) => `提醒 — ${title}：请在 ${due} 前制定你的 OKR`,
    hello: (name: string) => `${name}，你好：`,
    draftBody: '请为本周期制定 1–5 个目标，每个目标包含 2–5 个可衡量的关键结果（“我们将实现……，以……来衡量”），并将每个目标对齐到公司或上级的目标。',
    due: '截止时间',
    open: '打开任务',
    orJson: '此链接仅供你本人使用，请勿转发此邮件。',
  },
} as const;

const DUE_FORMAT: Intl.DateTimeFormatOptions = { year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', timeZoneName: 'short' };

/** A due time as the person reads it: their language, the cycle's time zone (UTC if unknown). */
export function formatDue(dueAt: string, locale: Locale, timeZone: string): string {
  let format: Intl.DateTimeFormat;
  try {
    format = new Intl.DateTimeFormat(locale, { ...DUE_FORMAT, timeZone });
  } catch {
    format = new Intl.DateTimeFormat(locale, { ...DUE_FORMAT, timeZone: 'UTC' });
  }
  return format.format(new Date(dueAt));
}

export function renderTaskEmail(kind: EmailKind, data: TaskEmailData, link: string): RenderedEmail {
  const s = strings[data.locale] ?? strings.en;
  const due = formatDue(data.dueAt, data.locale, data.timeZone);
  const subject = kind === 'task-reminder' ? s.reminder(data.cycleTitle, due) : s.invite(data.cycleTitle, due);
  const text = [s.hello(data.personName), '', s.draftBody, '', `${s.due}: ${due}`, '', `${s.open}: ${link}`, '', s.orJson, ''].join('\n');
  const body = html`<!doctype html>
<html lang="${data.locale}"><head><meta charset="utf-8"><title>${subject}</title></head>
<body style="font-family:system-ui,-apple-system,'Segoe UI',sans-serif;color:#1f2328;max-width:560px;margin:0 auto;padding:24px">
<p>${s.hello(data.personName)}</p>
<p>${s.draftBody}</p>
<p><strong>${s.due}:</strong> ${due}</p>
<p><a href="${link}" style="display:inline-block;background:#0b57d0;color:#fff;padding:10px 18px;border-radius:6px;text-decoration:none">${s.draftAction}</a></p>
<p style="color:#59636e;font-size:13px">${s.orJson}</p>
</body></html>`;
  return { subject, text, html: toHtml(body) };
}
