/**
 * Reading a reply to a task email: what the person wrote (without quoted history and signature),
 * turned into the task's submission by the kind's grammar (`reply` in kinds/<kind>/), or the list
 * of problems with the line each one is on. Pure functions, no I/O; the grammar is documented in
 * docs/email.md.
 *
 * KR numbers follow the order of the key results in the task's context (`context.keyResults`),
 * which is the order the task email lists them in.
 */
import type { Locale, TaskKind } from '../contract';
import { translateFieldIssue, translateIssue } from '../i18n/validation';
import { MAX_PERCENT } from '../kinds/schema-parts';
import { kindModule } from '../kinds';
import { type ReplyKeyResult, type ReplyLine, type ReplyMessages, type ReplyProblem, KR_LINE, builder, clip } from '../kinds/reply-grammar';

export { parseNumber, type ReplyKeyResult, type ReplyLine, type ReplyProblem } from '../kinds/reply-grammar';

/** Whether a task of this kind can be completed by replying to its email. */
export const isReplyKind = (kind: TaskKind): boolean => kindModule(kind).reply !== undefined;

export type ParsedReply =
  | { ok: true; submission: unknown; lines: ReplyLine[]; locate: (path: string) => ReplyLine | null }
  | { ok: false; problems: ReplyProblem[]; lines: ReplyLine[]; locate: (path: string) => ReplyLine | null };

// ---- the fresh part of a reply ----------------------------------------------------------------------

const QUOTE_HEADERS: RegExp[] = [
  /^On\b.{0,300}\bwrote:\s*$/i, // Gmail, Apple Mail, Thunderbird: "On Mon, 5 Jan 2027 at 10:00, OKR <okr@…> wrote:"
  /^-{2,}\s*Original Message\s*-{2,}$/i, // Outlook
  /^-{2,}\s*(?:Forwarded|Replied) message\s*-{2,}$/i,
  /^-{2,}\s*原始邮件\s*-{2,}$/,
  /^-{2,}\s*回复的原邮件\s*-{2,}$/,
  /^在.{0,300}写道\s*[:：]\s*$/, // Chinese Gmail / Apple Mail / Foxmail: "在 2027年1月5日 10:00，OKR <okr@…> 写道："
  /^于.{0,300}写道\s*[:：]\s*$/,
];
/** Outlook's header block of the quoted message, without a separator line. */
const HEADER_BLOCK_START = /^(?:From|发件人|寄件者)\s*[:：]/i;
const HEADER_BLOCK_NEXT = /^(?:Sent|Date|To|Subject|发送时间|日期|收件人|主题)\s*[:：]/i;
const MOBILE_SIGNATURE = /^(?:Sent from my .{1,40}|Get Outlook for .{1,40}|发自我的.{1,20}|从我的.{1,20}发送)$/i;

/**
 * The lines the person wrote: up to the first quoted-message header ("On … wrote:", "-----Original
 * Message-----", "在 … 写道：", an Outlook header block) or signature separator ("-- "), without
 * lines quoted with ">" and without mobile-client signatures. Line numbers are kept.
 */
export function freshLines(text: string): ReplyLine[] {
  const raw = text.replace(/\r\n?/g, '\n').split('\n');
  const out: ReplyLine[] = [];
  for (let i = 0; i < raw.length; i++) {
    const line = raw[i]!.replace(/[\u00a0\u3000]/g, ' ');
    const trimmed = line.trim();
    if (trimmed === '--' && /^--\s*$/.test(line)) break; // "-- " signature separator
    if (QUOTE_HEADERS.some((re) => re.test(trimmed))) break;
    // "On Mon, 5 Jan 2027 at 10:00, OKR <okr@example.com>" + "wrote:" on the next line (wrapped by the client)
    if (/^On\b/i.test(trimmed) && /^.{0,200}\bwrote:\s*$/i.test((raw[i + 1] ?? '').trim()) && trimmed.length < 200) break;
    if (/^在/.test(trimmed) && /写道\s*[:：]\s*$/.test((raw[i + 1] ?? '').trim()) && trimmed.length < 200) break;
    if (/^_{10,}$/.test(trimmed) && HEADER_BLOCK_START.test((raw[i + 1] ?? '').trim())) break;
    if (HEADER_BLOCK_START.test(trimmed) && HEADER_BLOCK_NEXT.test((raw[i + 1] ?? '').trim())) break;
    if (/^>/.test(trimmed)) continue;
    if (MOBILE_SIGNATURE.test(trimmed)) continue;
    out.push({ no: i + 1, text: trimmed });
  }
  while (out.length && out[out.length - 1]!.text === '') out.pop();
  while (out.length && out[0]!.text === '') out.shift();
  return out;
}

// ---- messages -----------------------------------------------------------------------------------------

type Messages = ReplyMessages;

