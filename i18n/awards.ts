/**
 * The awards' own words beyond the task pages: the PDF certificate, the winners' list in the
 * console (with bonuses, HR only), the team meeting slides and the bonus CSV's header. Chinese is
 * typed against English, so a missing key is a compile error.
 */
import type { Locale } from '../contract';
import { spaceLatin } from '../mail/templates/spacing';

const en = {
  certificate: {
    heading: 'Certificate of Award',
    presentedTo: 'is presented to',
    forObjective: (title: string) => `for the objective "${title}"`,
    period: (cycle: string) => `OKR cycle: ${cycle}`,
    date: 'Date',
    signedBy: 'Human Resources',
    defaultAward: 'OKR Award',
    fileName: (name: string) => `certificate-${name}.pdf`,
    attached: 'Your certificate is attached to this email (PDF).',
    download: 'Download your certificate',
  },
  console: {
    title: 'Awards',
    open: 'The winners: certificates, bonuses and the team meeting slides',
    intro: 'The winners HR chose, their awards and bonuses. Bonuses are shown only to HR and are never emailed.',
    none: 'No winners yet: HR chooses them in the finalize task.',
    winner: 'Winner',
    award: 'Award',
    citation: 'Citation',
    bonus: 'Bonus',
    noBonus: 'no bonus',
    certificate: 'Certificate (PDF)',
    pdf: 'PDF',
    bonusCsv: 'Bonus list for payroll (CSV)',
    meeting: 'Team meeting slides',
    votes: (n: number) => (n === 1 ? '1 vote' : `${n} votes`),
  },
  ballot: {
    tie: (labels: string[]) => `Tie for the most votes: ${labels.join('; ')}. You decide.`,
    abstained: (names: string[]) => `Did not vote: ${names.join(', ')}.`,
  },
  evidence: {
    summary: 'What the OKRs say',
    score: (s: string) => `score ${s}`,
    alignedTo: (title: string) => `aligned to: ${title}`,
    done: 'done',
    notDone: 'not done',
    checkins: 'Check-ins (confidence, 1–10)',
    week: (n: number, confidence: number) => `week ${n}: ${confidence}`,
    noCheckins: 'No check-ins yet.',
    items: 'Latest execution items',
    item: (week: number, title: string, status: string) => `week ${week}: ${title} (${status})`,
    status: { planned: 'planned', 'in-progress': 'in progress', done: 'done' } as Record<string, string>,
  },
  picker: {
    title: 'Find a person to nominate',
    query: 'Name or email',
    search: 'Search',
    results: (n: number, query: string) => (n === 0 ? `Nobody found for “${query}”.` : `Found for “${query}”:`),
    score: (s: string) => `score ${s}`,
    person: (name: string) => `Nominate ${name}`,
    objective: 'Nominate this objective',
    noObjectives: 'No approved objectives in this cycle.',
    full: 'All nomination rows are taken: empty one first.',
  },
  meeting: {
    title: 'Team meeting',
    slideOf: (n: number, total: number) => `Slide ${n} of ${total}`,
    navigation: 'Slides',
    previous: 'Previous',
    next: 'Next',
    done: 'Back to the awards',
  },
  finalize: {
    awardName: 'Award name',
    awardNameHint: 'e.g. OKR Award 2026',
    citation: 'Citation on the certificate',
    citationHint: 'Leave empty to use the nominators’ citations',
    bonusAmount: 'Bonus amount',
    bonusCurrency: 'Currency (ISO 4217, e.g. EUR)',
    detailsOf: (label: string) => `Award details: ${label}`,
  },
};

export type AwardWords = typeof en;

const zh: AwardWords = {
  certificate: {
    heading: '荣誉证书',
    presentedTo: '特授予',
    forObjective: (title) => `以表彰其目标“${title}”`,
    period: (cycle) => `OKR 周期：${cycle}`,
    date: '日期',
    signedBy: '人力资源部',
    defaultAward: 'OKR 奖',
    fileName: (name) => `荣誉证书-${name}.pdf`,
    attached: '你的荣誉证书已作为附件随本邮件发送。',
    download: '下载荣誉证书',
  },
  console: {
    title: '奖项',
    open: '获奖者：荣誉证书、奖金和团队会议幻灯片',
    intro: '人力资源选出的获奖者、奖项和奖金。奖金只对人力资源显示，从不通过邮件发送。',
    none: '还没有获奖者：人力资源在“确定获奖者”任务中选出。',
    winner: '获奖者',
    award: '奖项',
    citation: '获奖理由',
    bonus: '奖金',
    noBonus: '无奖金',
    certificate: '荣誉证书',
    pdf: '下载',
    bonusCsv: '奖金发放清单（CSV）',
    meeting: '团队会议幻灯片',
    votes: (n) => `${n} 票`,
  },
  ballot: {
    tie: (labels) => `最高票数相同：${labels.join('；')}。请你决定。`,
    abstained: (names) => `未投票：${names.join('、')}。`,
  },
  evidence: {
    summary: 'OKR 记录',
    score: (s) => `得分 ${s}`,
    alignedTo: (title) => `对齐到：${title}`,
    done: '已完成',
    notDone: '未完成',
    checkins: '每周检查（信心，1–10）',
    week: (n, confidence) => `第 ${n} 周：${confidence}`,
    noCheckins: '还没有每周检查。',
    items: '最近的执行事项',
    item: (week, title, status) => `第 ${week} 周：${title}（${status}）`,
    status: { planned: '计划中', 'in-progress': '进行中', done: '已完成' },
  },
  picker: {
    title: '查找要提名的人',
    query: '姓名或电子邮件',
    search: '搜索',
    results: (n, query) => (n === 0 ? `没有找到“${query}”。` : `“${query}”的搜索结果：`),
    score: (s) => `得分 ${s}`,
    person: (name) => spaceLatin(`提名${name}`),
    objective: '提名这个目标',
    noObjectives: '本周期没有已批准的目标。',
    full: '提名行已满：请先清空一行。',
  },
  meeting: {
    title: '团队会议',
    slideOf: (n, total) => `第 ${n} 页，共 ${total} 页`,
    navigation: '幻灯片',
    previous: '上一页',
    next: '下一页',
    done: '返回奖项',
  },
  finalize: {
    awardName: '奖项名称',
    awardNameHint: '例如：2026 年度 OKR 奖',
    citation: '证书上的获奖理由',
    citationHint: '留空则使用提名人的理由',
    bonusAmount: '奖金金额',
    bonusCurrency: '币种（ISO 4217，例如 CNY）',
    detailsOf: (label) => `获奖信息（${label}）`,
  },
};

export const awardWordsByLocale: Record<Locale, AwardWords> = { en, 'zh-CN': zh };

export const awardWords = (locale: Locale): AwardWords => awardWordsByLocale[locale] ?? en;
