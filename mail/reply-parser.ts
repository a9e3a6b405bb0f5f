/**
 * Reading a reply to a task email: what the person wrote (without quoted history and signature),
 * turned into the task's submission, or the list of problems with the line each one is on.
 * Pure functions, no I/O; the grammar is documented in docs/email.md.
 *
 *   check-in         KR<n>: <value>   one line per key result: 60% · 12 · 12 users · done · not done
 *                    confidence: <1–10>
 *                    any other line: the weekly report
 *   review,          approve [comment]            (first line)
 *   strategy-review  changes: <what should change>  (first line; following lines continue the comment)
 *   self-score,      KR<n>: <0.0–1.0> [comment]
 *   calibrate        any other line: the overall comment
 *
 * KR numbers follow the order of the key results in the task's context (`context.keyResults`),
 * which is the order the task email lists them in.
 */
import { type Locale, type TaskKind, submissionSchemas } from '../contract';

export interface ReplyLine {
  /** 1-based, in the text as the person wrote it. */
  no: number;
  text: string;
}

export interface ReplyProblem {
  line: number | null;
  text: string | null;
  message: string;
}

/** A key result as the parser needs it; numbered KR1… in the given order. */
export interface ReplyKeyResult {
  keyResultId: number;
  title: string;
  kind: 'numeric' | 'percent' | 'milestone';
  unit: string | null;
}

export type ReplyKind = Extract<TaskKind, 'checkin' | 'review' | 'strategy-review' | 'self-score' | 'calibrate'>;
export const REPLY_KINDS: readonly ReplyKind[] = ['checkin', 'review', 'strategy-review', 'self-score', 'calibrate'];
export const isReplyKind = (kind: string): kind is ReplyKind => (REPLY_KINDS as readonly string[]).includes(kind);

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

interface Messages {
  empty: string;
  noSuchKr(n: number, count: number): string;
  twice(n: number, first: number): string;
  noValue(n: number): string;
  milestone(n: number): string;
  percent(n: number): string;
  number(n: number, unit: string | null): string;
  score(n: number): string;
  confidenceValue: string;
  confidenceTwice(first: number): string;
  confidenceMissing: string;
  noKrLines: string;
  noScoreLines: string;
  decision: string;
  changesComment: string;
  field(label: string, message: string): string;
}

const MESSAGES: Record<Locale, Messages> = {
  en: {
    empty: 'the reply is empty (above the quoted email): write your answer at the top',
    noSuchKr: (n: number, count: number) => (count ? `there is no KR${n}: this task has ${count} key result${count === 1 ? '' : 's'} (KR1–KR${count})` : `there is no KR${n}: this task has no key results`),
    twice: (n: number, first: number) => `KR${n} is given twice (also on line ${first})`,
    noValue: (n: number) => `KR${n} has no value after the colon`,
    milestone: (n: number) => `KR${n} is a milestone: write "done" or "not done"`,
    percent: (n: number) => `KR${n} is a percentage: write a number from 0 to 100, e.g. KR${n}: 60%`,
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
    milestone: (n: number) => `KR${n} 是里程碑：请写 "done" 或 "not done"`,
    percent: (n: number) => `KR${n} 是百分比：请写 0 到 100 之间的数字，例如 KR${n}: 60%`,
    number: (n: number, unit: string | null) => `KR${n} 需要一个数字${unit ? `（单位：${unit}）` : ''}，例如 KR${n}: 12`,
    score: (n: number) => `KR${n} 需要 0.0 到 1.0 之间的分数，例如 KR${n}: 0.7`,
    confidenceValue: '信心需为 1 到 10 的整数，例如 confidence: 7',
    confidenceTwice: (first: number) => `信心重复出现（另见第 ${first} 行）`,
    confidenceMissing: '请加一行 "confidence: N"，N 为 1 到 10 的整数',
    noKrLines: '请至少写一个关键结果，每行一个，例如 KR1: 60%',
    noScoreLines: '请每个关键结果写一行分数，例如 KR1: 0.7',
    decision: '回复的第一行请写 "approve"，或写 "changes:" 加上需要修改的内容',
    changesComment: '请在 "changes:" 后写明需要修改的内容',
    field: (label: string, message: string) => `${label}：${message}`,
  },
};

// ---- values ---------------------------------------------------------------------------------------------

/** "1,200" → 1200, "0,7" → 0.7, "12.5" → 12.5; null if not a plain number. */
export function parseNumber(raw: string): number | null {
  let s = raw.trim();
  if (/^[+-]?\d{1,3}(?:,\d{3})+(?:\.\d+)?$/.test(s)) s = s.replace(/,/g, '');
  else if (/^[+-]?\d*,\d+$/.test(s)) s = s.replace(',', '.');
  if (!/^[+-]?(?:\d+(?:\.\d*)?|\.\d+)$/.test(s)) return null;
  const n = Number(s);
  return Number.isFinite(n) ? n : null;
}

const DONE = /^(?:done|complete|completed|finished|yes|已完成|完成|是)$/i;
const NOT_DONE = /^(?:not done|not yet|not finished|open|pending|no|未完成|没完成|否)$/i;

