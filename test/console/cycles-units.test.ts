/**
 * The pure parts of the cycle pages: CSV cells that a spreadsheet must not run, the preview's
 * arithmetic (reminders inside a window only, emails per day in the cycle's time zone), and the
 * alignment tree (company → manager → person, unaligned apart, a loop of parents shown once).
 */
import { describe, expect, it } from 'vitest';
import { planCycle, scheduleSchema } from '../../contract';
import { alignmentCoverage, buildAlignmentTree } from '../../core/cycle-dashboard';
import { buildPreview, dayIn } from '../../core/cycle-preview';
import ExcelJS from 'exceljs';
import { csvCell, toCsv, toXlsx } from '../../core/exports';

describe('CSV exports', () => {
  it('neutralises cells a spreadsheet would run as a formula', () => {
    for (const start of ['=', '+', '-', '@', '\t', '\r']) expect(csvCell(`${start}SUM(A1)`).replace(/^"/, '')).toMatch(/^'/);
    expect(csvCell('=HYPERLINK("http://x","y")')).toBe(`"'=HYPERLINK(""http://x"",""y"")"`);
    expect(csvCell('Grow revenue')).toBe('Grow revenue');
    expect(csvCell(-0.5)).toBe('-0.5'); // numbers stay numbers
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('two\nlines')).toBe('"two\nlines"');
    expect(csvCell(null)).toBe('');
  });

  it('writes a BOM, a header and CRLF lines', () => {
    expect(toCsv(['a', 'b'], [[1, '张三']])).toBe('\uFEFFa,b\r\n1,张三\r\n');
  });
});

describe('XLSX exports', () => {
  it('types each column: numbers, booleans and dates stay themselves, formula-like text is neutralised', async () => {
    const at = new Date('2027-01-11T09:30:00Z');
    const file = await toXlsx(
      {
        columns: [
          { name: 'week', type: 'integer' },
          { name: 'value', type: 'number' },
          { name: 'done', type: 'boolean' },
          { name: 'report', type: 'text' },
          { name: 'submitted_at', type: 'date' },
        ],
        rows: [
          [1, 0.25, true, '-1 day slip', at],
          [2, null, false, '进展顺利', at],
        ],
      },
      'checkins',
    );
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(file as unknown as ArrayBuffer);
    const sheet = book.getWorksheet('checkins')!;
    expect((sheet.getRow(1).values as unknown[]).slice(1)).toEqual(['week', 'value', 'done', 'report', 'submitted_at']);
    expect(sheet.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    const row = sheet.getRow(2);
    expect(row.getCell(1).value).toBe(1);
    expect(row.getCell(2).type).toBe(ExcelJS.ValueType.Number);
    expect(row.getCell(3).value).toBe(true);
    expect(row.getCell(4).value).toBe("'-1 day slip");
    expect(row.getCell(5).type).toBe(ExcelJS.ValueType.Date);
    expect((row.getCell(5).value as Date).toISOString()).toBe(at.toISOString());
    expect(row.getCell(5).numFmt).toBe('yyyy-mm-dd hh:mm:ss');
    expect(sheet.getRow(3).getCell(2).value).toBeNull();
    expect(sheet.getRow(3).getCell(4).value).toBe('进展顺利');
    expect(sheet.getColumn(5).width).toBeGreaterThanOrEqual(20);
  });
});

describe('the cycle preview', () => {
  const audience = { participants: 100, executives: 2, managers: 10, nominators: 12, voters: 3 };
  const schedule = scheduleSchema.parse({ timeZone: 'Asia/Shanghai', checkIns: { every: '7d', weeks: 13, window: '2d' } });
  const plan = planCycle({ startsOn: '2027-01-04', endsOn: '2027-03-31', schedule, startedAt: '2026-12-01T02:00:00.000Z' });
  const preview = buildPreview(plan, schedule, audience);

  it('plans every phase in order and 13 check-in weeks', () => {
    expect(preview.phases.map((p) => p.phase)).toEqual(['strategy', 'drafting', 'review', 'checkins', 'scoring', 'awards']);
    for (let i = 1; i < preview.phases.length; i++) expect(preview.phases[i]!.opensAt >= preview.phases[i - 1]!.opensAt).toBe(true);
    expect(preview.checkinWeeks).toHaveLength(13);
    expect(preview.checkinWeeks[0]!.opensAt).toBe(preview.phases[3]!.opensAt);
  });

  it('counts invitations as certain and reminders and escalations as upper bounds', () => {
    const drafts = preview.events.filter((e) => e.kind === 'draft' && e.type === 'invite');
    expect(drafts.reduce((n, e) => n + e.emails, 0)).toBe(100); // managers (earlier due) + the others
    expect(preview.events.filter((e) => e.type === 'reminder').every((e) => e.atMost)).toBe(true);
    // A 2-day check-in window keeps the 1-day reminder and drops the 3-day one.
    const week1 = preview.events.filter((e) => e.kind === 'checkin' && e.week === 1);
    expect(week1.map((e) => e.type)).toEqual(['invite', 'reminder', 'escalation']);
    expect(week1[2]!.to).toBe('manager');
    expect(preview.events.filter((e) => e.type === 'digest')).toHaveLength(13);
    const byDay = preview.emailsByDay.reduce((n, d) => n + d.atMost, 0);
    expect(byDay).toBe(preview.events.reduce((n, e) => n + e.emails, 0));
    expect(preview.totals.certain).toBeLessThan(preview.totals.atMost);
  });

  it('groups emails by the day in the cycle’s time zone', () => {
    expect(dayIn('2026-12-01T17:00:00.000Z', 'Asia/Shanghai')).toBe('2026-12-02');
    expect(dayIn('2026-12-01T17:00:00.000Z', 'UTC')).toBe('2026-12-01');
    expect(preview.emailsByDay[0]!.day).toBe('2026-12-01');
  });

  it('leaves out steps nobody would get (no executives: no strategy mail)', () => {
    const none = buildPreview(plan, schedule, { ...audience, executives: 0 });
    expect(none.events.some((e) => e.kind === 'strategy')).toBe(false);
  });
});

describe('the alignment tree', () => {
  const row = (id: number, parentId: number | null, ownerId: number | null) => ({
    id,
    title: `O${id}`,
    status: 'approved',
    parentId,
    ownerId,
    ownerName: ownerId ? `P${ownerId}` : null,
    ownerEmail: ownerId ? `p${ownerId}@x` : null,
  });

  it('puts people’s objectives under the company objective they reach and the rest apart', () => {
    const tree = buildAlignmentTree([row(1, null, null), row(2, 1, 10), row(3, 2, 11), row(4, null, 12), row(5, 4, 13)], new Set([10]));
    expect(tree.company.map((n) => n.id)).toEqual([1]);
    expect(tree.company[0]!.children[0]!.owner).toEqual({ name: 'P10', email: 'p10@x', isManager: true });
    expect(tree.company[0]!.children[0]!.children.map((n) => n.id)).toEqual([3]);
    expect(tree.unaligned.map((n) => n.id)).toEqual([4]); // 5 is shown under 4
    expect(tree).toMatchObject({ objectives: 4, aligned: 2 });
  });

  it('shows a loop of parents once and can be serialised', () => {
    const tree = buildAlignmentTree([row(1, null, null), row(7, 8, 20), row(8, 7, 21)], new Set());
    expect(tree.unaligned).toHaveLength(1);
    expect(() => JSON.stringify(tree)).not.toThrow();
    expect(JSON.stringify(tree.unaligned)).toContain('"id":8');
  });

  it('counts coverage as the share of people’s objectives that reach a company objective', () => {
    const links = [row(1, null, null), row(2, 1, 10), row(3, 2, 11), row(4, null, 12), row(5, 4, 13), row(7, 8, 20), row(8, 7, 21), row(9, 99, 22)];
    expect(alignmentCoverage(links)).toEqual({ objectives: 7, linked: 2, coverage: 0.286 });
    expect(alignmentCoverage([])).toEqual({ objectives: 0, linked: 0, coverage: 0 });
  });
});
