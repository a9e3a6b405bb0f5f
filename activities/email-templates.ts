/**
 * Email templates, next to the activity that sends them: every kind in `EmailData`
 * (email-kinds.ts) plus the answers to replies, in English and Simplified Chinese.
 *
 * A message is built once as a list of blocks and rendered twice, as plain text and as HTML; in
 * HTML every value goes through hono's escaping `html` template. Subjects are plain text (the
 * mailer makes them one line and nodemailer encodes them).
 *
 * Task emails show both ways to complete the task: the personal link, and — for the kinds that
 * can be completed by reply, when replies are on — exactly what to write in a reply (the grammar
 * is `mail/reply-parser.ts`, documented in docs/email.md).
 */
import { html } from 'hono/html';
import type { HtmlEscapedString } from 'hono/utils/html';
import type { Locale, TaskKind, TaskStatus } from '../contract';
import { toHtml } from '../core/html';
import type { KeyResultOption, KindContext } from '../kinds/types';
import { TASK_KINDS } from '../contract';
import { kindModule } from '../kinds';
import type { ReplyProblem } from '../kinds/reply-grammar';
import { type EmailData, TASK_EMAIL_KINDS } from './email-kinds';

export type { EmailKind } from './email-kinds';

/** Task kinds a person can complete by replying to the task's email. */
export const REPLY_KINDS: ReadonlySet<TaskKind> = new Set<TaskKind>(TASK_KINDS.filter((k) => kindModule(k).reply !== undefined));

/** What the answer to a reply stores (`emails.data` of a 'reply-answer' row). */
export interface ReplyAnswerData {
  locale: Locale;
  personName: string;
  cycleTitle: string;
  timeZone: string;
  taskKind: TaskKind;
  round: number;
  subjectName?: string;
  /** completed: recorded; rejected: not understood or not valid, task still open; closed: the task was no longer open; unsupported: this kind needs the link. */
  outcome: 'completed' | 'rejected' | 'closed' | 'unsupported';
  /** completed: what was recorded. */
  recorded?: { label: string; title?: string; value?: string; done?: boolean }[];
  confidence?: number;
  decision?: 'approve' | 'changes';
  comment?: string;
  report?: string;
  /** rejected: every problem found. */
  problems?: ReplyProblem[];
  /** closed: how the task ended. */
  status?: TaskStatus;
  /** The Message-ID of the reply this answers (threading). */
  inReplyTo?: string;
}

/** Every kind the outbox holds. */
export type OutboxData = EmailData & { 'reply-answer': ReplyAnswerData };
export type OutboxKind = keyof OutboxData;

/** What the sender adds at send time from the task's current state (never stored). */
export interface RenderExtras {
  /** Show how to complete the task by reply (the email carries a Reply-To). */
  replies?: boolean;
  /** check-in, self-score, calibrate: the key results, numbered KR1… in this order. */
  keyResults?: KeyResultOption[];
  /** review, strategy-review: the objectives under review. */
  objectives?: KindContext['objectives'];
  /** check-in: the confidence to pre-fill (the last one given). */
  confidence?: number;
}

export interface RenderedEmail {
  subject: string;
  text: string;
  html: string;
}

type Block =
  | { p: string }
  | { strong: string; value: string }
  | { list: string[] }
  | { heading: string }
  | { code: string[] }
  | { button: string; href: string }
  /** Plain text only (the HTML shows the button instead). */
  | { textOnly: string }
  | { muted: string };

