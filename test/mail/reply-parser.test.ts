import { describe, expect, it } from 'vitest';
import { freshLines, parseNumber, parseReply, problemsFromIssues, type ReplyKeyResult } from '../../mail/reply-parser';

const KRS: ReplyKeyResult[] = [
  { keyResultId: 11, title: 'Activation rate', kind: 'percent', unit: '%' },
  { keyResultId: 12, title: 'Weekly active teams', kind: 'numeric', unit: 'teams' },
  { keyResultId: 13, title: 'Ship the guided tour', kind: 'milestone', unit: null },
];

describe('freshLines: what the person wrote', () => {
  it('drops quoted lines, the quoted email after "On … wrote:", and the signature; keeps line numbers', () => {
    const text = [
      'KR1: 60%', // 1
      '> KR1: 40%', // 2 quoted
      'confidence: 7', // 3
      '', // 4
      '-- ', // 5 signature separator
      'Ana Lead, Product',
      'On Mon, 18 Jan 2027 at 09:00, OKR <okr@example.com> wrote:',
      '> KR2: 1',
    ].join('\r\n');
    expect(freshLines(text)).toEqual([
      { no: 1, text: 'KR1: 60%' },
      { no: 3, text: 'confidence: 7' },
    ]);
  });

  it('recognises the quote headers of common clients, in English and Chinese', () => {
    const headers = [
      'On Mon, 18 Jan 2027 at 09:00, OKR <okr@example.com> wrote:',
      '-----Original Message-----',
      '在 2027年1月18日 09:00，OKR <okr@example.com> 写道：',
      '-----原始邮件-----',
      '---------- Forwarded message ---------',
    ];
    for (const header of headers) {
      expect(freshLines(`KR1: 60%\n${header}\nKR2: 5\nconfidence: 1`), header).toEqual([{ no: 1, text: 'KR1: 60%' }]);
    }
    // a header wrapped over two lines, and Outlook's header block
    expect(freshLines('approve\nOn Mon, 18 Jan 2027 at 09:00, OKR Orchestrator <okr@example.com>\nwrote:\n> x')).toEqual([{ no: 1, text: 'approve' }]);
    expect(freshLines('approve\n________________________________\nFrom: OKR <okr@example.com>\nSent: Monday')).toEqual([{ no: 1, text: 'approve' }]);
    expect(freshLines('approve\nFrom: OKR <okr@example.com>\nSent: Monday, 18 January 2027')).toEqual([{ no: 1, text: 'approve' }]);
    expect(freshLines('approve\n\nSent from my iPhone')).toEqual([{ no: 1, text: 'approve' }]);
  });
});

describe('parseNumber', () => {
  it('reads the ways people write numbers', () => {
    expect(parseNumber('12')).toBe(12);
    expect(parseNumber('12.5')).toBe(12.5);
    expect(parseNumber('0,7')).toBe(0.7);
    expect(parseNumber('1,200')).toBe(1200);
    expect(parseNumber('.5')).toBe(0.5);
    expect(parseNumber('-3')).toBe(-3);
    for (const bad of ['twelve', '1.2.3', '', '12abc', '1,2,3']) expect(parseNumber(bad), bad).toBeNull();
  });
});

