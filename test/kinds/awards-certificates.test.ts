/**
 * HR's final pick and the certificates, on a real PostgreSQL and real SMTP (the mail catcher on
 * loopback): the finalize task records award name, citation and bonus (amount ≥ 0 with cents,
 * ISO 4217 currency; a bad one is refused in en and zh-CN and changes nothing); the winners'
 * announcement emails carry each winner's own PDF certificate, in the winner's language, and no
 * bonus anywhere; the certificate parses back with pdftotext and renders with pdftoppm (the PNGs
 * in docs/screenshots); the bonus CSV is formula-injection safe.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MockActivityEnvironment } from '@temporalio/testing';
import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createActivities } from '../../activities';
import { bonusCsv, certificateOf, cycleWinners, isCertificateSignature, winnersWithBonus } from '../../core/awards';
import { renderCertificate } from '../../core/certificates';
import { translateFieldIssue } from '../../i18n/validation';
import { SubmissionRejected } from '../../kinds';
import { type MailCatcher, startMailCatcher } from '../../mail/catcher';
import { type Mailer, createMailer } from '../../mail/mailer';
import { createLogger } from '../../runtime/logger';
import { type Fixture, addCycle, addPerson, openFixture, openTask, submit } from '../support/kinds-fixture';

const SECRET = 'aw16-test-secret-0123456789abcdefghijklmnop';
const BASE = 'http://okr.aw16.example';
const SHOTS = fileURLToPath(new URL('../../docs/screenshots/', import.meta.url));

let f: Fixture;
let catcher: MailCatcher;
let mailer: Mailer;
let cycle = 0;
const p = { hr: 0, max: 0, ann: 0, wang: 0, ben: 0 };
const n = { annObjective: 0, wang: 0, ben: 0 };

const tmp = mkdtempSync(join(tmpdir(), 'aw16-'));
/** pdftotext of PDF bytes (poppler-utils), layout order. */
function pdfText(pdf: Uint8Array): string {
  const file = join(tmp, `t-${Math.random().toString(36).slice(2)}.pdf`);
  writeFileSync(file, pdf);
  return execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
}