type Value = { value: number } | { done: boolean } | { error: string };

function checkinValue(raw: string, kr: ReplyKeyResult, n: number, m: Messages): Value {
  const v = raw.trim().replace(/[.。;；!！]+$/, '').trim();
  if (kr.kind === 'milestone') {
    if (DONE.test(v) || /^100\s*%$/.test(v)) return { done: true };
    if (NOT_DONE.test(v) || /^0\s*%?$/.test(v)) return { done: false };
    return { error: m.milestone(n) };
  }
  const match = /^([+-]?[\d.,]+)\s*(.*)$/.exec(v);
  const value = match ? parseNumber(match[1]!) : null;
  const rest = match ? match[2]!.trim() : '';
  if (kr.kind === 'percent') {
    if (value === null || !(rest === '' || rest === '%' || rest === '％')) return { error: m.percent(n) };
    if (value < 0 || value > 100) return { error: m.percent(n) };
    return { value };
  }
  const unit = kr.unit?.trim() ?? '';
  const unitOk = rest === '' || (unit !== '' && rest.toLowerCase() === unit.toLowerCase()) || (unit === '%' && rest === '％');
  if (value === null || !unitOk) return { error: m.number(n, kr.unit) };
  return { value };
}

// ---- per kind -----------------------------------------------------------------------------------------------

const KR_LINE = /^(?:[-*•·]\s*)?KR\s*#?\s*(\d{1,3})(?![\d.])\s*(?:[:：=]\s*|\s+|$)(.*)$/i;
const CONFIDENCE_LINE = /^(?:[-*•·]\s*)?(?:confidence|信心(?:指数)?)\s*(?:[:：=]\s*(.*)|\s+(\d+(?:[.,]\d+)?(?:\s*\/\s*10)?))$/i;
const REPORT_PREFIX = /^(?:weekly report|report|周报)\s*[:：]\s*/i;
const COMMENT_PREFIX = /^(?:comment|意见|说明|评论)\s*[:：]\s*/i;

interface Builder {
  problems: ReplyProblem[];
  where: Map<string, ReplyLine>;
  problem(line: ReplyLine | null, message: string): void;
}

function builder(): Builder {
  const problems: ReplyProblem[] = [];
  return {
    problems,
    where: new Map(),
    problem(line, message) {
      problems.push({ line: line?.no ?? null, text: line ? clip(line.text) : null, message });
    },
  };
}

function clip(text: string): string {
  return text.length > 80 ? `${text.slice(0, 77)}…` : text;
}

/** KR lines, each resolved to its key result; problems for unknown and repeated numbers. */
function krLines(lines: ReplyLine[], keyResults: ReplyKeyResult[], b: Builder, m: Messages) {
  const found: { line: ReplyLine; n: number; kr: ReplyKeyResult; rest: string }[] = [];
  const other: ReplyLine[] = [];
  const firstLine = new Map<number, number>();
  for (const line of lines) {
    const match = KR_LINE.exec(line.text);
    if (!match) {
      other.push(line);
      continue;
    }
    const n = Number(match[1]);
    const kr = keyResults[n - 1];
    if (!kr || n < 1) {
      b.problem(line, m.noSuchKr(n, keyResults.length));
      continue;
    }
    if (firstLine.has(n)) {
      b.problem(line, m.twice(n, firstLine.get(n)!));
      continue;
    }
    firstLine.set(n, line.no);
    const rest = match[2]!.trim();
    if (rest === '') {
      b.problem(line, m.noValue(n));
      continue;
    }
    found.push({ line, n, kr, rest });
  }
  return { found, other };
}

