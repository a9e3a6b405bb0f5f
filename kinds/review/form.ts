/**
 * strategy-review and review: the objectives under review, then "decision" (radio: approve |
 * changes) and "comment" (required for changes).
 */
import { html } from 'hono/html';
import type { KindContext } from '../types';
import { type FieldKit, type FormValues, text } from '../../api/task-page/fields';
import { type TaskForm, prop, scalar } from '../form';

function objectivesUnderReview(kit: FieldKit, context: KindContext) {
  const w = kit.s.review;
  if (context.objectives.length === 0) return html`<p class="muted">${w.nothing}</p>`;
  return html`<section class="review"><h2>${w.underReview}</h2>${context.objectives.map(
    (o, i) =>
      html`<div class="objective"><h3>${i + 1}. ${o.title}</h3>${o.parent ? html`<p class="muted">${w.alignedTo(o.parent)}</p>` : ''}<ul>${o.keyResults.map(
        (kr) => html`<li>${kr.title}${kr.measure ? html` <span class="muted">— ${kr.measure}</span>` : ''}</li>`,
      )}</ul></div>`,
  )}</section>`;
}

export const reviewForm: TaskForm = {
  parse(values: FormValues) {
    const decision = text(values, 'decision');
    const comment = text(values, 'comment');
    const submission: Record<string, unknown> = {};
    if (decision) submission.decision = decision;
    // An empty comment is no comment when approving; when asking for changes the schema says it is missing.
    if (comment || decision === 'changes') submission.comment = comment;
    return {
      submission,
      issues: [],
      fieldName: (path) => (path === 'comment' ? 'comment' : path === 'decision' ? 'decision' : 'form'),
    };
  },
  toValues(submission) {
    const values: FormValues = {};
    const decision = scalar(prop(submission, 'decision'));
    const comment = scalar(prop(submission, 'comment'));
    if (decision) values.decision = decision;
    if (comment) values.comment = comment;
    return values;
  },
  fields(kit, context) {
    const w = kit.s.review;
    return html`${objectivesUnderReview(kit, context)}
<fieldset class="${kit.cls('decision')}" id="decision"><legend>${w.decision}</legend>
  ${kit.radio('decision', 'approve', w.approve)}
  ${kit.radio('decision', 'changes', w.changes)}
  ${kit.errs('decision')}
</fieldset>
${kit.textarea('comment', w.comment, { maxlength: 2000 })}
<p class="hint">${w.commentHint}</p>`;
  },
};
