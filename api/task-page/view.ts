/** The task page: server-rendered HTML that works without JavaScript. Every value is escaped. */
import { html, raw } from 'hono/html';
import type { HtmlEscapedString } from 'hono/utils/html';
import { toHtml } from '../../core/html';
import type { TaskContext } from '../../core/task-access';
import { formatDue } from '../../activities/email-templates';
import { KEY_RESULT_SLOTS, OBJECTIVE_SLOTS, type FormValues } from './draft-form';

type Piece = HtmlEscapedString | Promise<HtmlEscapedString>;

const STYLE = `
body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;color:#1f2328;max-width:880px;margin:0 auto;padding:24px;line-height:1.45}
h1{font-size:1.5rem;margin:0 0 4px} .muted{color:#59636e} .due{font-weight:600}
fieldset{border:1px solid #d0d7de;border-radius:8px;margin:16px 0;padding:12px 16px}
legend{font-weight:600;padding:0 6px} label{display:block;font-size:.85rem;color:#59636e;margin-top:6px}
input,select{font:inherit;padding:6px 8px;border:1px solid #d0d7de;border-radius:6px;width:100%;box-sizing:border-box}
.kr{display:grid;grid-template-columns:3fr 1.3fr 1fr 1fr 1fr;gap:8px;align-items:end;margin-top:4px}
.err{color:#cf222e;font-size:.85rem;margin:2px 0} .invalid{border-color:#cf222e;background:#fff5f5}
.banner{background:#fff5f5;border:1px solid #cf222e;border-radius:8px;padding:10px 14px;color:#82071e}
.ok{background:#dafbe1;border:1px solid #1a7f37;border-radius:8px;padding:10px 14px;color:#0a3622}
button{font:inherit;background:#0b57d0;color:#fff;border:0;border-radius:6px;padding:10px 20px;cursor:pointer}
details>summary{cursor:pointer;font-weight:600;margin:12px 0}
`;

export function page(title: string, body: Piece): string {
  return toHtml(html`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="referrer" content="no-referrer"><title>${title}</title><style>${raw(STYLE)}</style></head>
<body>${body}</body></html>`);
}

export function notFoundPage(): string {
  return page('Task not found', html`<h1>This link is not valid</h1>
<p class="muted">The task may have ended, or the link is incomplete. If you think this is wrong, ask your HR team for a new link.</p>`);
}

export function closedPage(task: TaskContext): string {
  const done = task.status === 'completed';
  return page(
    done ? 'Already completed' : 'Task closed',
    html`<h1>${task.cycleTitle}</h1>
<p class="${done ? 'ok' : 'banner'}">${done ? `This task is already completed${task.completedAt ? ` (${formatDue(task.completedAt, task.locale, 'UTC')})` : ''}. Nothing more to do.` : `This task is ${task.status} and can no longer be completed.`}</p>`,
  );
}

export function completedPage(task: TaskContext): string {
  return page('Thank you', html`<h1>${task.cycleTitle}</h1><p class="ok">Thank you, ${task.ownerName}: your OKRs are submitted.</p>`);
}

export interface DraftPageInput {
  task: TaskContext;
  values: FormValues;
  /** Field name → messages. "form" holds errors that belong to no single field. */
  errors: Map<string, string[]>;
  parents: { id: number; title: string; owner: string }[];
  timeZone: string;
}

export function draftPage({ task, values, errors, parents, timeZone }: DraftPageInput): string {
  const v = (name: string) => values[name] ?? '';
  const errs = (name: string) => (errors.get(name) ?? []).map((m) => html`<p class="err">${m}</p>`);
  const cls = (name: string) => (errors.has(name) ? 'invalid' : '');
  const hasAny = (o: number) => Object.keys(values).some((k) => k.startsWith(`o${o}.`) && values[k]) || [...errors.keys()].some((k) => k.startsWith(`o${o}`));

  const keyResult = (o: number, k: number) => {
    const p = `o${o}.kr${k}`;
    const kind = v(`${p}.kind`) || 'numeric';
    return html`<div class="kr">
  <div><label for="${p}.title">Key result ${k + 1}</label><input id="${p}.title" name="${p}.title" value="${v(`${p}.title`)}" class="${cls(`${p}.title`)}" placeholder="${k === 0 ? 'as measured by …' : ''}" maxlength="200"></div>
  <div><label for="${p}.kind">Measure</label><select id="${p}.kind" name="${p}.kind">
    <option value="numeric"${kind === 'numeric' ? raw(' selected') : ''}>Number</option>
    <option value="percent"${kind === 'percent' ? raw(' selected') : ''}>Percent</option>
    <option value="milestone"${kind === 'milestone' ? raw(' selected') : ''}>Milestone</option></select></div>
  <div><label for="${p}.start">Start</label><input id="${p}.start" name="${p}.start" inputmode="decimal" value="${v(`${p}.start`)}" class="${cls(`${p}.start`)}"></div>
  <div><label for="${p}.target">Target</label><input id="${p}.target" name="${p}.target" inputmode="decimal" value="${v(`${p}.target`)}" class="${cls(`${p}.target`)}"></div>
  <div><label for="${p}.unit">Unit</label><input id="${p}.unit" name="${p}.unit" value="${v(`${p}.unit`)}" class="${cls(`${p}.unit`)}" maxlength="20"></div>
</div>${errs(`${p}`)}${errs(`${p}.title`)}${errs(`${p}.kind`)}${errs(`${p}.start`)}${errs(`${p}.target`)}${errs(`${p}.unit`)}`;
  };

  const objective = (o: number) => {
    const fields = html`<fieldset><legend>Objective ${o + 1}</legend>
  <label for="o${o}.title">We will achieve …</label>
  <input id="o${o}.title" name="o${o}.title" value="${v(`o${o}.title`)}" class="${cls(`o${o}.title`)}" maxlength="200">${errs(`o${o}.title`)}${errs(`o${o}`)}
  <label for="o${o}.parent">Aligned to</label>
  <select id="o${o}.parent" name="o${o}.parent" class="${cls(`o${o}.parent`)}"><option value="">— not aligned —</option>${parents.map(
    (p) => html`<option value="${p.id}"${v(`o${o}.parent`) === String(p.id) ? raw(' selected') : ''}>${p.owner}: ${p.title}</option>`,
  )}</select>${errs(`o${o}.parent`)}
  ${Array.from({ length: KEY_RESULT_SLOTS }, (_, k) => keyResult(o, k))}${errs(`o${o}.krs`)}
</fieldset>`;
    return o === 0 ? fields : html`<details${hasAny(o) ? raw(' open') : ''}><summary>Objective ${o + 1} (optional)</summary>${fields}</details>`;
  };

  return page(
    `Draft your OKRs — ${task.cycleTitle}`,
    html`<h1>Draft your OKRs</h1>
<p class="muted">${task.cycleTitle} · ${task.ownerName} · <span class="due">due ${formatDue(task.dueAt, task.locale, timeZone)}</span></p>
<p>Write 1–5 objectives, each with 2–5 measurable key results: <em>“We will achieve (objective), as measured by (key results)”</em>.</p>
${errors.size ? html`<p class="banner" role="alert">Please correct the fields marked below. Nothing was saved.</p>` : ''}${errs('form')}
<form method="post" accept-charset="utf-8">
${Array.from({ length: OBJECTIVE_SLOTS }, (_, o) => objective(o))}
<button type="submit">Submit OKRs</button>
</form>`,
  );
}