/** The free text of the reply, with blank lines at its ends removed and runs of blank lines collapsed. */
function freeText(lines: ReplyLine[], prefix: RegExp): string {
  return lines
    .map((l) => l.text.replace(prefix, ''))
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

function parseCheckin(lines: ReplyLine[], keyResults: ReplyKeyResult[], b: Builder, m: Messages): unknown {
  const { found, other } = krLines(lines, keyResults, b, m);
  const entries: { keyResultId: number; value?: number; done?: boolean }[] = [];
  for (const { line, n, kr, rest } of found) {
    const v = checkinValue(rest, kr, n, m);
    if ('error' in v) {
      b.problem(line, v.error);
      continue;
    }
    b.where.set(`keyResults.${entries.length}`, line);
    entries.push({ keyResultId: kr.keyResultId, ...v });
  }
  let confidence: number | undefined;
  let confidenceLine: ReplyLine | undefined;
  const reportLines: ReplyLine[] = [];
  for (const line of other) {
    const match = CONFIDENCE_LINE.exec(line.text);
    if (!match) {
      reportLines.push(line);
      continue;
    }
    if (confidenceLine) {
      b.problem(line, m.confidenceTwice(confidenceLine.no));
      continue;
    }
    confidenceLine = line;
    b.where.set('confidence', line);
    const raw = (match[1] ?? match[2] ?? '').trim().replace(/\s*\/\s*10$/, '').replace(/[.。]$/, '');
    const n = parseNumber(raw);
    if (n === null || !Number.isInteger(n) || n < 1 || n > 10) b.problem(line, m.confidenceValue);
    else confidence = n;
  }
  if (!confidenceLine) b.problem(null, m.confidenceMissing);
  if (!found.length && !b.problems.some((p) => p.line !== null)) b.problem(null, m.noKrLines);
  const firstReport = reportLines.find((l) => l.text !== '');
  if (firstReport) b.where.set('report', firstReport);
  return { keyResults: entries, confidence, items: [], report: freeText(reportLines, REPORT_PREFIX) };
}

const APPROVE = /^(?:approve|approved|lgtm|同意|批准|通过)(?=$|[\s:：,，.。!！-])[\s:：,，.。!！-]*(.*)$/i;
const CHANGES = /^(?:changes requested|request changes|changes|change|需要修改|修改)(?=$|[\s:：-])[\s:：-]*(.*)$/i;

function parseReview(lines: ReplyLine[], b: Builder, m: Messages): unknown {
  const start = lines.findIndex((l) => l.text !== '');
  const first = lines[start]!;
  const rest = lines.slice(start + 1);
  const approve = APPROVE.exec(first.text);
  const changes = approve ? null : CHANGES.exec(first.text);
  if (!approve && !changes) {
    b.problem(first, m.decision);
    return undefined;
  }
  b.where.set('decision', first);
  b.where.set('comment', first);
  const comment = [(approve ?? changes)![1]!.trim(), freeText(rest, /^$/)].filter((s) => s !== '').join('\n');
  if (changes) {
    if (comment.length < 3) b.problem(first, m.changesComment);
    return { decision: 'changes', comment };
  }
  return comment ? { decision: 'approve', comment } : { decision: 'approve' };
}

function parseScores(lines: ReplyLine[], keyResults: ReplyKeyResult[], b: Builder, m: Messages): unknown {
  const { found, other } = krLines(lines, keyResults, b, m);
  const scores: { keyResultId: number; score: number; comment?: string }[] = [];
  for (const { line, n, kr, rest } of found) {
    const match = /^([+-]?[\d.,]+)(?:\s*[-–—:：,，;；]\s*|\s+|$)(.*)$/.exec(rest);
    const score = match ? parseNumber(match[1]!) : null;
    if (score === null || score < 0 || score > 1) {
      b.problem(line, m.score(n));
      continue;
    }
    b.where.set(`scores.${scores.length}`, line);
    const comment = match![2]!.trim();
    scores.push({ keyResultId: kr.keyResultId, score, ...(comment ? { comment } : {}) });
  }
  if (!found.length && !b.problems.some((p) => p.line !== null)) b.problem(null, m.noScoreLines);
  const commentLines = other.filter((l) => l.text !== '');
  if (commentLines.length) b.where.set('comment', commentLines[0]!);
  const comment = freeText(other, COMMENT_PREFIX);
  return comment ? { scores, comment } : { scores };
}

// ---- entry point ------------------------------------------------------------------------------------------

/** How a person calls a field: "KR2" for a key result's line, else the field's name ("confidence"). */
function labelFor(path: string, line: ReplyLine | null): string {
  const kr = line ? KR_LINE.exec(line.text) : null;
  if (kr && /^(?:keyResults|scores)\./.test(path)) return `KR${kr[1]}`;
  return path.split('.')[0] ?? '';
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
export function parseReply(kind: ReplyKind, text: string, keyResults: ReplyKeyResult[], locale: Locale = 'en'): ParsedReply {
  const m: Messages = MESSAGES[locale] ?? MESSAGES.en;
  const lines = freshLines(text);
  const b = builder();
  const locate = (path: string) => locateIn(path, b.where);
  if (!lines.some((l) => l.text !== '')) {
    b.problem(null, m.empty);
    return { ok: false, problems: b.problems, lines, locate };
  }
  const candidate =
    kind === 'checkin' ? parseCheckin(lines, keyResults, b, m) : kind === 'self-score' || kind === 'calibrate' ? parseScores(lines, keyResults, b, m) : parseReview(lines, b, m);
  if (b.problems.length) return { ok: false, problems: b.problems, lines, locate };
  const checked = submissionSchemas[kind].safeParse(candidate);
  if (!checked.success) {
    for (const issue of checked.error.issues) {
      const path = issue.path.map(String).join('.');
      const line = locate(path);
      const label = labelFor(path, line);
      b.problem(line, label ? m.field(label, issue.message) : issue.message);
    }
    return { ok: false, problems: b.problems, lines, locate };
  }
  return { ok: true, submission: checked.data, lines, locate };
}

/** Field issues from the server (e.g. "keyResults.1.value: from 0 to 100") as problems on the reply's lines. */
export function problemsFromIssues(parsed: ParsedReply, issues: { path: string; message: string }[], locale: Locale = 'en'): ReplyProblem[] {
  const m: Messages = MESSAGES[locale] ?? MESSAGES.en;
  return issues.map((issue) => {
    const line = parsed.locate(issue.path);
    const label = labelFor(issue.path, line);
    return { line: line?.no ?? null, text: line ? clip(line.text) : null, message: label ? m.field(label, issue.message) : issue.message };
  });
}
