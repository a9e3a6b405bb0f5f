/**
 * The catalogue: every message the contract's schemas can produce has a zh-CN rendering chosen
 * by issue code (not by its English text), every kind has its words in every language, and the
 * English catalogue says what the contract says.
 */
import { describe, expect, it } from 'vitest';
import { type TaskKind, TASK_KINDS, submissionSchemas } from '../../contract';
import { MAX_PERCENT } from '../../kinds/schema-parts';
import { SUPPORTED_LOCALES, consoleWordsByLocale, cycleWords, mailWords, pageStrings, translateIssue, validationWords } from '../../i18n';
import { kinds } from '../../kinds';

const long = (n: number) => 'x'.repeat(n);
const kr = { kind: 'numeric', title: 'Revenue', start: 1, target: 2, unit: 'EUR' };
const objective = { title: 'Grow', keyResults: [kr, kr] };

/** Bad inputs per schema: together they reach every refinement and bound the contract writes. */
const BAD: Record<TaskKind, unknown[]> = {
  strategy: [
    5,
    { objectives: [] },
    { objectives: Array(6).fill(objective) },
    { objectives: [{ title: 'ab', keyResults: [kr] }] },
    { objectives: [{ title: long(201), keyResults: Array(6).fill(kr) }] },
    {
      objectives: [
        {
          title: 'Grow\u0000',
          keyResults: [
            { ...kr, kind: 'zz' },
            { ...kr, start: 'a', target: 'a', unit: '' },
          ],
        },
      ],
    },
    {
      objectives: [
        {
          title: 'Grow',
          keyResults: [
            { ...kr, target: 1 },
            { kind: 'percent', title: 'Share', start: -1, target: 101 },
            { ...kr, unit: long(21) },
          ],
        },
      ],
    },
  ],
  'strategy-review': [{ decision: 'maybe' }, { decision: 'changes', comment: 'a' }, { decision: 'approve', comment: long(2001) }],
  draft: [{ objectives: [{ ...objective, parentObjectiveId: 'a' }] }, { objectives: [{ ...objective, parentObjectiveId: 1.5 }] }],
  review: [{}],
  checkin: [
    { keyResults: [], confidence: 11 },
    { keyResults: [{ keyResultId: 1 }], confidence: 0.5 },
    { keyResults: Array(26).fill({ keyResultId: 1, value: 1 }), confidence: 'x', report: long(5001) },
    { keyResults: [{ keyResultId: 1, value: 'a' }], confidence: 0, items: [{ keyResultId: 1, kind: 'x', title: '', status: 'zz' }] },
    { keyResults: [{ keyResultId: 1, done: true }], confidence: 5, items: Array(51).fill({ keyResultId: 1, kind: 'task', title: 'a' }) },
  ],
  'self-score': [
    { scores: [] },
    {
      scores: [
        { keyResultId: 1, score: 1.5 },
        { keyResultId: 1, score: -1 },
        { keyResultId: 1, score: 'a' },
      ],
    },
    { scores: Array(26).fill({ keyResultId: 1, score: 1 }) },
  ],
  calibrate: [{ scores: [{ keyResultId: 'x', score: 0.5, comment: long(2001) }], comment: long(2001) }],
  nominate: [
    { nominations: [{ personEmail: 'x', citation: 'short' }, { objectiveId: 'a', citation: 'long enough text' }, {}, {}] },
    { nominations: [{ objectiveId: 1, citation: 'long enough\u0000' }] },
  ],
  vote: [{ nominationIds: [] }, { nominationIds: [1, 1] }, { nominationIds: [1, 2, 3, 4] }, { nominationIds: 'a' }],
  finalize: [{ winnerNominationIds: Array.from({ length: 11 }, (_, i) => i + 1) }, { winnerNominationIds: [2, 2], announcement: long(2001) }],
};

function issuesOf(kind: TaskKind) {
  return BAD[kind].flatMap((input) => {
    const r = submissionSchemas[kind].safeParse(input);
    expect(r.success, `${kind} ${JSON.stringify(input).slice(0, 80)}`).toBe(false);
    return r.success ? [] : r.error.issues;
  });
}

/** Latin words of two letters or more, except the ones a Chinese text keeps (KR, OKR, Unicode's U+0000). */
const ENGLISH = /\b(?!(?:OKR|KR|Unicode|U)\b)[A-Za-z]{2,}\b/;