describe('check-in replies', () => {
  it('maps KR numbers to the key results in order; confidence; the rest is the report', () => {
    const reply = 'Hi!\nKR1: 60%\nKR2: 14 teams\nKR3: done\nconfidence: 7\nShipped the beta; waiting for security.\n\nOn Mon, OKR <okr@x> wrote:\n> KR1: 1%';
    const parsed = parseReply('checkin', reply, KRS);
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.submission).toEqual({
      keyResults: [
        { keyResultId: 11, value: 60 },
        { keyResultId: 12, value: 14 },
        { keyResultId: 13, done: true },
      ],
      confidence: 7,
      items: [],
      report: 'Hi!\nShipped the beta; waiting for security.',
    });
  });

  it('accepts variants: no colon, full-width colon, bullets, "not done", a number without %, "7/10", a subset of key results', () => {
    const parsed = parseReply('checkin', '- KR1 55\nKR3：not done\nConfidence: 7/10\nreport: slow week', KRS);
    expect(parsed.ok && parsed.submission).toEqual({
      keyResults: [
        { keyResultId: 11, value: 55 },
        { keyResultId: 13, done: false },
      ],
      confidence: 7,
      items: [],
      report: 'slow week',
    });
  });

  it('says which line is wrong and why, for every problem at once', () => {
    const parsed = parseReply('checkin', 'KR1: 1600%\nKR2: twelve\nKR3: maybe\nKR4: 1\nKR1: 5%\nconfidence: 12', KRS);
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.problems.map((p) => [p.line, p.text])).toEqual([
      [4, 'KR4: 1'],
      [5, 'KR1: 5%'],
      [1, 'KR1: 1600%'],
      [2, 'KR2: twelve'],
      [3, 'KR3: maybe'],
      [6, 'confidence: 12'],
    ]);
    const byLine = new Map(parsed.problems.map((p) => [p.line, p.message]));
    expect(byLine.get(1)).toContain('from 0 to 1,000');
    expect(byLine.get(2)).toBe('KR2 needs a number (in teams), e.g. KR2: 12');
    expect(byLine.get(3)).toContain('"done" or "not done"');
    expect(byLine.get(4)).toContain('there is no KR4: this task has 3 key results');
    expect(byLine.get(5)).toContain('given twice (also on line 1)');
    expect(byLine.get(6)).toContain('from 1 to 10');
  });

  it('asks for the confidence and at least one key result', () => {
    const parsed = parseReply('checkin', 'Busy week, nothing to report.', KRS);
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.problems).toEqual([
      { line: null, text: null, message: 'add a line "confidence: N" with a whole number from 1 to 10' },
      { line: null, text: null, message: 'write at least one key result, one line each, e.g. KR1: 60%' },
    ]);
  });

  it('explains in Chinese for a zh-CN owner', () => {
    const parsed = parseReply('checkin', 'KR2: 十二\nconfidence: 7', KRS, 'zh-CN');
    expect(!parsed.ok && parsed.problems[0]).toMatchObject({ line: 1, message: expect.stringContaining('需要一个数字') });
  });

  it('an empty reply (only the quoted email) is a problem, not a completion', () => {
    const parsed = parseReply('checkin', '\n\n> KR1: 60%\n> confidence: 7', KRS);
    expect(!parsed.ok && parsed.problems[0]?.message).toContain('empty');
  });

  it('places server-side field issues on the line they came from', () => {
    const parsed = parseReply('checkin', 'KR1: 60%\nKR3: done\nconfidence: 7', KRS);
    expect(parsed.ok).toBe(true);
    expect(problemsFromIssues(parsed, [{ path: 'keyResults.1.keyResultId', message: 'is not one of your key results' }])).toEqual([
      { line: 2, text: 'KR3: done', message: 'KR3: is not one of your key results' },
    ]);
  });
});

describe('review replies', () => {
  it('approve, approve with a comment, changes with a comment over several lines', () => {
    expect(parseReply('review', 'approve', [])).toMatchObject({ ok: true, submission: { decision: 'approve' } });
    expect(parseReply('review', 'Approved. Great focus!', [])).toMatchObject({ ok: true, submission: { decision: 'approve', comment: 'Great focus!' } });
    expect(parseReply('strategy-review', 'changes: KR2 needs a number\nand O1 needs a parent', [])).toMatchObject({
      ok: true,
      submission: { decision: 'changes', comment: 'KR2 needs a number\nand O1 needs a parent' },
    });
    expect(parseReply('review', '同意', [])).toMatchObject({ ok: true, submission: { decision: 'approve' } });
  });

  it('anything else on the first line, or changes without a comment, is explained', () => {
    const vague = parseReply('review', 'looks fine to me\napprove', []);
    expect(!vague.ok && vague.problems).toEqual([{ line: 1, text: 'looks fine to me', message: expect.stringContaining('"approve"') }]);
    const empty = parseReply('review', 'changes:', []);
    expect(!empty.ok && empty.problems).toEqual([{ line: 1, text: 'changes:', message: 'after "changes:" say what should change' }]);
  });
});

describe('score replies', () => {
  it('a score per key result with an optional comment; other lines are the overall comment', () => {
    const parsed = parseReply('self-score', 'KR1: 0.7\nKR2: 0,4 — slipped because of the freeze\nKR3: 1\nA good quarter overall.', KRS);
    expect(parsed.ok && parsed.submission).toEqual({
      scores: [
        { keyResultId: 11, score: 0.7 },
        { keyResultId: 12, score: 0.4, comment: 'slipped because of the freeze' },
        { keyResultId: 13, score: 1 },
      ],
      comment: 'A good quarter overall.',
    });
  });

  it('scores out of range or as percentages are explained on their line', () => {
    const parsed = parseReply('calibrate', 'KR1: 70%\nKR2: 1.5', KRS);
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.problems).toEqual([
      { line: 1, text: 'KR1: 70%', message: 'KR1 needs a score from 0.0 to 1.0, e.g. KR1: 0.7' },
      { line: 2, text: 'KR2: 1.5', message: 'KR2 needs a score from 0.0 to 1.0, e.g. KR2: 0.7' },
    ]);
  });
});
