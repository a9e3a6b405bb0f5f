/**
 * What the kinds' reply grammars share (docs/email.md): numbered key-result lines, free text,
 * numbers as people write them, and a builder that collects every problem with its line. Pure
 * functions, no I/O. Each kind that can be completed by reply has its grammar in
 * kinds/<kind>/reply.ts; mail/reply-parser.ts strips the quoted history and dispatches.
 */
import type { Locale } from '../contract';
import type { KeyResultOption } from './types';

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

/** The problems a reply can have, in the person's language (i18n/). */
export interface ReplyMessages {
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

/** What a confirmation lists about a completed submission. */
export interface RecordedSummary {
  recorded?: { label: string; title?: string; value?: string; done?: boolean }[];
  confidence?: number;
  decision?: 'approve' | 'changes';
  comment?: string;
  report?: string;
}

/** What a reply example is pre-filled from (the task's current state). */
export interface ReplyExampleInput {
  keyResults?: KeyResultOption[];
  confidence?: number;
}

/** One kind's reply grammar. */
export interface ReplyGrammar {
  /** The grammar numbers the task's key results (KR1…): the context must be loaded first. */
  needsKeyResults: boolean;
  /** The candidate submission (checked with the kind's schema afterwards); problems go to `b`. */
  parse(lines: ReplyLine[], keyResults: ReplyKeyResult[], b: Builder, m: ReplyMessages): unknown;
  /** What the confirmation says was recorded. */
  summary(submission: unknown, keyResults: KeyResultOption[]): RecordedSummary;
  /** The lines a person can copy into a reply (alternatives), pre-filled from the task. */
  example(input: ReplyExampleInput, locale: Locale): string[][];
}

export interface Builder {
  problems: ReplyProblem[];
  /** Submission path → the line it came from. */
  where: Map<string, ReplyLine>;
  problem(line: ReplyLine | null, message: string): void;
}

export function builder(): Builder {
  const problems: ReplyProblem[] = [];
  return {
    problems,
    where: new Map(),
    problem(line, message) {
      problems.push({ line: line?.no ?? null, text: line ? clip(line.text) : null, message });
    },
  };
}

export function clip(text: string): string {
  return text.length > 80 ? `${text.slice(0, 77)}…` : text;
}

/** "1,200" → 1200, "0,7" → 0.7, "12.5" → 12.5; null if not a plain number. */
export function parseNumber(raw: string): number | null {
  let s = raw.trim();
  if (/^[+-]?\d{1,3}(?:,\d{3})+(?:\.\d+)?$/.test(s)) s = s.replace(/,/g, '');
  else if (/^[+-]?\d*,\d+$/.test(s)) s = s.replace(',', '.');
  if (!/^[+-]?(?:\d+(?:\.\d*)?|\.\d+)$/.test(s)) return null;
  const n = Number(s);
  return Number.isFinite(n) ? n : null;
}

/** Numbers as people write them: no float noise (0.30000000000000004 → 0.3). */
export function num(n: number): string {
  return String(Math.round(n * 1000) / 1000);
}

export const KR_LINE = /^(?:[-*•·]\s*)?KR\s*#?\s*(\d{1,3})(?![\d.])\s*(?:[:：=]\s*|\s+|$)(.*)$/i;

/** KR lines, each resolved to its key result; problems for unknown and repeated numbers. */
export function krLines(lines: ReplyLine[], keyResults: ReplyKeyResult[], b: Builder, m: ReplyMessages) {
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
export function freeText(lines: ReplyLine[], prefix: RegExp): string {
  return lines
    .map((l) => l.text.replace(prefix, ''))
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/** "KR1" and the title for a key result id, in the order of `keyResults`. */
export function krLabel(keyResults: KeyResultOption[]) {
  const index = new Map(keyResults.map((kr, i) => [kr.keyResultId, i]));
  return {
    index,
    label(id: number) {
      const i = index.get(id);
      return i === undefined ? { label: `#${id}` } : { label: `KR${i + 1}`, title: keyResults[i]!.title };
    },
  };
}
