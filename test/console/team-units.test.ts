/**
 * The pure parts of My team and My department: every word in both languages, who is behind on a
 * phase, the confidence sparkline (escaped, one dot per week, lows in red), and the nudge email in
 * English and Chinese (the ambassador named, the due time in the recipient's zone, HTML escaped).
 */
import { describe, expect, it } from 'vitest';
import { sparkline } from '../../api/console/team-shared';
import { toHtml } from '../../core/html';
import { behindOnPhase } from '../../core/nudges';
import type { TaskRow } from '../../db/team';
import { teamWordsByLocale } from '../../i18n/console-team';
import { renderEmail } from '../../mail/templates';

const row = (id: number, person: number, phase: TaskRow['phase'], status: TaskRow['status'], due: string): TaskRow => ({
  id,
  person_id: person,
  subject_person_id: null,
  kind: phase === 'scoring' ? 'self-score' : 'checkin',
  phase,
  round: 1,
  status,
  due_at: new Date(due),
  completed_at: null,
});

describe('My team and My department, the pure parts', () => {
  it('has every word in both languages', () => {
    const shape = (o: unknown): unknown => (o && typeof o === 'object' ? Object.fromEntries(Object.entries(o).map(([k, v]) => [k, shape(v)])) : typeof o);
    expect(shape(teamWordsByLocale['zh-CN'])).toEqual(shape(teamWordsByLocale.en));
  });

  it('lists each person once, with their earliest-due open task of the open phase', () => {
    const tasks = [
      row(1, 10, 'checkins', 'open', '2027-01-01T00:00:00Z'), // an older phase: not counted
      row(2, 10, 'scoring', 'completed', '2027-02-01T00:00:00Z'),
      row(3, 11, 'scoring', 'open', '2027-02-03T00:00:00Z'),
      row(4, 11, 'scoring', 'open', '2027-02-02T00:00:00Z'),
      row(5, 12, 'scoring', 'expired', '2027-02-01T00:00:00Z'),
    ];
    expect(behindOnPhase(tasks, 'scoring').map((t) => [t.person_id, t.id])).toEqual([[11, 4]]);
    expect(behindOnPhase(tasks, 'checkins').map((t) => t.id)).toEqual([1]);
    expect(behindOnPhase([], 'scoring')).toEqual([]);
  });

  it('draws the confidence trend with a text alternative, escaped', async () => {
    const svg = await toHtml(
      sparkline(
        [
          { week: 1, confidence: 8 },
          { week: 2, confidence: 3 },
        ],
        'Confidence of <b>Bo</b>',
      ),
    );
    expect(svg).toContain('role="img"');
    expect(svg).toContain('Confidence of &lt;b&gt;Bo&lt;/b&gt;: 1→8, 2→3');
    expect(svg.match(/<circle/g)).toHaveLength(2);
    expect(svg).toContain('fill="#cf222e"'); // week 2 is low
    expect(await toHtml(sparkline([], 'none'))).toBe('');
  });

  it('writes the nudge in the recipient’s language, naming the ambassador, with their own due time', () => {
    const base = {
      personName: 'Ann <x>',
      cycleTitle: 'Q1',
      taskKind: 'self-score' as const,
      dueAt: '2027-01-18T17:00:00.000Z',
      round: 1,
      reminderNo: 0,
      nudgedBy: 'Abe <Ambassador>',
    };
    const en = renderEmail('task-reminder', { ...base, locale: 'en', timeZone: 'America/New_York' }, 'https://okr.example.com/t/abc');
    expect(en.subject).toBe('A friendly nudge — Q1: score your key results by Jan 18, 2027, 12:00 PM EST');
    expect(en.text).toContain("Abe <Ambassador>, your department's OKR ambassador, sends you a friendly nudge");
    expect(en.html).toContain('Abe &lt;Ambassador&gt;');
    expect(en.html).not.toContain('<Ambassador>');
    const zh = renderEmail('task-reminder', { ...base, locale: 'zh-CN', timeZone: 'Asia/Shanghai', nudgedBy: '李大使' }, 'https://okr.example.com/t/abc');
    expect(zh.subject).toContain('温馨提醒 — Q1');
    expect(zh.subject).toContain('2027年1月19日 01:00（中国时间）');
    expect(zh.text).toContain('你所在部门的 OKR 大使李大使温馨提醒你');
    // HR is no department's ambassador: the nudge says HR.
    const byHr = renderEmail('task-reminder', { ...base, nudgedBy: 'Hana', nudgedAs: 'hr', locale: 'en', timeZone: 'UTC' }, undefined);
    expect(byHr.text).toContain('Hana from HR sends you a friendly nudge');
    expect(byHr.text).not.toContain('ambassador');
    // HR's "remind now" keeps its own wording.
    const hr = renderEmail('task-reminder', { ...base, nudgedBy: undefined, remindedBy: 'Hana HR', locale: 'en', timeZone: 'UTC' }, undefined);
    expect(hr.subject.startsWith('Reminder — Q1')).toBe(true);
    expect(hr.text).not.toContain('nudge');
  });
});
