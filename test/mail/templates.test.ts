import { describe, expect, it } from 'vitest';
import type { EmailData } from '../../mail/templates/data';
import { type OutboxData, type OutboxKind, type RenderExtras, renderEmail } from '../../mail/templates';
import { TASK_KINDS, type Locale, type TaskKind } from '../../contract';
import type { KeyResultOption } from '../../kinds/types';
import { parseReply } from '../../mail/reply-parser';

const EVIL = '<script>alert(1)</script>';
const LINK = 'https://okr.example.com/t/abcDEF123_-?x=1&y=2';
const base = (locale: Locale) => ({ locale, personName: `Ana ${EVIL}`, cycleTitle: `Q1 ${EVIL}`, timeZone: 'Europe/Berlin' });
const task = (locale: Locale, taskKind: TaskKind) => ({ ...base(locale), taskKind, dueAt: '2027-01-18T17:00:00.000Z', round: 3, subjectName: `Bo ${EVIL}` });

function kr(partial: Partial<KeyResultOption> & Pick<KeyResultOption, 'keyResultId' | 'title' | 'kind'>): KeyResultOption {
  return {
    objectiveId: 1,
    objectiveTitle: `Onboarding ${EVIL}`,
    start: 0,
    target: 100,
    unit: null,
    current: null,
    done: null,
    selfScore: null,
    score: null,
    suggestedScore: null,
    ...partial,
  };
}
const KEY_RESULTS = [
  kr({ keyResultId: 11, title: 'Activation rate', kind: 'percent', start: 40, target: 60, unit: '%', current: 45 }),
  kr({ keyResultId: 12, title: 'Teams', kind: 'numeric', start: 100, target: 500, unit: 'teams', current: 120, suggestedScore: 0.1 }),
  kr({ keyResultId: 13, title: `Tour ${EVIL}`, kind: 'milestone', start: null, target: null, done: false, selfScore: 0.5 }),
];

/** One example of every email, in both languages. */
function everyEmail(locale: Locale): [OutboxKind, OutboxData[OutboxKind], string | undefined][] {
  const all: [OutboxKind, OutboxData[OutboxKind], string | undefined][] = [];
  for (const kind of TASK_KINDS) {
    all.push(['task-invite', { ...task(locale, kind), comment: `Tighten KR2 ${EVIL}` }, LINK]);
    all.push(['task-reminder', { ...task(locale, kind), reminderNo: 0 }, LINK]);
    all.push([
      'task-escalation',
      { ...task(locale, kind), ownerName: `Cy ${EVIL}`, ownerEmail: 'cy@example.com', level: 'manager' } satisfies EmailData['task-escalation'],
      undefined,
    ]);
  }
  all.push([
    'awards-announcement',
    { ...base(locale), winners: [{ label: `Bo ${EVIL}`, citation: `for ${EVIL}` }], announcement: `Well done ${EVIL}` },
    undefined,
  ]);
  all.push(['cycle-cancelled', { ...base(locale), reason: `Reorg ${EVIL}` }, undefined]);
  all.push([
    'manager-digest',
    { ...base(locale), week: 3, checkedIn: [`Bo ${EVIL}`], missed: ['Cy'], lowConfidence: [{ person: 'Bo', keyResult: `Teams ${EVIL}`, confidence: 3 }] },
    undefined,
  ]);
  for (const outcome of ['completed', 'rejected', 'closed', 'unsupported'] as const) {
    all.push([
      'reply-answer',
      {
        ...base(locale),
        taskKind: 'checkin',
        round: 3,
        outcome,
        recorded: [{ label: 'KR1', title: `Activation ${EVIL}`, value: '60%' }],
        confidence: 7,
        report: `Shipped ${EVIL}`,
        problems: [{ line: 2, text: `KR2: ${EVIL}`, message: 'KR2 needs a number' }],
        status: 'completed',
      },
      LINK,
    ]);
  }
  return all;
}

