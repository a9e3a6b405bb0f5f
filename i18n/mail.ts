/** The words of every email that are not a kind's own (kinds/<kind>/words.ts has those), in every language. */
import type { Locale, TaskStatus } from '../contract';
import type { KeyResultOption } from '../kinds/types';
import type { EmailData, ReplyAnswerData } from '../mail/templates/data';
import { measure, num } from '../mail/templates/format';

export interface MailWords {
  /** Between a label and its value: ": " in English, "：" in Chinese. */
  colon: string;
  /** A remark in brackets after what it is about: " (…)" in English, "（…）" in Chinese. */
  aside(text: string): string;
  listSeparator: string;
  /** The first of the two ways, with the link. */
  wayLinkTo(link: string): string;
  hello(name: string): string;
  /** A round-2 (or later) subject says what changed: the author's redraft, the reviewer's second look. */
  againSubject(what: 'changes' | 'revised', subject: string): string;
  approvedSubject(title: string, reviewer: string): string;
  approvedBody(title: string, reviewer: string): string;
  finalScoreSubject(title: string, score: string): string;
  finalScoreBody(title: string, manager: string, score: string): string;
  managerComment: string;
  objectiveScore(title: string, score: string): string;
  keyResultScore(title: string, score: string | null): string;
  tasksTogetherSubject(title: string, action: string, count: number, due: string): string;
  tasksTogetherBody(count: number): string;
  inviteSubject(title: string, action: string, due: string): string;
  reminderSubject(title: string, action: string, due: string): string;
  /** The line of a reminder someone sent by hand (HR's "remind now"): who asked. */
  remindedBy(name: string): string;
  /** An ambassador's nudge: its subject, and the friendly line that names them. */
  nudgeSubject(title: string, action: string, due: string): string;
  nudgedBy(name: string): string;
  /** The same nudge sent by HR (who is no department's ambassador). */
  nudgedByHr(name: string): string;
  due: string;
  commentFrom: string;
  open: string;
  twoWays: string;
  wayReply: string;
  personal: string;
  /** The footer line of task emails: the link to the person's OKR home. */
  homeLink: string;
  yourKeyResults: string;
  objectivesUnderReview: string;
  alignedTo: string;
  krLine(n: number, kr: KeyResultOption): string;
  scoreLine(n: number, kr: KeyResultOption): string;
  orWrite: string;
  escalationSubject(d: EmailData['task-escalation'], due: string, noun: string): string;
  escalationBody(d: EmailData['task-escalation'], due: string, noun: string): string[];
  awardsSubject(title: string): string;
  awardsIntro(title: string): string;
  noWinners: string;
  cancelledSubject(title: string): string;
  cancelledBody(title: string): string;
  runCancelledBody(title: string): string;
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

const en: MailWords = {
  colon: ': ',
  aside: (text) => ` (${text})`,
  listSeparator: '; ',
  wayLinkTo: (link) => `1. Open your task: ${link}`,
  hello: (name) => `Hello ${name},`,
  againSubject: (what, subject) => `${what === 'changes' ? 'Changes requested' : 'Revised'} — ${subject}`,
  approvedSubject: (title, reviewer) => `${title}: ${reviewer} approved your OKRs`,
  approvedBody: (title, reviewer) => `${reviewer} approved your OKRs for ${title}. Nothing more to do until the first check-in.`,
  finalScoreSubject: (title, score) => `${title}: your final score is ${score}`,
  finalScoreBody: (title, manager, score) => `${manager} has calibrated your scores for ${title}. Your final score is ${score}.`,
  managerComment: 'Comment from your manager',
  objectiveScore: (title, score) => `${title}: ${score}`,
  keyResultScore: (title, score) => `${title}: ${score ?? 'not scored'}`,
  tasksTogetherSubject: (title, action, count, due) => `${title}: ${action} — ${count} people, by ${due}`,
  tasksTogetherBody: (count) => `You have ${count} tasks of the same kind; each has its own link:`,
  inviteSubject: (title, action, due) => `${title}: ${action} by ${due}`,
  reminderSubject: (title, action, due) => `Reminder — ${title}: ${action} by ${due}`,
  remindedBy: (name) => `${name} asked us to remind you of this task personally.`,
  nudgeSubject: (title, action, due) => `A friendly nudge — ${title}: ${action} by ${due}`,
  nudgedBy: (name) =>
    `${name}, your department's OKR ambassador, sends you a friendly nudge: this task is still open. If something is in the way, just reply to ${name} — they are happy to help.`,
  nudgedByHr: (name) =>
    `${name} from HR sends you a friendly nudge: this task is still open. If something is in the way, just reply to ${name} — they are happy to help.`,
  due: 'Due',
  commentFrom: 'Comment from your reviewer',
  open: 'Open your task',
  twoWays: 'Two ways to complete it:',
  wayReply: '2. Or reply to this email.',
  personal: 'The link and the reply address are personal: do not forward this email.',
  homeLink: 'Your objectives, check-ins and tasks in one place: open “Me”',
  yourKeyResults: 'Key results',
  objectivesUnderReview: 'Objectives under review',
  alignedTo: 'aligned to',
  krLine: (n, kr) =>
    `KR${n} — ${kr.title} (${kr.objectiveTitle}): ${kr.kind === 'milestone' ? (kr.done ? 'done' : 'not done yet') : `now ${measure(kr, kr.current ?? kr.start)}, target ${measure(kr, kr.target)}`}`,
  scoreLine: (n, kr) =>
    `KR${n} — ${kr.title} (${kr.objectiveTitle})${kr.selfScore !== null ? `: self-score ${num(kr.selfScore)}` : ''}${kr.suggestedScore !== null ? `, suggested from progress ${num(kr.suggestedScore)}` : ''}`,
  orWrite: 'or',
  escalationSubject: (d, due, noun) => `${d.cycleTitle}: ${d.ownerName}’s ${noun} is overdue (due ${due})`,
  escalationBody: (d, due, noun) => [
    `${d.ownerName} (${d.ownerEmail}) has not completed their ${noun} for ${d.cycleTitle}, which was due ${due}.`,
    d.level === 'manager'
      ? 'You receive this as their manager. Please check in with them.'
      : 'You receive this as the HR owner of the cycle. Please follow up.',
  ],
  awardsSubject: (title) => `${title}: the award winners`,
  awardsIntro: (title) => `The awards of ${title} go to:`,
  noWinners: 'No awards were given this cycle.',
  cancelledSubject: (title) => `${title} has been cancelled`,
  cancelledBody: (title) => `The OKR cycle ${title} has been cancelled. Your open tasks for it are closed; there is nothing more to do.`,
  runCancelledBody: (title) =>
    `The awards run ${title} has been cancelled: no awards will be announced for it. Your open nominations and votes are closed; there is nothing more to do.`,
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
    status === 'completed'
      ? `Your ${noun} was already completed, so this reply changed nothing.`
      : `Your ${noun} is ${status ?? 'closed'} and can no longer be completed; this reply changed nothing.`,
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

const zh: MailWords = {
  colon: '：',
  aside: (text) => `（${text}）`,
  listSeparator: '；',
  wayLinkTo: (link) => `1. 打开任务链接：${link}`,
  hello: (name) => `${name}，你好：`,
  againSubject: (what, subject) => `${what === 'changes' ? '需要修改' : '已修改，请再次审核'} — ${subject}`,
  approvedSubject: (title, reviewer) => `${title}：${reviewer} 已批准你的 OKR`,
  approvedBody: (title, reviewer) => `${reviewer} 已批准你在 ${title} 的 OKR。第一次进展更新之前无需再做任何事。`,
  finalScoreSubject: (title, score) => `${title}：你的最终得分为 ${score}`,
  finalScoreBody: (title, manager, score) => `${manager} 已校准你在 ${title} 的评分，你的最终得分为 ${score}。`,
  managerComment: '上级的意见',
  objectiveScore: (title, score) => `${title}：${score}`,
  keyResultScore: (title, score) => `${title}：${score ?? '未评分'}`,
  tasksTogetherSubject: (title, action, count, due) => `${title}：请在 ${due}前${action}（共 ${count} 人）`,
  tasksTogetherBody: (count) => `你有 ${count} 项同类任务，每项都有自己的链接：`,
  inviteSubject: (title, action, due) => `${title}：请在 ${due}前${action}`,
  reminderSubject: (title, action, due) => `提醒 — ${title}：请在 ${due}前${action}`,
  remindedBy: (name) => `${name}特意请我们提醒你完成这项任务。`,
  nudgeSubject: (title, action, due) => `温馨提醒 — ${title}：请在 ${due}前${action}`,
  nudgedBy: (name) => `你所在部门的 OKR 大使${name}温馨提醒你：这项任务还没有完成。如果遇到困难，可以直接联系${name}，对方很乐意帮忙。`,
  nudgedByHr: (name) => `HR 的${name}温馨提醒你：这项任务还没有完成。如果遇到困难，可以直接联系${name}，对方很乐意帮忙。`,
  due: '截止时间',
  commentFrom: '审核人的意见',
  open: '打开任务',
  twoWays: '两种完成方式：',
  wayReply: '2. 或直接回复本邮件。',
  personal: '此链接和回复地址仅供你本人使用，请勿转发此邮件。',
  homeLink: '在“我的”页面查看你的目标、进展和任务',
  yourKeyResults: '关键结果',
  objectivesUnderReview: '待审核的目标',
  alignedTo: '对齐到',
  krLine: (n, kr) =>
    `KR${n} — ${kr.title}（${kr.objectiveTitle}）：${kr.kind === 'milestone' ? (kr.done ? '已完成' : '尚未完成') : `当前 ${measure(kr, kr.current ?? kr.start)}，目标 ${measure(kr, kr.target)}`}`,
  scoreLine: (n, kr) =>
    `KR${n} — ${kr.title}（${kr.objectiveTitle}）${kr.selfScore !== null ? `：自评 ${num(kr.selfScore)}` : ''}${kr.suggestedScore !== null ? `，按进展建议 ${num(kr.suggestedScore)}` : ''}`,
  orWrite: '或',
  escalationSubject: (d, due, noun) => `${d.cycleTitle}：${d.ownerName} 的${noun}已逾期，截止时间 ${due}`,
  escalationBody: (d, due, noun) => [
    `${d.ownerName}（${d.ownerEmail}）尚未完成 ${d.cycleTitle} 的${noun}，截止时间为 ${due}。`,
    d.level === 'manager' ? '你作为其上级收到此邮件，请跟进。' : '你作为本周期的 HR 负责人收到此邮件，请跟进。',
  ],
  awardsSubject: (title) => `${title}：获奖名单`,
  awardsIntro: (title) => `${title} 的获奖者是：`,
  noWinners: '本周期未评出奖项。',
  cancelledSubject: (title) => `${title} 已取消`,
  cancelledBody: (title) => `OKR 周期 ${title} 已取消。你在该周期中未完成的任务已关闭，无需再做任何事。`,
  runCancelledBody: (title) => `评奖活动 ${title} 已取消，不会公布获奖名单。你未完成的提名和投票已关闭，无需再做任何事。`,
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
  answerClosed: (noun, status) =>
    status === 'completed' ? `你的${noun}此前已完成，这封回复没有做任何更改。` : `你的${noun}已关闭，无法再完成；这封回复没有做任何更改。`,
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

export const mailWords: Record<Locale, MailWords> = { en, 'zh-CN': zh };
