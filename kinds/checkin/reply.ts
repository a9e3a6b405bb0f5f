/**
 * A check-in by reply:   KR<n>: <value>   one line per key result: 60% · 12 · 12 users · done · not done
 *                        confidence: <1–10>
 *                        any other line: the weekly report
 */
import type { KeyResultOption } from '../types';
import { MAX_PERCENT } from '../schema-parts';
import {
  type Builder,
  type ReplyGrammar,
  type ReplyKeyResult,
  type ReplyLine,
  type ReplyMessages,
  freeText,
  krLabel,
  krLines,
  num,
  parseNumber,
} from '../reply-grammar';

const DONE = /^(?:done|complete|completed|finished|yes|已完成|完成|是)$/i;
const NOT_DONE = /^(?:not done|not yet|not finished|open|pending|no|未完成|没完成|否)$/i;
const CONFIDENCE_LINE = /^(?:[-*•·]\s*)?(?:confidence|信心(?:指数)?)\s*(?:[:：=]\s*(.*)|\s+(\d+(?:[.,]\d+)?(?:\s*\/\s*10)?))$/i;
const REPORT_PREFIX = /^(?:weekly report|report|周报)\s*[:：]\s*/i;

/** How the examples write a milestone, in English and Chinese (the parser reads both). */
const DONE_WORD = ['done', '已完成'] as const;
const NOT_DONE_WORD = ['not done', '未完成'] as const;

type Value = { value: number } | { done: boolean } | { error: string };

function checkinValue(raw: string, kr: ReplyKeyResult, n: number, m: ReplyMessages): Value {
  const v = raw
    .trim()
    .replace(/[.。;；!！]+$/, '')
    .trim();
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
    if (value < 0 || value > MAX_PERCENT) return { error: m.percent(n) };
    return { value };
  }
  const unit = kr.unit?.trim() ?? '';
  const unitOk = rest === '' || (unit !== '' && rest.toLowerCase() === unit.toLowerCase()) || (unit === '%' && rest === '％');
  if (value === null || !unitOk) return { error: m.number(n, kr.unit) };
  return { value };
}

function parse(lines: ReplyLine[], keyResults: ReplyKeyResult[], b: Builder, m: ReplyMessages): unknown {
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
    const raw = (match[1] ?? match[2] ?? '')
      .trim()
      .replace(/\s*\/\s*10$/, '')
      .replace(/[.。]$/, '');
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

function formatValue(kr: KeyResultOption | undefined, value: number): string {
  const v = String(Math.round(value * 1000) / 1000);
  if (!kr) return v;
  if (kr.kind === 'percent' || kr.unit === '%') return `${v}%`;
  return kr.unit ? `${v} ${kr.unit}` : v;
}

export const checkinReply: ReplyGrammar = {
  needsKeyResults: true,
  parse,
  summary(submission, keyResults) {
    const { index, label } = krLabel(keyResults);
    const s = submission as { keyResults: { keyResultId: number; value?: number; done?: boolean }[]; confidence: number; report: string };
    return {
      recorded: s.keyResults.map((k) => ({
        ...label(k.keyResultId),
        ...(k.done !== undefined ? { done: k.done } : { value: formatValue(keyResults[index.get(k.keyResultId) ?? -1], k.value ?? 0) }),
      })),
      confidence: s.confidence,
      ...(s.report ? { report: s.report.length > 1000 ? `${s.report.slice(0, 999)}…` : s.report } : {}),
    };
  },
  example({ keyResults: krs, confidence }, locale) {
    const zh = locale === 'zh-CN' ? 1 : 0;
    const colon = zh ? '：' : ': ';
    const lines = krs?.length
      ? krs.map(
          (kr, i) =>
            `KR${i + 1}${colon}${kr.kind === 'milestone' ? (kr.done ? DONE_WORD[zh] : NOT_DONE_WORD[zh]) : kr.kind === 'percent' ? `${num(kr.current ?? kr.start ?? 0)}%` : num(kr.current ?? kr.start ?? 0)}`,
        )
      : [`KR1${colon}60%`, `KR2${colon}12`, `KR3${colon}${DONE_WORD[zh]}`];
    return [
      [
        ...lines,
        `${zh ? '信心' : 'confidence'}${colon}${confidence ?? 7}`,
        locale === 'zh-CN' ? '本周上线了测试版，正在等待安全评审。' : 'Shipped the beta; waiting for the security review.',
      ],
    ];
  },
};