describe('email templates', () => {
  for (const locale of ['en', 'zh-CN'] as const) {
    it(`render every kind in ${locale}, escaping every value in the HTML`, () => {
      for (const [kind, data, link] of everyEmail(locale)) {
        const extras: RenderExtras = {
          replies: true,
          keyResults: KEY_RESULTS,
          objectives: [{ id: 1, title: `O ${EVIL}`, parent: `P ${EVIL}`, keyResults: [{ title: `K ${EVIL}`, measure: '1 → 2' }] }],
        };
        const email = renderEmail(kind, data, link, extras);
        const what = `${kind} ${(data as { taskKind?: string }).taskKind ?? ''} ${locale}`;
        expect(email.subject, what).not.toMatch(/[\r\n]/);
        expect(email.subject.length, what).toBeGreaterThan(5);
        expect(email.html, what).not.toContain('<script>');
        expect(email.html, what).toContain('&lt;script&gt;');
        expect(email.html, what).toContain(`lang="${locale}"`);
        expect(email.text.length, what).toBeGreaterThan(20);
        if (link && kind !== 'reply-answer') {
          expect(email.text, what).toContain(LINK);
          expect(email.html, what).toContain(`href="${LINK.replace(/&/g, '&amp;')}"`);
        }
        if (!link) expect(email.text, what).not.toContain('/t/');
      }
    });
  }

  it('a task subject says what to do and by when; the drafting invite keeps its wording', () => {
    const en = renderEmail('task-invite', { ...task('en', 'draft'), round: 1, cycleTitle: 'Q1 2027' }, LINK);
    expect(en.subject).toBe('Q1 2027: draft your OKRs by Jan 18, 2027, 06:00 PM GMT+1');
    // a later round says what changed, in the inbox
    expect(renderEmail('task-invite', { ...task('en', 'draft'), round: 2, cycleTitle: 'Q1 2027' }, LINK).subject).toBe(
      'Changes requested — Q1 2027: draft your OKRs by Jan 18, 2027, 06:00 PM GMT+1',
    );
    expect(renderEmail('task-invite', { ...task('en', 'review'), round: 2, subjectName: 'Bo', cycleTitle: 'Q1 2027' }, LINK).subject).toBe(
      'Revised — Q1 2027: review Bo’s OKRs by Jan 18, 2027, 06:00 PM GMT+1',
    );
    expect(renderEmail('task-invite', { ...task('zh-CN', 'draft'), round: 2, cycleTitle: 'Q1 2027' }, LINK).subject).toMatch(
      /^需要修改 — Q1 2027：请在 .+）前制定你的 OKR$/,
    );
    const zh = renderEmail('task-invite', { ...task('zh-CN', 'draft'), round: 1, cycleTitle: 'Q1 2027' }, LINK);
    expect(zh.subject).toMatch(/^Q1 2027：请在 .+）前制定你的 OKR$/);
    expect(renderEmail('task-reminder', { ...task('en', 'checkin'), cycleTitle: 'Q1 2027', reminderNo: 0 }, LINK).subject).toBe(
      'Reminder — Q1 2027: check in for week 3 by Jan 18, 2027, 06:00 PM GMT+1',
    );
  });

  it('a check-in email lists the key results as KR1…, and shows both ways: the link and a reply to copy', () => {
    const email = renderEmail('task-invite', task('en', 'checkin'), LINK, { replies: true, keyResults: KEY_RESULTS, confidence: 6 });
    expect(email.text).toContain('Two ways to complete it:');
    expect(email.text).toContain(`1. Open your task: ${LINK}`);
    expect(email.text).toContain('KR1 — Activation rate');
    expect(email.text).toContain('now 45%, target 60%');
    expect(email.text).toContain('now 120 teams, target 500 teams');
    expect(email.text).toContain('KR1: 45%\nKR2: 120\nKR3: not done\nconfidence: 6\n');
    // what the email tells people to write is what the parser reads
    const example = email.text.slice(email.text.indexOf('KR1: 45%'), email.text.indexOf('The link and'));
    const parsed = parseReply('checkin', example, KEY_RESULTS);
    expect(parsed.ok).toBe(true);
  });

  it('every reply example in every language parses', () => {
    for (const locale of ['en', 'zh-CN'] as const) {
      for (const kind of ['checkin', 'review', 'strategy-review', 'self-score', 'calibrate'] as const) {
        for (const keyResults of [KEY_RESULTS, undefined]) {
          const email = renderEmail('task-invite', task(locale, kind), LINK, { replies: true, keyResults });
          const blocks = [...email.html.matchAll(/<pre[^>]*>([\s\S]*?)<\/pre>/g)].map((m) =>
            m[1]!.replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&'),
          );
          expect(blocks.length, `${kind} ${locale}`).toBeGreaterThan(0);
          for (const block of blocks) {
            const parsed = parseReply(kind, block, keyResults ?? KEY_RESULTS, locale);
            expect(parsed.ok, `${kind} ${locale}: ${block}\n${JSON.stringify(!parsed.ok && parsed.problems)}`).toBe(true);
          }
        }
      }
    }
  });

  it('reply instructions appear only when replies are on, and only for kinds completable by reply', () => {
    expect(renderEmail('task-invite', task('en', 'checkin'), LINK, { replies: false }).text).not.toContain('confidence:');
    const draft = renderEmail('task-invite', task('en', 'draft'), LINK, { replies: true });
    expect(draft.text).not.toContain('reply to this email');
    expect(draft.text).toContain(`Open your task: ${LINK}`);
    const review = renderEmail('task-invite', task('en', 'review'), LINK, { replies: true });
    expect(review.text).toContain('approve');
    expect(review.text).toContain('changes: ');
  });

  it('shows what is already there: the reviewer’s comment, the objectives under review', () => {
    const redraft = renderEmail('task-invite', { ...task('en', 'draft'), comment: 'Make KR2 measurable' }, LINK);
    expect(redraft.text).toContain('Comment from your reviewer: Make KR2 measurable');
    const review = renderEmail('task-invite', task('en', 'review'), LINK, {
      objectives: [{ id: 1, title: 'Grow', parent: 'Company growth', keyResults: [{ title: 'Revenue', measure: '1 → 2 M€' }] }],
    });
    expect(review.text).toContain('O1 Grow (aligned to: Company growth) — Revenue: 1 → 2 M€');
  });

  it('an answer to a garbled reply says which line and why, in the owner’s language', () => {
    const data: OutboxData['reply-answer'] = {
      ...base('zh-CN'),
      taskKind: 'checkin',
      round: 3,
      outcome: 'rejected',
      problems: [
        { line: 2, text: 'KR2: 十二', message: 'KR2 需要一个数字' },
        { line: null, text: null, message: '请加一行 "confidence: N"' },
      ],
    };
    const email = renderEmail('reply-answer', data, LINK, { replies: true });
    expect(email.subject).toMatch(/^尚未记录/);
    expect(email.text).toContain('第 2 行“KR2: 十二”：KR2 需要一个数字');
    expect(email.text).toContain('请加一行 "confidence: N"');
    expect(email.text).toContain(LINK);
  });
});
