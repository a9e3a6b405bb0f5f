/**
 * self-score and calibrate: per key result "kr<id>.score" (0.0–1.0) and "kr<id>.comment";
 * an overall "comment". Pre-filled from the context's values, else the self score (calibrate)
 * or the score suggested from progress.
 */
import { html } from 'hono/html';
import type { KeyResultOption, KindContext } from '../types';
import { type FieldKit, type FormValues, formatNumber, numberOf, text } from '../../api/task-page/fields';
import { progressText, withObjectiveHeadings } from '../progress';
import { type TaskForm, list, prop, scalar } from '../form';

function scoreForm(mode: 'self' | 'calibrate'): TaskForm {
  const fallbackScore = (kr: KeyResultOption) => (mode === 'calibrate' ? (kr.score ?? kr.selfScore ?? kr.suggestedScore) : (kr.selfScore ?? kr.suggestedScore));
  return {
    parse(values: FormValues, context: KindContext) {
      const rows = context.keyResults;
      const scores = rows.map((kr) => {
        const score = numberOf(text(values, `kr${kr.keyResultId}.score`));
        const comment = text(values, `kr${kr.keyResultId}.comment`);
        return { keyResultId: kr.keyResultId, ...(score !== undefined ? { score } : {}), ...(comment ? { comment } : {}) };
      });
      const comment = text(values, 'comment');
      return {
        submission: { scores, ...(comment ? { comment } : {}) },
        issues: [],
        fieldName(path) {
          const [head, index, field] = path.split('.');
          if (head === 'comment' && index === undefined) return 'comment';
          if (head !== 'scores' || index === undefined) return 'form';
          const kr = rows[Number(index)];
          if (!kr) return 'form';
          return `kr${kr.keyResultId}.${field === 'comment' ? 'comment' : 'score'}`;
        },
      };
    },

    toValues(submission, context) {
      const values: FormValues = {};
      const given = new Map(list(submission, 'scores').map((s) => [prop(s, 'keyResultId'), s]));
      for (const kr of context.keyResults) {
        const entry = given.get(kr.keyResultId);
        const score = scalar(prop(entry, 'score')) ?? scalar(fallbackScore(kr));
        const comment = scalar(prop(entry, 'comment'));
        if (score !== undefined) values[`kr${kr.keyResultId}.score`] = score;
        if (comment) values[`kr${kr.keyResultId}.comment`] = comment;
      }
      const comment = scalar(prop(submission, 'comment'));
      if (comment) values.comment = comment;
      return values;
    },

    fields(kit: FieldKit, context: KindContext) {
      const { s } = kit;
      const w = s.score;
      const hints = (kr: KeyResultOption) =>
        [
          mode === 'calibrate' && kr.selfScore !== null ? w.selfScore(formatNumber(kr.selfScore, s.lang)) : null,
          kr.suggestedScore !== null ? w.suggested(formatNumber(kr.suggestedScore, s.lang)) : null,
        ]
          .filter((h): h is string => h !== null)
          .join(' · ');
      const rows = context.keyResults.length
        ? withObjectiveHeadings(context.keyResults).map(({ kr, heading }) => {
            const name = `kr${kr.keyResultId}`;
            const hint = hints(kr);
            return html`${heading !== null ? html`<h2>${heading}</h2>` : ''}<div class="row score">
  <div><strong>${kr.title}</strong><p class="muted">${w.progress}${s.colon}${progressText(kr, s)}${hint ? html`<br>${hint}` : ''}</p></div>
  <div>${kit.input(`${name}.score`, w.score, { type: 'number', min: 0, max: 1, step: 0.01, inputmode: 'decimal' })}</div>
  <div>${kit.input(`${name}.comment`, w.comment, { maxlength: 2000 })}</div>
</div>`;
          })
        : html`<p class="muted">${w.noKeyResults}</p>`;
      return html`<p class="scale">${w.scale}</p>
<fieldset><legend>${w.keyResults}</legend>${rows}</fieldset>
${kit.textarea('comment', w.overall, { maxlength: 2000 })}`;
    },
  };
}

export const selfScoreForm = scoreForm('self');
export const calibrateForm = scoreForm('calibrate');