beforeAll(async () => {
  f = await openFixture();
  catcher = await startMailCatcher({ port: 0 });
  mailer = createMailer({ url: `smtp://127.0.0.1:${catcher.port}?tls=off`, from: 'OKR <okr@aw16.example>', maxConnections: 1, ratePerSecond: 0 });
  p.hr = await addPerson(f.db, { name: 'Hana HR', roles: ['hr'] });
  p.max = await addPerson(f.db, { name: 'Max Manager', roles: ['manager'] });
  p.ann = await addPerson(f.db, { name: 'Ann Müller', managerId: p.max });
  p.wang = await addPerson(f.db, { name: 'Wang', managerId: p.max });
  p.ben = await addPerson(f.db, { name: 'Ben Builder', managerId: p.max });
  await f.db.updateTable('people').set({ name: '王小明', locale: 'zh-CN', time_zone: 'Asia/Shanghai' }).where('id', '=', p.wang).execute();
  cycle = await addCycle(f.db, 'aw16-cert', Object.values(p));
  await f.db.updateTable('cycles').set({ title: '2026 Q4', hr_person_id: p.hr }).where('id', '=', cycle).execute();
  const objective = await f.db
    .insertInto('objectives')
    .values({
      cycle_id: cycle,
      owner_id: p.ann,
      task_id: null,
      position: 0,
      title: 'Delight new users',
      parent_objective_id: null,
      status: 'approved',
      score: 0.8,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await f.db
    .insertInto('key_results')
    .values({
      objective_id: objective.id,
      position: 0,
      title: 'Activation from 40 % to 58 %',
      kind: 'milestone',
      start_value: 0,
      target_value: 1,
      unit: null,
      score: 0.9,
    })
    .execute();
  const nominate = await openTask(f.db, { cycleId: cycle, personId: p.max, kind: 'nominate' });
  await submit(f.db, nominate, {
    nominations: [
      { objectiveId: objective.id, citation: 'Activation went from 40 % to 58 % in one quarter' },
      { personEmail: 'wang@example.com', citation: 'Led the weekly check-ins of the whole team' },
      { personEmail: 'ben.builder@example.com', citation: '=HYPERLINK("http://evil.example","click") kept the release train on time' },
    ],
  });
  const rows = await f.db.selectFrom('nominations').select(['id', 'objective_id', 'person_id']).where('cycle_id', '=', cycle).orderBy('id').execute();
  n.annObjective = rows.find((r) => r.objective_id === objective.id)!.id;
  n.wang = rows.find((r) => r.person_id === p.wang)!.id;
  n.ben = rows.find((r) => r.person_id === p.ben)!.id;
});
afterAll(async () => {
  mailer?.close();
  await catcher?.close();
  await f?.close();
});

let rejections = 0;
async function finalizeRejects(raw: unknown) {
  const task = await openTask(f.db, { cycleId: cycle, personId: p.hr, kind: 'finalize', round: 10 + rejections++ });
  const error = await submit(f.db, task, raw).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(SubmissionRejected);
  return (error as SubmissionRejected).issues;
}

describe('HR’s final pick', () => {
  it('refuses a negative or sub-cent bonus, a made-up currency, a bonus without currency, details of a non-winner — in en and zh-CN, changing nothing', async () => {
    const issues = await finalizeRejects({
      winnerNominationIds: [n.wang],
      awards: [
        { nominationId: n.wang, awardName: 'OKR Award', bonusAmount: -5, bonusCurrency: 'EURO' },
        { nominationId: n.ben, bonusAmount: 10.005 },
      ],
    });
    expect(issues.map((i) => [i.path, i.code])).toEqual([
      ['awards.0.bonusAmount', 'rule.bonus-amount'],
      ['awards.0.bonusCurrency', 'rule.currency-code'],
      ['awards.1.nominationId', 'rule.not-a-winner'],
      ['awards.1.bonusAmount', 'rule.bonus-amount'],
      ['awards.1.bonusCurrency', 'rule.currency-missing'],
    ]);
    expect(translateFieldIssue('en', issues[0]!)).toBe('must be from 0 to 1,000,000,000, with at most two decimals');
    expect(translateFieldIssue('zh-CN', issues[0]!)).toBe('必须在 0 到 1,000,000,000 之间，最多两位小数');
    expect(translateFieldIssue('zh-CN', issues[1]!)).toBe('必须是 ISO 4217 币种代码，例如 CNY、EUR 或 USD');
    expect(translateFieldIssue('en', issues[4]!)).toBe('give the currency of the bonus (an ISO 4217 code such as EUR)');
    expect(await f.db.selectFrom('nominations').select('id').where('winner', '=', true).execute()).toEqual([]);
    // 'ZZZ' has the shape of a code but is no currency.
    const [zzz] = await finalizeRejects({ winnerNominationIds: [n.wang], awards: [{ nominationId: n.wang, bonusAmount: 1, bonusCurrency: 'ZZZ' }] });
    expect(zzz).toMatchObject({ path: 'awards.0.bonusCurrency', code: 'rule.currency-code' });
  });

  it('records award name, citation and bonus for each winner; without details a winner gets the default award and the nominators’ citations', async () => {
    const finalize = await openTask(f.db, { cycleId: cycle, personId: p.hr, kind: 'finalize' });
    await submit(f.db, finalize, {
      winnerNominationIds: [n.annObjective, n.wang, n.ben],
      announcement: 'Thank you all: the stories follow at Friday’s team meeting.',
      awards: [
        {
          nominationId: n.annObjective,
          awardName: 'OKR Award 2026',
          citation: 'Took activation from 40 % to 58 % and showed every team how.',
          bonusAmount: 1500,
          bonusCurrency: 'eur',
        },
        { nominationId: n.wang, awardName: '2026 年度 OKR 奖', citation: '带领团队坚持每周检查，把目标变成习惯。', bonusAmount: 8000.5, bonusCurrency: 'CNY' },
      ],
    });
    const winners = await winnersWithBonus(f.db, cycle);
    expect(winners.map((w) => [w.person.name, w.awardName, w.bonus, w.hrName])).toEqual([
      ['Ann Müller', 'OKR Award 2026', { amount: '1500.00', currency: 'EUR' }, 'Hana HR'],
      ['王小明', '2026 年度 OKR 奖', { amount: '8000.50', currency: 'CNY' }, 'Hana HR'],
      ['Ben Builder', null, null, 'Hana HR'],
    ]);
    expect(winners[2]!.citation).toContain('kept the release train on time');
    // What emails and certificates use carries no bonus at all.
    for (const w of await cycleWinners(f.db, cycle)) expect(w).not.toHaveProperty('bonus');
  });

  it('exports the bonuses for payroll as formula-safe CSV, one line per winner with a bonus', async () => {
    await f.db.updateTable('people').set({ name: '=cmd|"/c calc"!A1' }).where('id', '=', p.ann).execute();
    try {
      const csv = await bonusCsv(f.db, cycle);
      const lines = csv
        .replace(/^\uFEFF/, '')
        .trimEnd()
        .split('\r\n');
      expect(lines[0]).toBe('nomination_id,winner_email,winner_name,award,objective,amount,currency,awarded_at');
      expect(lines).toHaveLength(3);
      expect(lines[1]).toContain(`"'=cmd|""/c calc""!A1"`);
      expect(lines[1]).toContain(',1500.00,EUR,');
      expect(lines[2]).toContain('王小明,2026 年度 OKR 奖,,8000.50,CNY,');
      for (const line of lines.slice(1)) for (const cell of line.split(',')) expect(cell).not.toMatch(/^[=+\-@]/);
    } finally {
      await f.db.updateTable('people').set({ name: 'Ann Müller' }).where('id', '=', p.ann).execute();
    }
  });
});

describe('certificates', () => {
  it('renders in the winner’s language with the award, the name, the objective, the citation, the cycle, the date and HR’s name', async () => {
    const en = await certificateOf(f.db, n.annObjective);
    const zh = await certificateOf(f.db, n.wang);
    expect(en!.fileName).toBe('certificate-Ann Müller.pdf');
    expect(zh!.fileName).toBe('荣誉证书-王小明.pdf');
    const enText = pdfText(en!.pdf);
    for (const s of [
      'Certificate of Award',
      'OKR Award 2026',
      'is presented to',
      'Ann Müller',
      'for the objective "Delight new users"',
      'Took activation from 40 % to 58 %',
      'OKR cycle: 2026 Q4',
      'Hana HR',
      'Human Resources',
    ])
      expect(enText).toContain(s);
    expect(enText).toMatch(/Date: \d{1,2} [A-Z][a-z]+ 20\d\d/);
    const zhText = pdfText(zh!.pdf);
    for (const s of ['荣誉证书', '2026 年度 OKR 奖', '特授予', '王小明', '带领团队坚持每周检查，把目标变成习惯。', 'OKR 周期：2026 Q4', '人力资源部'])
      expect(zhText).toContain(s);
    expect(zhText).toMatch(/日期：20\d\d年\d{1,2}月\d{1,2}日/);
    // No bonus on a certificate; the font is a subset, so a certificate stays small.
    expect(enText).not.toContain('1500');
    expect(zhText).not.toContain('8000');
    expect(en!.pdf.length).toBeLessThan(60_000);
    expect(zh!.pdf.length).toBeLessThan(80_000);
    // Both fonts embedded (pdf-lib names its subsets without the ABCDEF+ tag, so pdffonts says "sub no"; the size shows the subset).
    writeFileSync(join(tmp, 'zh.pdf'), zh!.pdf);
    const fonts = execFileSync('pdffonts', [join(tmp, 'zh.pdf')], { encoding: 'utf8' });
    expect(fonts).toMatch(/NotoSansSC-Bold\S*\s+CID TrueType\s+Identity-H\s+yes/);
    expect(fonts).toMatch(/NotoSansSC-Regular\S*\s+CID TrueType\s+Identity-H\s+yes/);
    // HR may take it in the other language; a non-winner has none.
    expect(pdfText((await certificateOf(f.db, n.wang, 'en'))!.pdf)).toContain('Certificate of Award');
    await f.db.updateTable('nominations').set({ winner: false }).where('id', '=', n.ben).execute();
    expect(await certificateOf(f.db, n.ben)).toBeUndefined();
    await f.db.updateTable('nominations').set({ winner: true }).where('id', '=', n.ben).execute();
  });

  it('draws every glyph (rendered with pdftoppm: ink where the name is) and keeps a long citation and name on the page', async () => {
    const long = await renderCertificate({
      locale: 'en',
      awardName: 'The Extraordinarily Long Award Name For Sustained Excellence In Objectives And Key Results',
      winnerName: 'Maximiliane Alexandra von Hohenberg-Schwarzenstein',
      citation: 'A very long citation. '.repeat(40),
      objectiveTitle: 'An objective with a long title that keeps going well beyond the width of one line on the page',
      cycleTitle: '2026 Q4',
      awardedAt: new Date('2026-12-03T09:00:00Z'),
      timeZone: 'UTC',
      hrName: 'Hana HR',
    });
    const text = pdfText(long);
    expect(text).toContain('Maximiliane Alexandra von Hohenberg-Schwarzenstein');
    expect(text).toContain('…');
    expect(text.match(/A very long citation/g)!.length).toBeLessThan(40);
    // The PNGs for docs/ (and a check that glyphs are drawn, not only extractable: the subset must hold every outline).
    // A fixed award date, so the pictures in docs/ do not change from run to run.
    await f.db
      .updateTable('nominations')
      .set({ awarded_at: new Date('2026-12-03T09:00:00Z') })
      .where('winner', '=', true)
      .execute();
    for (const [nomination, locale] of [
      [n.annObjective, 'en'],
      [n.wang, 'zh-CN'],
    ] as const) {
      const file = join(tmp, `${locale}.pdf`);
      writeFileSync(file, (await certificateOf(f.db, nomination))!.pdf);
      execFileSync('pdftoppm', ['-png', '-r', '80', '-singlefile', file, join(SHOTS, `award-certificate-${locale}`)]);
      // The winner's name line, grey-scale: a drawn name leaves many dark pixels in the middle band.
      const pgm = execFileSync('pdftoppm', ['-gray', '-r', '20', '-singlefile', '-x', '40', '-y', '70', '-W', '150', '-H', '16', file]);
      const pixels = pgm.subarray(pgm.length - 150 * 16);
      expect(pixels.filter((v) => v < 128).length, `${locale}: the name is drawn`).toBeGreaterThan(40);
    }
  });

  it('attaches each winner’s own certificate to their announcement email, with their download link; nobody’s email shows a bonus', async () => {
    const acts = createActivities({ db: f.db, mailer, publicBaseUrl: BASE, tokenSecret: SECRET, log: createLogger('silent') });
    const env = new MockActivityEnvironment();
    await env.run(acts.queueCycleEmail, { cycleKey: 'aw16-cert', senderRef: 'aw16:announce', timeZone: 'UTC', kind: 'awards-announcement' as const });
    await env.run(acts.sendQueuedEmails, { senderRef: 'aw16:announce' });
    const messages = await catcher.waitFor((all) => all.length >= 5, 10_000);
    expect(messages).toHaveLength(5);
    const by = async (address: string) => simpleParser(messages.find((m) => m.envelopeTo.includes(address))!.raw);
    const ann = await by('ann.m.ller@example.com');
    expect(ann.attachments.map((a) => [a.filename, a.contentType])).toEqual([['certificate-Ann Müller.pdf', 'application/pdf']]);
    expect(pdfText(ann.attachments[0]!.content)).toContain('Ann Müller');
    expect(ann.text).toContain('Your certificate is attached to this email (PDF).');
    expect(ann.text).toContain('Thank you all: the stories follow at Friday’s team meeting.');
    // Everyone reads the winners' stories: the award, who, the citation, the objective and its key results with scores.
    for (const m of messages) {
      const zh = m.envelopeTo.includes('wang@example.com');
      expect(m.text).toContain(zh ? 'OKR Award 2026 — Delight new users（Ann Müller）' : 'OKR Award 2026 — Delight new users (Ann Müller)');
      expect(m.text).toContain(zh ? 'Delight new users：0.80' : 'Delight new users: 0.80');
      expect(m.text).toContain(zh ? '↳ Activation from 40 % to 58 %：0.90' : '↳ Activation from 40 % to 58 %: 0.90');
      expect(m.text).toContain(zh ? 'OKR 奖 — Ben Builder' : 'OKR Award — Ben Builder');
    }
    const link = new RegExp(`${BASE}/awards/certificates/${n.annObjective}/${p.ann}/([A-Za-z0-9_-]{43})`).exec(ann.text ?? '');
    expect(link).not.toBeNull();
    expect(isCertificateSignature(SECRET, n.annObjective, p.ann, link![1]!)).toBe(true);
    expect(isCertificateSignature(SECRET, n.annObjective, p.ben, link![1]!)).toBe(false);
    const wang = await by('wang@example.com');
    expect(wang.attachments.map((a) => a.filename)).toEqual(['荣誉证书-王小明.pdf']);
    const wangPdf = pdfText(wang.attachments[0]!.content);
    expect(wangPdf).toContain('荣誉证书');
    expect(wangPdf).toContain('王小明');
    expect(wang.text).toContain('你的荣誉证书已作为附件随本邮件发送。');
    expect(wang.text).toContain('下载荣誉证书：');
    // Those who did not win: the stories, no attachment. Nobody sees a bonus.
    for (const address of ['hana.hr@example.com', 'max.manager@example.com']) expect((await by(address)).attachments).toEqual([]);
    for (const m of messages) {
      expect(m.text).not.toMatch(/1500|1,500|8000|8,000/);
      expect(m.text).not.toMatch(/EUR|CNY/);
    }
    // The outbox keeps no bytes: the row holds the nominations whose certificates are rendered at send time.
    const row = await f.db
      .selectFrom('emails')
      .select('data')
      .where('kind', '=', 'awards-announcement')
      .where('person_id', '=', p.ann)
      .executeTakeFirstOrThrow();
    expect((row.data as { certificates?: number[] }).certificates).toEqual([n.annObjective]);
  });
});
