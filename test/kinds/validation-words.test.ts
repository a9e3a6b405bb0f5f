/**
 * Validation messages say the field, the rule and the allowed range, in English and Chinese —
 * the cases people met: a percent target of 110, an unchosen key result, no decision, an empty title.
 */
import { describe, expect, it } from 'vitest';
import { submissionSchemas } from '../../contract';
import { localizedIssues } from '../../i18n/validation';

const words = (kind: keyof typeof submissionSchemas, body: unknown) => {
  const parsed = submissionSchemas[kind].safeParse(body);
  if (parsed.success) return { en: [], zh: [] };
  return { en: localizedIssues(parsed.error.issues, 'en'), zh: localizedIssues(parsed.error.issues, 'zh-CN') };
};
const draft = (kr: Record<string, unknown>, title = 'Grow revenue') => ({
  objectives: [{ title, keyResults: [kr, { kind: 'milestone', title: 'Launch the plan' }] }],
});

describe('specific validation messages', () => {
  it('a percent target above 100 is allowed (NRR 95 → 110 %), up to 1,000', () => {
    expect(submissionSchemas.draft.safeParse(draft({ kind: 'percent', title: 'Net revenue retention', start: 95, target: 110 })).success).toBe(true);
    expect(words('draft', draft({ kind: 'percent', title: 'Net revenue retention', start: 95, target: 1100 }))).toEqual({
      en: [{ path: 'objectives.0.keyResults.0.target', message: 'from 0 to 1,000' }],
      zh: [{ path: 'objectives.0.keyResults.0.target', message: '范围为 0 到 1,000' }],
    });
  });

  it('an unchosen key result asks to choose one', () => {
    expect(words('checkin', { keyResults: [{ done: true }], confidence: 5 })).toEqual({
      en: [{ path: 'keyResults.0.keyResultId', message: 'choose a key result' }],
      zh: [{ path: 'keyResults.0.keyResultId', message: '请选择一个关键结果' }],
    });
  });

  it('no decision asks to choose approve or request changes', () => {
    expect(words('review', { comment: 'fine' })).toEqual({
      en: [{ path: 'decision', message: 'choose approve or request changes' }],
      zh: [{ path: 'decision', message: '请选择批准或要求修改' }],
    });
  });

  it('an empty title asks for one; a short one says how long', () => {
    expect(words('draft', draft({ kind: 'milestone', title: 'Ship it' }, '  '))).toEqual({
      en: [{ path: 'objectives.0.title', message: 'enter a title' }],
      zh: [{ path: 'objectives.0.title', message: '请填写标题' }],
    });
    expect(words('draft', draft({ kind: 'milestone', title: 'Ship it' }, 'ab')).zh).toEqual([{ path: 'objectives.0.title', message: '至少 3 个字符' }]);
  });
});
