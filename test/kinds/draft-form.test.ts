import { describe, expect, it } from 'vitest';
import { draftSubmissionSchema } from '../../contract';
import { draftToFormValues, parseDraftForm } from '../../kinds/objectives/draft-form';

describe('the drafting form', () => {
  it('drops empty slots and maps errors back to the slot they came from', () => {
    const parsed = parseDraftForm({
      'o0.title': '',
      'o2.title': 'Grow',
      'o2.kr1.title': 'Revenue',
      'o2.kr1.kind': 'numeric',
      'o2.kr1.start': '1',
      'o2.kr1.target': '1',
      'o2.kr1.unit': 'k',
      'o2.kr4.title': 'Launch',
      'o2.kr4.kind': 'milestone',
    });
    expect(parsed.draft).toEqual({
      objectives: [
        {
          title: 'Grow',
          keyResults: [
            { kind: 'numeric', title: 'Revenue', start: 1, target: 1, unit: 'k' },
            { kind: 'milestone', title: 'Launch' },
          ],
        },
      ],
    });
    const result = draftSubmissionSchema.safeParse(parsed.draft);
    expect(result.success).toBe(false);
    const paths = result.error!.issues.map((i) => parsed.fieldName(i.path.join('.')));
    expect(paths).toEqual(['o2.kr1.target']);
    expect(parsed.fieldName('objectives.0.keyResults')).toBe('o2.krs');
    expect(parsed.fieldName('objectives')).toBe('form');
  });

  it('keeps text that is not a number so the schema can say so', () => {
    const parsed = parseDraftForm({ 'o0.title': 'Grow', 'o0.kr0.title': 'Revenue', 'o0.kr0.start': 'ten', 'o0.kr0.target': '20', 'o0.kr0.unit': 'k' });
    const result = draftSubmissionSchema.safeParse(parsed.draft);
    expect(result.success).toBe(false);
    expect(result.error!.issues.find((i) => i.path.join('.') === 'objectives.0.keyResults.0.start')?.message).toBe('must be a number');
  });

  it('round-trips a stored draft into form values', () => {
    const values = draftToFormValues({
      objectives: [{ title: 'Grow', parentObjectiveId: 7, keyResults: [{ kind: 'percent', title: 'Share', start: 0, target: 100 }] }],
    });
    expect(values).toEqual({
      'o0.title': 'Grow',
      'o0.parent': '7',
      'o0.kr0.title': 'Share',
      'o0.kr0.kind': 'percent',
      'o0.kr0.start': '0',
      'o0.kr0.target': '100',
    });
  });
});