const MESSAGES: Record<Locale, Messages> = {
  en: {
    empty: 'the reply is empty (above the quoted email): write your answer at the top',
    noSuchKr: (n: number, count: number) =>
      count
        ? `there is no KR${n}: this task has ${count} key result${count === 1 ? '' : 's'} (KR1–KR${count})`
        : `there is no KR${n}: this task has no key results`,
    twice: (n: number, first: number) => `KR${n} is given twice (also on line ${first})`,
    noValue: (n: number) => `KR${n} has no value after the colon`,
    milestone: (n: number) => `KR${n} is a milestone: write "done" or "not done"`,
    percent: (n: number) => `KR${n} is a percentage: write a number from 0 to ${MAX_PERCENT.toLocaleString('en')}, e.g. KR${n}: 60%`,
    number: (n: number, unit: string | null) => `KR${n} needs a number${unit ? ` (in ${unit})` : ''}, e.g. KR${n}: 12`,
    score: (n: number) => `KR${n} needs a score from 0.0 to 1.0, e.g. KR${n}: 0.7`,
    confidenceValue: 'confidence must be a whole number from 1 to 10, e.g. confidence: 7',
    confidenceTwice: (first: number) => `confidence is given twice (also on line ${first})`,
    confidenceMissing: 'add a line "confidence: N" with a whole number from 1 to 10',
    noKrLines: 'write at least one key result, one line each, e.g. KR1: 60%',
    noScoreLines: 'write one line per key result with its score, e.g. KR1: 0.7',
    decision: 'start your reply with "approve", or with "changes:" followed by what should change',
    changesComment: 'after "changes:" say what should change',
    field: (label: string, message: string) => `${label}: ${message}`,
  },
  'zh-CN': {
    empty: '回复内容为空（在引用的邮件上方）：请把回答写在最上面',
    noSuchKr: (n: number, count: number) => (count ? `没有 KR${n}：此任务有 ${count} 个关键结果（KR1–KR${count}）` : `没有 KR${n}：此任务没有关键结果`),
    twice: (n: number, first: number) => `KR${n} 重复出现（另见第 ${first} 行）`,
    noValue: (n: number) => `KR${n} 冒号后没有填写数值`,
    milestone: (n: number) => `KR${n} 是里程碑：请写“已完成”或“未完成”`,
    percent: (n: number) => `KR${n} 是百分比：请写 0 到 ${MAX_PERCENT.toLocaleString('zh-CN')} 之间的数字，例如 KR${n}：60%`,
    number: (n: number, unit: string | null) => `KR${n} 需要一个数字${unit ? `（单位：${unit}）` : ''}，例如 KR${n}：12`,
    score: (n: number) => `KR${n} 需要 0.0 到 1.0 之间的分数，例如 KR${n}：0.7`,
    confidenceValue: '信心需为 1 到 10 的整数，例如“信心：7”',
    confidenceTwice: (first: number) => `信心重复出现（另见第 ${first} 行）`,
    confidenceMissing: '请加一行“信心：数字”，数字为 1 到 10 的整数',
    noKrLines: '请至少写一个关键结果，每行一个，例如 KR1：60%',
    noScoreLines: '请每个关键结果写一行分数，例如 KR1：0.7',
    decision: '回复的第一行请写“批准”，或写“修改：”加上需要修改的内容',
    changesComment: '请在“修改：”后写明需要修改的内容',
    field: (label: string, message: string) => `${label}：${message}`,
  },
};

// ---- entry point ------------------------------------------------------------------------------------------

/** What fields are called in a reply, in each language (the key result lines say "KR2"). */
const FIELD_LABELS: Record<Locale, Record<string, string>> = {
  en: {},
  'zh-CN': { confidence: '信心', report: '周报', decision: '决定', comment: '意见', scores: '评分', keyResults: '关键结果', items: '执行事项' },
};

/** How a person calls a field: "KR2" for a key result's line, else the field's name ("confidence", "信心"). */
function labelFor(path: string, line: ReplyLine | null, locale: Locale = 'en'): string {
  const kr = line ? KR_LINE.exec(line.text) : null;
  if (kr && /^(?:keyResults|scores)\./.test(path)) return `KR${kr[1]}`;
  const field = path.split('.')[0] ?? '';
  return FIELD_LABELS[locale]?.[field] ?? field;
}

function locateIn(path: string, where: Map<string, ReplyLine>): ReplyLine | null {
  const parts = path.split('.');
  for (let i = parts.length; i > 0; i--) {
    const hit = where.get(parts.slice(0, i).join('.'));
    if (hit) return hit;
  }
  return null;
}

/**
 * Parses the text of a reply for a task of `kind` and checks it with the kind's schema (the same
 * one the task page and the workflow use). `keyResults` must be in the task context's order.
 */
export function parseReply(kind: TaskKind, text: string, keyResults: ReplyKeyResult[], locale: Locale = 'en'): ParsedReply {
  const m: Messages = MESSAGES[locale] ?? MESSAGES.en;
  const module = kindModule(kind);
  if (!module.reply) throw new Error(`tasks of kind ${kind} cannot be completed by reply`);
  const lines = freshLines(text);
  const b = builder();
  const locate = (path: string) => locateIn(path, b.where);
  if (!lines.some((l) => l.text !== '')) {
    b.problem(null, m.empty);
    return { ok: false, problems: b.problems, lines, locate };
  }
  const candidate = module.reply.parse(lines, keyResults, b, m);
  if (b.problems.length) return { ok: false, problems: b.problems, lines, locate };
  const checked = module.schema.safeParse(candidate);
  if (!checked.success) {
    for (const issue of checked.error.issues) {
      const path = issue.path.map(String).join('.');
      const line = locate(path);
      const label = labelFor(path, line, locale);
      const message = translateIssue(locale, issue);
      b.problem(line, label ? m.field(label, message) : message);
    }
    return { ok: false, problems: b.problems, lines, locate };
  }
  return { ok: true, submission: checked.data, lines, locate };
}

/** Field issues from the server (e.g. "keyResults.1.value: from 0 to 100") as problems on the reply's lines. */
export function problemsFromIssues(
  parsed: ParsedReply,
  issues: { path: string; message: string; code?: string; params?: Record<string, string | number> }[],
  locale: Locale = 'en',
): ReplyProblem[] {
  const m: Messages = MESSAGES[locale] ?? MESSAGES.en;
  return issues.map((issue) => {
    const line = parsed.locate(issue.path);
    const label = labelFor(issue.path, line, locale);
    const message = translateFieldIssue(locale, issue);
    return { line: line?.no ?? null, text: line ? clip(line.text) : null, message: label ? m.field(label, message) : message };
  });
}