describe('validation messages in every language', () => {
  for (const kind of TASK_KINDS) {
    it(`${kind}: every issue has a Chinese rendering without English words`, () => {
      const issues = issuesOf(kind);
      expect(issues.length).toBeGreaterThan(0);
      for (const issue of issues) {
        const zh = translateIssue('zh-CN', issue);
        expect(zh, `${issue.code} ${issue.path.join('.')} "${issue.message}"`).not.toMatch(ENGLISH);
        expect(zh.length).toBeGreaterThan(0);
      }
    });
  }

  it('renders by code, not by the English text: an edited English message keeps its Chinese', () => {
    const [issue] = submissionSchemas.review.safeParse({ decision: 'changes', comment: 'a' }).error!.issues;
    expect(translateIssue('zh-CN', issue!)).toBe('请说明需要修改什么（至少 3 个字符）');
    expect(translateIssue('zh-CN', { ...issue!, message: 'please explain what to change' })).toBe('请说明需要修改什么（至少 3 个字符）');
    expect(translateIssue('en', issue!)).toBe('say what should change (at least 3 characters)');
  });

  it('the English catalogue says what the contract says, for every message the contract writes itself', () => {
    const en = validationWords.en;
    const written = TASK_KINDS.flatMap(issuesOf).filter((i) => !/^(?:Invalid|Too (?:big|small))\b/.test(i.message));
    const catalogue = new Set<string>([
      en.unstorable,
      en.number,
      en.id,
      en.email,
      en.wholeNumber,
      ...Object.values(en.choice),
      en.differFromStart,
      en.valueOrDone,
      en.eachOnce,
      ...Object.values(en.range),
      ...Object.values(en.choose),
      en.title,
      en.timeZone,
      en.percent(MAX_PERCENT),
      ...[1, 3, 10].map(en.textMin),
      ...[200, 2000, 5000].map(en.textMax),
      en.commentMin(3),
      ...Object.values(en.listMin).flatMap((f) => [1, 2].map(f)),
      ...Object.values(en.listMax).flatMap((f) => [3, 5, 10].map(f)),
    ]);
    for (const issue of written) expect(catalogue, issue.message).toContain(issue.message);
  });
});

describe('the catalogue has every key in every language', () => {
  /** The shape of a dictionary: its keys, recursively, and which values are functions. */
  const shape = (value: unknown): unknown =>
    typeof value === 'function'
      ? 'fn'
      : value && typeof value === 'object'
        ? Object.fromEntries(
            Object.entries(value)
              .sort()
              .map(([k, v]) => [k, shape(v)]),
          )
        : typeof value;

  it('pages, emails and validation', () => {
    for (const locale of SUPPORTED_LOCALES) {
      expect(shape({ ...pageStrings(locale), lang: '' }), locale).toEqual(shape({ ...pageStrings('en'), lang: '' }));
      expect(shape(mailWords[locale]), locale).toEqual(shape(mailWords.en));
      expect(shape(validationWords[locale]), locale).toEqual(shape(validationWords.en));
      expect(shape(consoleWordsByLocale[locale]), locale).toEqual(shape(consoleWordsByLocale.en));
      expect(shape(cycleWords[locale]), locale).toEqual(shape(cycleWords.en));
    }
  });

  it('each kind’s words', () => {
    for (const kind of TASK_KINDS) {
      for (const locale of SUPPORTED_LOCALES) {
        const words = kinds[kind].words[locale];
        expect(shape(words), `${kind} ${locale}`).toEqual(shape(kinds[kind].words.en));
        for (const text of [...Object.values(words.page), words.mail.action(2, 'Bo'), words.mail.noun(2, 'Bo'), words.mail.intro('Q1', 'Bo', 2)])
          expect(text.length).toBeGreaterThan(0);
      }
    }
  });
});

describe('the console’s Chinese words', () => {
  /** Every text of a dictionary: strings as they are, functions called with sample arguments. */
  const texts = (value: unknown, path = ''): [string, string][] => {
    if (typeof value === 'string') return [[path, value]];
    if (typeof value === 'function') return [[path, String((value as (...a: unknown[]) => unknown)(...Array(value.length).fill(2)))]];
    if (value && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => texts(v, `${path}.${k}`));
    return [];
  };
  /** Names that stay as they are in Chinese: products, formats, the CSV's column names, language names. */
  const KEPT = /\b(?:OKR|HR|API|UI|CSV|JSON|SMTP|Temporal|YYYY|MM|DD|email|name|managerEmail|department|roles|locale|English|ana|example|com)\b/g;

  it('has no English words left in zh-CN', () => {
    const zh = texts(consoleWordsByLocale['zh-CN']);
    expect(zh.length).toBeGreaterThan(100);
    for (const [path, text] of zh) expect(text.replace(KEPT, ''), path).not.toMatch(/\b[A-Za-z]{2,}\b/);
  });
});