const DUE_FORMAT: Intl.DateTimeFormatOptions = { year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', timeZoneName: 'short' };

/** A due time as the person reads it: their language, the cycle's time zone (UTC if unknown). */
/** Building a formatter is costly (about a tenth of the worker's time at launch): keep one per locale and zone. */
const dueFormats = new Map<string, Intl.DateTimeFormat>();

export function formatDue(dueAt: string, locale: Locale, timeZone: string): string {
  const key = `${locale}|${timeZone}`;
  let format = dueFormats.get(key);
  if (!format) {
    try {
      format = new Intl.DateTimeFormat(locale, { ...DUE_FORMAT, timeZone });
    } catch {
      format = new Intl.DateTimeFormat(locale, { ...DUE_FORMAT, timeZone: 'UTC' });
    }
    dueFormats.set(key, format);
  }
  return format.format(new Date(dueAt));
}

/** Numbers as people write them: no float noise (0.30000000000000004 → 0.3). */
function num(n: number): string {
  return String(Math.round(n * 1000) / 1000);
}

function measure(kr: KeyResultOption, value: number | null | undefined): string {
  if (value === null || value === undefined) return '?';
  if (kr.kind === 'percent' || kr.unit === '%') return `${num(value)}%`;
  return kr.unit ? `${num(value)} ${kr.unit}` : num(value);
}

// ---- words ---------------------------------------------------------------------------------------

interface Words {
  hello(name: string): string;
  /** Imperative, lower case: "draft your OKRs". */
  action(kind: TaskKind, round: number, subject: string): string;
  /** Noun phrase: "week 3 check-in". */
  noun(kind: TaskKind, round: number, subject: string): string;
  inviteSubject(title: string, action: string, due: string): string;
  reminderSubject(title: string, action: string, due: string): string;
  intro(kind: TaskKind, title: string, subject: string, round: number): string;
  due: string;
  commentFrom: string;
  open: string;
  twoWays: string;
  wayLink: string;
  wayReply: string;
  personal: string;
  yourKeyResults: string;
  objectivesUnderReview: string;
  alignedTo: string;
  krLine(n: number, kr: KeyResultOption): string;
  scoreLine(n: number, kr: KeyResultOption): string;
  replyHow: Partial<Record<TaskKind, string>>;
  orWrite: string;
  escalationSubject(d: EmailData['task-escalation'], due: string, noun: string): string;
  escalationBody(d: EmailData['task-escalation'], due: string, noun: string): string[];
  awardsSubject(title: string): string;
  awardsIntro(title: string): string;
  noWinners: string;
  cancelledSubject(title: string): string;
  cancelledBody(title: string): string;
  reason: string;
  digestSubject(d: EmailData['manager-digest']): string;
  digestIntro(d: EmailData['manager-digest']): string;
  checkedIn: string;
  missed: string;
  lowConfidence: string;
  none: string;
  confidenceOf(n: number): string;
  answerSubject(outcome: ReplyAnswerData['outcome'], noun: string, title: string, status?: TaskStatus): string;
  answerCompleted(noun: string, title: string): string;
  answerRejected(noun: string, title: string): string;
  answerClosed(noun: string, status: TaskStatus | undefined): string;
  answerUnsupported(noun: string): string;
  problemAt(line: number, text: string): string;
  fixAndReply: string;
  nothingMore: string;
  done: string;
  notDone: string;
  decision(d: 'approve' | 'changes'): string;
  comment: string;
  report: string;
  confidence: string;
}

const en: Words = {
  hello: (name) => `Hello ${name},`,
  action(kind, round, subject) {
    switch (kind) {
      case 'strategy':
        return 'draft the company objectives';
      case 'strategy-review':
        return `review ${subject ? `${subject}’s` : 'the'} company objectives`;
      case 'draft':
        return 'draft your OKRs';
      case 'review':
        return `review ${subject ? `${subject}’s` : 'the'} OKRs`;
      case 'checkin':
        return `check in for week ${round}`;
      case 'self-score':
        return 'score your key results';
      case 'calibrate':
        return `calibrate ${subject ? `${subject}’s` : 'the'} scores`;
      case 'nominate':
        return 'nominate for the awards';
      case 'vote':
        return 'vote for the awards';
      case 'finalize':
        return 'pick the award winners';
    }
  },
  noun(kind, round, subject) {
    switch (kind) {
      case 'strategy':
        return 'company objectives';
      case 'strategy-review':
        return `review of ${subject ? `${subject}’s` : 'the'} company objectives`;
      case 'draft':
        return 'OKR draft';
      case 'review':
        return `review of ${subject ? `${subject}’s` : 'the'} OKRs`;
      case 'checkin':
        return `week ${round} check-in`;
      case 'self-score':
        return 'self-score';
      case 'calibrate':
        return `calibration of ${subject ? `${subject}’s` : 'the'} scores`;
      case 'nominate':
        return 'award nominations';
      case 'vote':
        return 'award vote';
      case 'finalize':
        return 'choice of award winners';
    }
  },
  inviteSubject: (title, action, due) => `${title}: ${action} by ${due}`,
  reminderSubject: (title, action, due) => `Reminder — ${title}: ${action} by ${due}`,
  intro(kind, title, subject, round) {
    switch (kind) {
      case 'strategy':
        return `Please draft 1–5 company objectives for ${title}, each with 2–5 measurable key results. HR reviews them before everyone drafts their own.`;
      case 'strategy-review':
        return `${subject || 'An executive'} has drafted company objectives for ${title}. Please approve them or ask for changes.`;
      case 'draft':
        return 'Please draft 1–5 objectives for this cycle, each with 2–5 measurable key results ("We will achieve …, as measured by …"), and align each objective to a company or manager objective.';
      case 'review':
        return `${subject || 'A member of your team'} has drafted their OKRs for ${title}. Please approve them or ask for changes.`;
      case 'checkin':
        return `It is week ${round} of ${title}: please update the progress of your key results and say how confident you are (1–10) that you will reach them.`;
      case 'self-score':
        return `${title} is ending: please score each of your key results from 0.0 to 1.0 (0.7 is a good result for an ambitious goal).`;
      case 'calibrate':
        return `Please set the final score (0.0 to 1.0) of each of ${subject || 'your report'}’s key results for ${title}; it overrides their self-score.`;
      case 'nominate':
        return `Nominate up to 3 people or objectives of ${title} for an award, each with a short citation.`;
      case 'vote':
        return `Vote for up to 3 of the award nominations of ${title}.`;
      case 'finalize':
        return `Pick the award winners of ${title} from the nominations and votes.`;
    }
  },
  due: 'Due',
  commentFrom: 'Comment from your reviewer',
  open: 'Open your task',
  twoWays: 'Two ways to complete it:',
  wayLink: '1. Open your task:',
  wayReply: '2. Or reply to this email.',
  personal: 'The link and the reply address are personal: do not forward this email.',
  yourKeyResults: 'Key results',
  objectivesUnderReview: 'Objectives under review',
  alignedTo: 'aligned to',
  krLine: (n, kr) =>
    `KR${n} — ${kr.title} (${kr.objectiveTitle}): ${kr.kind === 'milestone' ? (kr.done ? 'done' : 'not done yet') : `now ${measure(kr, kr.current ?? kr.start)}, target ${measure(kr, kr.target)}`}`,
  scoreLine: (n, kr) =>
    `KR${n} — ${kr.title} (${kr.objectiveTitle})${kr.selfScore !== null ? `: self-score ${num(kr.selfScore)}` : ''}${kr.suggestedScore !== null ? `, suggested from progress ${num(kr.suggestedScore)}` : ''}`,
  replyHow: {
    checkin:
      'Write one line per key result — a percentage, a number, or done / not done — then your confidence from 1 to 10. Anything else you write is your weekly report. Key results you leave out keep their value.',
    review: 'Write approve (optionally followed by a comment), or changes: followed by what should change.',
    'strategy-review': 'Write approve (optionally followed by a comment), or changes: followed by what should change.',
    'self-score': 'Write one line per key result with a score from 0.0 to 1.0, optionally followed by a comment. Any other text is your overall comment.',
    calibrate: 'Write one line per key result with a score from 0.0 to 1.0, optionally followed by a comment. Any other text is your overall comment.',
  },
  orWrite: 'or',
  escalationSubject: (d, due, noun) =>
    d.taskKind === 'checkin' ? `${d.cycleTitle}: ${d.ownerName} missed the week ${d.round} check-in` : `${d.cycleTitle}: ${d.ownerName}’s ${noun} is overdue (due ${due})`,
  escalationBody: (d, due, noun) => [
    `${d.ownerName} (${d.ownerEmail}) has not completed their ${noun} for ${d.cycleTitle}, which was due ${due}.`,
    d.level === 'manager' ? 'You receive this as their manager. Please check in with them.' : 'You receive this as the HR owner of the cycle. Please follow up.',
  ],
  awardsSubject: (title) => `${title}: the award winners`,
  awardsIntro: (title) => `The awards of ${title} go to:`,
  noWinners: 'No awards were given this cycle.',
  cancelledSubject: (title) => `${title} has been cancelled`,
  cancelledBody: (title) => `The OKR cycle ${title} has been cancelled. Your open tasks for it are closed; there is nothing more to do.`,
  reason: 'Reason',
  digestSubject: (d) => `${d.cycleTitle}: week ${d.week} check-ins — ${d.checkedIn.length} checked in, ${d.missed.length} missed`,
  digestIntro: (d) => `Your team’s check-ins for week ${d.week} of ${d.cycleTitle}:`,
  checkedIn: 'Checked in',
  missed: 'Missed',
  lowConfidence: 'Low confidence',
  none: 'nobody',
  confidenceOf: (n) => `confidence ${n}/10`,
  answerSubject(outcome, noun, title, status) {
    if (outcome === 'completed') return `Recorded: your ${noun} (${title})`;
    if (outcome === 'rejected') return `Not recorded yet: your reply about the ${noun} (${title})`;
    if (outcome === 'closed') return `Not recorded: the ${noun} is ${status ?? 'closed'} (${title})`;
    return `Please use the link: the ${noun} cannot be completed by reply (${title})`;
  },
  answerCompleted: (noun, title) => `Your ${noun} for ${title} is recorded:`,
  answerRejected: (noun, title) => `Your reply about the ${noun} for ${title} could not be recorded, so the task is still open. What needs fixing:`,
  answerClosed: (noun, status) =>
    status === 'completed' ? `Your ${noun} was already completed, so this reply changed nothing.` : `Your ${noun} is ${status ?? 'closed'} and can no longer be completed; this reply changed nothing.`,
  answerUnsupported: (noun) => `The ${noun} cannot be completed by replying to an email. Please use the link in the task email; this reply changed nothing.`,
  problemAt: (line, text) => `line ${line} “${text}”`,
  fixAndReply: 'Reply to this email with the corrected reply (all of it, not only the fixed lines), or open your task:',
  nothingMore: 'Nothing more to do.',
  done: 'done',
  notDone: 'not done',
  decision: (d) => (d === 'approve' ? 'approved' : 'changes requested'),
  comment: 'comment',
  report: 'report',
  confidence: 'confidence',
};

const zh: Words = {
  hello: (name) => `${name}，你好：`,
  action(kind, round, subject) {
    switch (kind) {
      case 'strategy':
        return '制定公司目标';
      case 'strategy-review':
        return `审核${subject || ''}的公司目标`;
      case 'draft':
        return '制定你的 OKR';
      case 'review':
        return `审核${subject || ''}的 OKR`;
      case 'checkin':
        return `完成第 ${round} 周的进展更新`;
      case 'self-score':
        return '为你的关键结果自评打分';
      case 'calibrate':
        return `校准${subject || ''}的评分`;
      case 'nominate':
        return '提交奖项提名';
      case 'vote':
        return '为奖项投票';
      case 'finalize':
        return '确定获奖名单';
    }
  },
  noun(kind, round, subject) {
    switch (kind) {
      case 'strategy':
        return '公司目标';
      case 'strategy-review':
        return `${subject || ''}公司目标的审核`;
      case 'draft':
        return 'OKR 草案';
      case 'review':
        return `${subject || ''} OKR 的审核`;
      case 'checkin':
        return `第 ${round} 周进展更新`;
      case 'self-score':
        return '自评打分';
      case 'calibrate':
        return `${subject || ''}评分的校准`;
      case 'nominate':
        return '奖项提名';
      case 'vote':
        return '奖项投票';
      case 'finalize':
        return '获奖名单';
    }
  },
  inviteSubject: (title, action, due) => `${title}：请在 ${due} 前${action}`,
  reminderSubject: (title, action, due) => `提醒 — ${title}：请在 ${due} 前${action}`,
  intro(kind, title, subject, round) {
    switch (kind) {
      case 'strategy':
        return `请为 ${title} 制定 1–5 个公司目标，每个目标包含 2–5 个可衡量的关键结果。HR 审核通过后，大家再制定各自的目标。`;
      case 'strategy-review':
        return `${subject || '高管'}已为 ${title} 制定了公司目标，请批准或提出修改意见。`;
      case 'draft':
        return '请为本周期制定 1–5 个目标，每个目标包含 2–5 个可衡量的关键结果（“我们将实现……，以……来衡量”），并将每个目标对齐到公司或上级的目标。';
      case 'review':
        return `${subject || '你的团队成员'}已提交 ${title} 的 OKR，请批准或提出修改意见。`;
      case 'checkin':
        return `现在是 ${title} 的第 ${round} 周：请更新各关键结果的进展，并给出你达成目标的信心（1–10）。`;
      case 'self-score':
        return `${title} 即将结束：请为每个关键结果打分，范围 0.0 到 1.0（对有挑战的目标，0.7 就是好成绩）。`;
      case 'calibrate':
        return `请为 ${subject || '你的下属'} 在 ${title} 中的每个关键结果确定最终得分（0.0 到 1.0），它将覆盖本人的自评。`;
      case 'nominate':
        return `请为 ${title} 提名最多 3 个人或目标参评奖项，并各写一段简短的推荐理由。`;
      case 'vote':
        return `请从 ${title} 的奖项提名中投票，最多 3 票。`;
      case 'finalize':
        return `请根据提名和投票确定 ${title} 的获奖名单。`;
    }
  },
  due: '截止时间',
  commentFrom: '审核人的意见',
  open: '打开任务',
  twoWays: '两种完成方式：',
  wayLink: '1. 打开任务链接：',
  wayReply: '2. 或直接回复本邮件。',
  personal: '此链接和回复地址仅供你本人使用，请勿转发此邮件。',
  yourKeyResults: '关键结果',
  objectivesUnderReview: '待审核的目标',
  alignedTo: '对齐到',
  krLine: (n, kr) =>
    `KR${n} — ${kr.title}（${kr.objectiveTitle}）：${kr.kind === 'milestone' ? (kr.done ? '已完成' : '尚未完成') : `当前 ${measure(kr, kr.current ?? kr.start)}，目标 ${measure(kr, kr.target)}`}`,
  scoreLine: (n, kr) =>
    `KR${n} — ${kr.title}（${kr.objectiveTitle}）${kr.selfScore !== null ? `：自评 ${num(kr.selfScore)}` : ''}${kr.suggestedScore !== null ? `，按进展建议 ${num(kr.suggestedScore)}` : ''}`,
  replyHow: {
    checkin: '每个关键结果写一行（百分比、数字，或 done / not done），再写一行信心（1–10）。其余文字即为你的周报。未写到的关键结果保持原值。',
    review: '写 approve（可在后面附上意见），或写 changes: 加上需要修改的内容。',
    'strategy-review': '写 approve（可在后面附上意见），或写 changes: 加上需要修改的内容。',
    'self-score': '每个关键结果写一行，分数范围 0.0 到 1.0，分数后可附说明。其余文字为总体说明。',
    calibrate: '每个关键结果写一行，分数范围 0.0 到 1.0，分数后可附说明。其余文字为总体说明。',
  },
  orWrite: '或',
  escalationSubject: (d, due, noun) =>
    d.taskKind === 'checkin' ? `${d.cycleTitle}：${d.ownerName} 未完成第 ${d.round} 周进展更新` : `${d.cycleTitle}：${d.ownerName} 的${noun}已逾期（截止 ${due}）`,
  escalationBody: (d, due, noun) => [
    `${d.ownerName}（${d.ownerEmail}）尚未完成 ${d.cycleTitle} 的${noun}，截止时间为 ${due}。`,
    d.level === 'manager' ? '你作为其上级收到此邮件，请跟进。' : '你作为本周期的 HR 负责人收到此邮件，请跟进。',
  ],
  awardsSubject: (title) => `${title}：获奖名单`,
  awardsIntro: (title) => `${title} 的获奖者是：`,
  noWinners: '本周期未评出奖项。',
  cancelledSubject: (title) => `${title} 已取消`,
  cancelledBody: (title) => `OKR 周期 ${title} 已取消。你在该周期中未完成的任务已关闭，无需再做任何事。`,
  reason: '原因',
  digestSubject: (d) => `${d.cycleTitle}：第 ${d.week} 周进展更新 — ${d.checkedIn.length} 人已更新，${d.missed.length} 人未更新`,
  digestIntro: (d) => `你的团队在 ${d.cycleTitle} 第 ${d.week} 周的进展更新：`,
  checkedIn: '已更新',
  missed: '未更新',
  lowConfidence: '信心较低',
  none: '无',
  confidenceOf: (n) => `信心 ${n}/10`,
  answerSubject(outcome, noun, title, status) {
    if (outcome === 'completed') return `已记录：你的${noun}（${title}）`;
    if (outcome === 'rejected') return `尚未记录：关于${noun}的回复（${title}）`;
    if (outcome === 'closed') return `未记录：${noun}已${status === 'completed' ? '完成' : '关闭'}（${title}）`;
    return `请使用链接：${noun}无法通过回复完成（${title}）`;
  },
  answerCompleted: (noun, title) => `你在 ${title} 的${noun}已记录：`,
  answerRejected: (noun, title) => `你关于 ${title} ${noun}的回复未能记录，任务仍未完成。需要修改的地方：`,
  answerClosed: (noun, status) => (status === 'completed' ? `你的${noun}此前已完成，这封回复没有做任何更改。` : `你的${noun}已关闭，无法再完成；这封回复没有做任何更改。`),
  answerUnsupported: (noun) => `${noun}无法通过回复邮件完成，请使用任务邮件中的链接；这封回复没有做任何更改。`,
  problemAt: (line, text) => `第 ${line} 行“${text}”`,
  fixAndReply: '请回复本邮件并附上修改后的完整内容（不只是改动的行），或打开任务：',
  nothingMore: '无需再做任何事。',
  done: '已完成',
  notDone: '未完成',
  decision: (d) => (d === 'approve' ? '已批准' : '需要修改'),
  comment: '意见',
  report: '周报',
  confidence: '信心',
};

const WORDS: Record<Locale, Words> = { en, 'zh-CN': zh };
const wordsFor = (locale: Locale): Words => WORDS[locale] ?? en;

// ---- reply instructions ---------------------------------------------------------------------------

/** The lines a person can copy into a reply, pre-filled from the task's current state. */
export function replyExample(kind: TaskKind, extras: RenderExtras = {}, locale: Locale = 'en'): string[][] {
  return kindModule(kind).reply?.example(extras, locale) ?? [];
}

function howToComplete(w: Words, locale: Locale, kind: TaskKind, link: string | undefined, extras: RenderExtras): Block[] {
  const byReply = extras.replies === true && REPLY_KINDS.has(kind);
  const blocks: Block[] = [];
  if (link) {
    if (byReply) blocks.push({ p: w.twoWays }, { textOnly: `${w.wayLink} ${link}` });
    else blocks.push({ textOnly: `${w.open}: ${link}` });
    blocks.push({ button: w.open, href: link });
  }
  if (byReply) {
    blocks.push({ p: `${link ? `${w.wayReply} ` : ''}${w.replyHow[kind] ?? ''}` });
    const examples = replyExample(kind, extras, locale);
    examples.forEach((lines, i) => {
      if (i > 0) blocks.push({ muted: w.orWrite });
      blocks.push({ code: lines });
    });
  }
  if (link || byReply) blocks.push({ muted: w.personal });
  return blocks;
}

function whatIsThere(w: Words, kind: TaskKind, extras: RenderExtras): Block[] {
  const blocks: Block[] = [];
  if (extras.keyResults?.length && (kind === 'checkin' || kind === 'self-score' || kind === 'calibrate')) {
    blocks.push({ heading: w.yourKeyResults });
    blocks.push({ list: extras.keyResults.map((kr, i) => (kind === 'checkin' ? w.krLine(i + 1, kr) : w.scoreLine(i + 1, kr))) });
  }
  if (extras.objectives?.length && (kind === 'review' || kind === 'strategy-review')) {
    blocks.push({ heading: w.objectivesUnderReview });
    blocks.push({
      list: extras.objectives.map(
        (o, i) => `O${i + 1} ${o.title}${o.parent ? ` (${w.alignedTo}: ${o.parent})` : ''} — ${o.keyResults.map((k) => `${k.title}: ${k.measure}`).join('; ')}`,
      ),
    });
  }
  return blocks;
}

// ---- rendering ------------------------------------------------------------------------------------

const colonOf = (locale: Locale) => (locale === 'zh-CN' ? '：' : ': ');

function renderText(locale: Locale, blocks: Block[]): string {
  const colon = colonOf(locale);
  const out: string[] = [];
  for (const b of blocks) {
    if ('p' in b) out.push(b.p);
    else if ('strong' in b) out.push(`${b.strong}${colon}${b.value}`);
    else if ('list' in b) out.push(b.list.map((item) => `  - ${item}`).join('\n'));
    else if ('heading' in b) out.push(`${b.heading}${colon.trim()}`);
    else if ('code' in b) out.push(b.code.join('\n'));
    else if ('button' in b) continue; // the text carries the link in a textOnly block
    else if ('textOnly' in b) out.push(b.textOnly);
    else out.push(b.muted);
  }
  return `${out.join('\n\n')}\n`;
}

function renderHtml(locale: Locale, subject: string, blocks: Block[]): string {
  const colon = colonOf(locale);
  const parts: HtmlEscapedString[] = blocks.map((b) => {
    if ('p' in b) return html`<p>${b.p}</p>`;
    if ('strong' in b) return html`<p><strong>${b.strong}${colon.trim()}</strong>${colon === ': ' ? ' ' : ''}${b.value}</p>`;
    if ('list' in b) return html`<ul>${b.list.map((item) => html`<li>${item}</li>`)}</ul>`;
    if ('heading' in b) return html`<p><strong>${b.heading}</strong></p>`;
    if ('code' in b) return html`<pre style="background:#f6f8fa;border-radius:6px;padding:10px 14px;font-size:14px;white-space:pre-wrap">${b.code.join('\n')}</pre>`;
    if ('button' in b)
      return html`<p><a href="${b.href}" style="display:inline-block;background:#0b57d0;color:#fff;padding:10px 18px;border-radius:6px;text-decoration:none">${b.button}</a></p>`;
    if ('textOnly' in b) return html``;
    return html`<p style="color:#59636e;font-size:13px">${b.muted}</p>`;
  }) as HtmlEscapedString[];
  return toHtml(
    html`<!doctype html>
<html lang="${locale}"><head><meta charset="utf-8"><title>${subject}</title></head>
<body style="font-family:system-ui,-apple-system,'Segoe UI',sans-serif;color:#1f2328;max-width:560px;margin:0 auto;padding:24px">
${parts}
</body></html>` as HtmlEscapedString,
  );
}

function taskEmail(kind: 'task-invite' | 'task-reminder', d: EmailData['task-invite'] | EmailData['task-reminder'], link: string | undefined, extras: RenderExtras): { subject: string; blocks: Block[] } {
  const w = wordsFor(d.locale);
  const subjectName = d.subjectName ?? '';
  const due = formatDue(d.dueAt, d.locale, d.timeZone);
  const action = w.action(d.taskKind, d.round, subjectName);
  const subject = kind === 'task-reminder' ? w.reminderSubject(d.cycleTitle, action, due) : w.inviteSubject(d.cycleTitle, action, due);
  const blocks: Block[] = [{ p: w.hello(d.personName) }, { p: w.intro(d.taskKind, d.cycleTitle, subjectName, d.round) }, { strong: w.due, value: due }];
  const comment = 'comment' in d ? d.comment : undefined;
  if (comment) blocks.push({ strong: w.commentFrom, value: comment });
  blocks.push(...whatIsThere(w, d.taskKind, extras), ...howToComplete(w, d.locale, d.taskKind, link, extras));
  return { subject, blocks };
}

function answerEmail(d: ReplyAnswerData, link: string | undefined, extras: RenderExtras): { subject: string; blocks: Block[] } {
  const w = wordsFor(d.locale);
  const noun = w.noun(d.taskKind, d.round, d.subjectName ?? '');
  const subject = w.answerSubject(d.outcome, noun, d.cycleTitle, d.status);
  const blocks: Block[] = [{ p: w.hello(d.personName) }];
  if (d.outcome === 'completed') {
    blocks.push({ p: w.answerCompleted(noun, d.cycleTitle) });
    const items: string[] = [];
    for (const r of d.recorded ?? []) {
      const value = r.done === undefined ? (r.value ?? '') : r.done ? w.done : w.notDone;
      items.push(`${r.label}${r.title ? ` ${r.title}` : ''}: ${value}`);
    }
    if (d.confidence !== undefined) items.push(`${w.confidence}: ${d.confidence}`);
    if (d.decision) items.push(w.decision(d.decision));
    if (d.comment) items.push(`${w.comment}: ${d.comment}`);
    if (d.report) items.push(`${w.report}: ${d.report}`);
    if (items.length) blocks.push({ list: items });
    blocks.push({ p: w.nothingMore });
  } else if (d.outcome === 'rejected') {
    blocks.push({ p: w.answerRejected(noun, d.cycleTitle) });
    blocks.push({ list: (d.problems ?? []).map((p) => (p.line !== null && p.text !== null ? `${w.problemAt(p.line, p.text)}: ${p.message}` : p.message)) });
    if (link) blocks.push({ p: w.fixAndReply }, { textOnly: link }, { button: w.open, href: link });
    if (w.replyHow[d.taskKind]) {
      blocks.push({ p: w.replyHow[d.taskKind]! });
      replyExample(d.taskKind, extras, d.locale).forEach((lines, i) => {
        if (i > 0) blocks.push({ muted: w.orWrite });
        blocks.push({ code: lines });
      });
    }
  } else if (d.outcome === 'closed') {
    blocks.push({ p: w.answerClosed(noun, d.status) });
  } else {
    blocks.push({ p: w.answerUnsupported(noun) });
    if (link) blocks.push({ textOnly: `${w.open}: ${link}` }, { button: w.open, href: link });
  }
  return { subject, blocks };
}

/**
 * Renders any outbox email. `link` is the task's personal link (invites, reminders, answers);
 * undefined for emails that must not carry one (escalations go to someone else; cycle-wide mail).
 */
export function renderEmail<K extends OutboxKind>(kind: K, data: OutboxData[K], link: string | undefined, extras: RenderExtras = {}): RenderedEmail {
  let subject: string;
  let blocks: Block[];
  const locale = (data as { locale: Locale }).locale;
  const w = wordsFor(locale);
  switch (kind) {
    case 'task-invite':
    case 'task-reminder':
      ({ subject, blocks } = taskEmail(kind, data as EmailData['task-invite'], link, extras));
      break;
    case 'task-escalation': {
      const d = data as EmailData['task-escalation'];
      const due = formatDue(d.dueAt, d.locale, d.timeZone);
      const noun = w.noun(d.taskKind, d.round, '');
      subject = w.escalationSubject(d, due, noun);
      blocks = [{ p: w.hello(d.personName) }, ...w.escalationBody(d, due, noun).map((p) => ({ p }))];
      break;
    }
    case 'awards-announcement': {
      const d = data as EmailData['awards-announcement'];
      subject = w.awardsSubject(d.cycleTitle);
      blocks = [{ p: w.hello(d.personName) }];
      if (d.announcement) blocks.push({ p: d.announcement });
      blocks.push(d.winners.length ? { p: w.awardsIntro(d.cycleTitle) } : { p: w.noWinners });
      if (d.winners.length) blocks.push({ list: d.winners.map((x) => `${x.label} — ${x.citation}`) });
      break;
    }
    case 'cycle-cancelled': {
      const d = data as EmailData['cycle-cancelled'];
      subject = w.cancelledSubject(d.cycleTitle);
      blocks = [{ p: w.hello(d.personName) }, { p: w.cancelledBody(d.cycleTitle) }];
      if (d.reason) blocks.push({ strong: w.reason, value: d.reason });
      break;
    }
    case 'manager-digest': {
      const d = data as EmailData['manager-digest'];
      subject = w.digestSubject(d);
      blocks = [
        { p: w.hello(d.personName) },
        { p: w.digestIntro(d) },
        { strong: `${w.checkedIn} (${d.checkedIn.length})`, value: d.checkedIn.join(', ') || w.none },
        { strong: `${w.missed} (${d.missed.length})`, value: d.missed.join(', ') || w.none },
      ];
      if (d.lowConfidence.length) {
        blocks.push({ heading: w.lowConfidence }, { list: d.lowConfidence.map((x) => `${x.person} — ${x.keyResult}: ${w.confidenceOf(x.confidence)}`) });
      }
      break;
    }
    case 'reply-answer':
      ({ subject, blocks } = answerEmail(data as ReplyAnswerData, link, extras));
      break;
    default:
      throw new Error(`no template for emails of kind ${String(kind)}`);
  }
  subject = subject.replace(/[\r\n]+/g, ' ');
  return { subject, text: renderText(locale, blocks), html: renderHtml(locale, subject, blocks) };
}

/** Kinds whose email is addressed to the task's owner (and so may carry its link and reply address). */
export const OWNER_TASK_EMAIL_KINDS: ReadonlySet<OutboxKind> = new Set<OutboxKind>(TASK_EMAIL_KINDS);

/** @deprecated The data of the first templates (drafting only); use `EmailData` and `renderEmail`. */
export type TaskEmailData = Omit<EmailData['task-invite'], 'round' | 'taskKind'> & { taskKind: string; round?: number; reminderNo?: number };

/** @deprecated Kept for callers of the first templates (the benchmark); renders like `renderEmail`. */
export function renderTaskEmail(kind: 'task-invite' | 'task-reminder', data: TaskEmailData, link: string): RenderedEmail {
  const full = { ...data, taskKind: data.taskKind as TaskKind, round: data.round ?? 1, reminderNo: data.reminderNo ?? 0 };
  return renderEmail(kind, full, link);
}
