/**
 * A Chinese reader sees no English: every email of every kind, and every answer to a reply
 * (recorded, rejected with the parser's and the database rules' messages, closed, link only), is
 * rendered in zh-CN from a data set whose names, titles and values are all Chinese — so any ASCII
 * word left in the output is a leak of our own words. Allowed: links, email addresses, and the
 * few Latin abbreviations Chinese OKR tools use themselves (OKR, KR1…, O1…, HR).
 */
import { describe, expect, it } from 'vitest';
import { TASK_KINDS, type Locale, type TaskKind } from '../../contract';
import { translateFieldIssue } from '../../i18n/validation';
import type { KeyResultOption } from '../../kinds/types';
import { parseReply, problemsFromIssues } from '../../mail/reply-parser';
import { type OutboxData, type OutboxKind, REPLY_KINDS, type RenderExtras, renderEmail } from '../../mail/templates';
import { RULE_CODES } from '../../kinds/rules';

const LINK = 'https://okr.example.com/t/abcDEF123_-?x=1&y=2';
// ISO 4217 and its currency codes (the bonus rules) are codes, not English.
const ALLOWED = /\b(?:OKRs?|KR\d*|O\d+|HR|ISO|CNY|EUR|USD)\b/g;

/** What is left of a text once links, addresses and allowed abbreviations are taken out. */
function latinWords(text: string): string[] {
  const stripped = text
    .replace(/https?:\/\/\S+/g, ' ')
    .replace(/[\w.+-]+@[\w.-]+/g, ' ')
    .replace(/&(?:amp|lt|gt|quot|#39);/g, ' ')
    .replace(ALLOWED, ' ');
  return stripped.match(/[A-Za-z]+/g) ?? [];
}

/** The visible text of an email's HTML (tags, attributes and styles are not read by people). */
function visible(html: string): string {
  return html.replace(/<style[\s\S]*?<\/style>/g, ' ').replace(/<[^>]+>/g, ' ');
}

function kr(partial: Partial<KeyResultOption> & Pick<KeyResultOption, 'keyResultId' | 'title' | 'kind'>): KeyResultOption {
  return {
    objectiveId: 1,
    objectiveTitle: '提升新用户激活',
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
  kr({ keyResultId: 11, title: '激活率', kind: 'percent', start: 40, target: 60, unit: '%', current: 45 }),
  kr({ keyResultId: 12, title: '团队数', kind: 'numeric', start: 100, target: 500, unit: '个', current: 120, suggestedScore: 0.1, selfScore: 0.3, score: 0.4 }),
  kr({ keyResultId: 13, title: '上线新手引导', kind: 'milestone', start: null, target: null, done: false, selfScore: 0.5 }),
];
const EXTRAS: RenderExtras = {
  replies: true,
  links: { 1: LINK, 2: LINK },
  keyResults: KEY_RESULTS,
  confidence: 6,
  certificateLinks: [LINK],
  objectives: [{ id: 1, title: '提升新用户激活', parent: '公司增长', keyResults: [{ title: '激活率', measure: '40% → 60%' }] }],
};
const base = { locale: 'zh-CN' as Locale, personName: '王芳', cycleTitle: '二〇二七年第一季度', timeZone: 'Asia/Shanghai' };

/** Every email the outbox can hold, in zh-CN, with Chinese data. */
function everyEmail(): [string, OutboxKind, OutboxData[OutboxKind], string | undefined][] {
  const all: [string, OutboxKind, OutboxData[OutboxKind], string | undefined][] = [];
  for (const taskKind of TASK_KINDS) {
    for (const round of [1, 2]) {
      const t = { ...base, taskKind, dueAt: '2027-01-18T17:00:00.000Z', round, subjectName: '李雷' };
      all.push([`invite ${taskKind} ${round}`, 'task-invite', t, LINK]);
      all.push([`invite ${taskKind} ${round} comment`, 'task-invite', { ...t, comment: '请把关键结果二改成可衡量的' }, LINK]);
      all.push([`reminder ${taskKind} ${round}`, 'task-reminder', { ...t, reminderNo: 0 }, LINK]);
      all.push([`reminder ${taskKind} ${round} by hand`, 'task-reminder', { ...t, reminderNo: 0, remindedBy: '张伟' }, LINK]);
      for (const level of ['manager', 'hr'] as const) {
        all.push([
          `escalation ${taskKind} ${round} ${level}`,
          'task-escalation',
          { ...t, ownerName: '张伟', ownerEmail: 'zhang@example.com', level },
          undefined,
        ]);
      }
    }
  }
  all.push([
    'awards',
    'awards-announcement',
    {
      ...base,
      winners: [
        { label: '李雷', citation: '带领团队完成迁移' },
        { label: '提升新用户激活（王芳）', citation: '激活率翻倍' },
      ],
      announcement: '感谢大家的努力',
    },
    undefined,
  ]);
  all.push([
    'awards to a winner',
    'awards-announcement',
    { ...base, winners: [{ label: '李雷', citation: '带领团队完成迁移' }], announcement: '感谢大家的努力', certificates: [1] },
    undefined,
  ]);
  all.push(['awards none', 'awards-announcement', { ...base, winners: [] }, undefined]);
  all.push(['cancelled', 'cycle-cancelled', { ...base, reason: '组织调整' }, undefined]);
  all.push([
    'digest',
    'manager-digest',
    { ...base, week: 3, checkedIn: ['李雷'], missed: ['张伟'], lowConfidence: [{ person: '李雷', confidence: 3 }] },
    undefined,
  ]);
  all.push(['digest none', 'manager-digest', { ...base, week: 3, checkedIn: [], missed: ['张伟'], lowConfidence: [] }, undefined]);
  all.push(['approved', 'review-outcome', { ...base, decision: 'approve', reviewerName: '李雷', comment: '很好' }, LINK]);
  all.push([
    'changes',
    'review-outcome',
    { ...base, decision: 'changes', reviewerName: '李雷', comment: '请补充数字', dueAt: '2027-01-18T17:00:00.000Z' },
    LINK,
  ]);
  all.push([
    'final score',
    'final-score',
    {
      ...base,
      managerName: '李雷',
      overall: 0.62,
      comment: '表现稳定',
      objectives: [
        {
          title: '提升新用户激活',
          score: 0.62,
          keyResults: [
            { title: '激活率', score: 0.7 },
            { title: '团队数', score: null },
          ],
        },
      ],
    },
    undefined,
  ]);
  all.push([
    'tasks together',
    'tasks-together',
    {
      ...base,
      taskKind: 'review',
      round: 1,
      dueAt: '2027-01-18T17:00:00.000Z',
      tasks: [
        { taskId: 1, subjectPersonId: 2, subjectName: '李雷' },
        { taskId: 2, subjectPersonId: 3, subjectName: '张伟' },
      ],
    },
    undefined,
  ]);
  return all;
}

/** Every answer to a reply, for every kind completable by reply, with real parser and rule messages. */
function everyAnswer(): [string, OutboxData['reply-answer'], string | undefined][] {
  const all: [string, OutboxData['reply-answer'], string | undefined][] = [];
  const garbled: Record<string, string[]> = {
    checkin: ['', 'KR1: 一百', 'KR3: 也许\nKR1: 50%\nKR1: 60%\nKR9: 3', 'KR1: 120%\n信心：12', 'KR2: 12 只\n信心：5\n信心：6'],
    review: ['也许吧', '修改：好'],
    'strategy-review': ['嗯'],
    'self-score': ['KR1: 高', 'KR1: 1.5', '感谢'],
    calibrate: ['KR1: 2', 'KR7: 0.5'],
  };
  for (const taskKind of REPLY_KINDS) {
    const d = { ...base, taskKind, round: 2, subjectName: '李雷' };
    all.push([
      `${taskKind} completed`,
      {
        ...d,
        outcome: 'completed',
        recorded: [
          { label: 'KR1', title: '激活率', value: '60%' },
          { label: 'KR3', title: '上线新手引导', done: true },
        ],
        confidence: 7,
        decision: 'changes',
        comment: '补充数字',
        report: '本周上线测试版',
      },
      LINK,
    ]);
    for (const status of ['completed', 'expired', 'cancelled'] as const) all.push([`${taskKind} closed ${status}`, { ...d, outcome: 'closed', status }, LINK]);
    for (const text of garbled[taskKind] ?? []) {
      const parsed = parseReply(taskKind, text, KEY_RESULTS, 'zh-CN');
      expect(parsed.ok, `${taskKind}: ${text}`).toBe(false);
      if (!parsed.ok) all.push([`${taskKind} rejected ${text}`, { ...d, outcome: 'rejected', problems: parsed.problems }, LINK]);
    }
    // the database rules' messages, as the handlers raise them
    const parsed = parseReply(
      taskKind,
      taskKind === 'checkin' ? 'KR1: 50%\n信心：5' : taskKind === 'review' || taskKind === 'strategy-review' ? '批准' : 'KR1: 0.5',
      KEY_RESULTS,
      'zh-CN',
    );
    const issues = RULE_CODES.map((code) => ({
      path: taskKind === 'checkin' ? 'keyResults.0.keyResultId' : 'scores.0.keyResultId',
      message: 'x',
      code: `rule.${code}`,
      params: { name: '李雷', max: 1000, key: '2027-1', year: 2027 },
    }));
    const problems = problemsFromIssues(
      parsed,
      issues.map((i) => ({ path: i.path, message: translateFieldIssue('zh-CN', i) })),
      'zh-CN',
    );
    all.push([`${taskKind} rules`, { ...d, outcome: 'rejected', problems }, LINK]);
  }
  for (const taskKind of TASK_KINDS.filter((k) => !REPLY_KINDS.has(k as TaskKind))) {
    all.push([`${taskKind} unsupported`, { ...base, taskKind, round: 1, outcome: 'unsupported' }, LINK]);
  }
  return all;
}

describe('zh-CN emails and reply answers', () => {
  it('contain no English words of ours (every email of every kind)', () => {
    const leaks: string[] = [];
    for (const [what, kind, data, link] of everyEmail()) {
      const email = renderEmail(kind, data, link, EXTRAS);
      for (const [part, text] of [
        ['subject', email.subject],
        ['text', email.text],
        ['html', visible(email.html)],
      ] as const) {
        const words = latinWords(text);
        if (words.length) leaks.push(`${what} (${part}): ${words.join(' ')}\n${text}`);
      }
    }
    expect(leaks).toEqual([]);
  });

  it('contain no English words of ours (every answer to a reply)', () => {
    const leaks: string[] = [];
    for (const [what, data, link] of everyAnswer()) {
      const email = renderEmail('reply-answer', data, link, EXTRAS);
      for (const [part, text] of [
        ['subject', email.subject],
        ['text', email.text],
      ] as const) {
        const words = latinWords(text);
        if (words.length) leaks.push(`${what} (${part}): ${words.join(' ')}\n${text}`);
      }
    }
    expect(leaks).toEqual([]);
  });

  it('the check fails on a leak (it is not a check that cannot fail)', () => {
    expect(latinWords('打开任务：https://x.example/t/1 请审核 OKR 和 KR2')).toEqual([]);
    expect(latinWords('截止时间 2026年12月2日 GMT+1 10:29')).toEqual(['GMT']);
    expect(latinWords('请写 approve')).toEqual(['approve']);
  });

  it('uses Chinese punctuation and date order, with a space around Latin names', () => {
    const email = renderEmail(
      'task-invite',
      {
        ...base,
        personName: 'Eva Müller',
        subjectName: 'Eva Müller',
        taskKind: 'review',
        round: 1,
        dueAt: '2026-12-02T09:29:00.000Z',
        timeZone: 'Europe/Berlin',
      },
      LINK,
      EXTRAS,
    );
    expect(email.subject).toContain('审核 Eva Müller 的 OKR');
    expect(email.text).toContain('截止时间：2026年12月2日 10:29（德国时间）');
    expect(email.text).toContain(`1. 打开任务链接：${LINK}`);
    expect(email.text).toContain('O1 提升新用户激活（对齐到：公司增长） — 激活率：40% → 60%');
    expect(renderEmail('task-invite', { ...base, taskKind: 'draft', round: 1, dueAt: '2026-12-02T09:29:00.000Z' }, LINK).text).toContain(`打开任务：${LINK}`);
    expect(email.text).not.toMatch(/[\u4e00-\u9fff][:?]/);
    const shanghai = renderEmail('task-reminder', { ...base, taskKind: 'checkin', round: 1, reminderNo: 0, dueAt: '2026-12-02T09:29:00.000Z' }, LINK, EXTRAS);
    expect(shanghai.subject).toContain('2026年12月2日 17:29（中国时间）');
  });
});
