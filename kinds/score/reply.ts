/**
 * Scores by reply:   KR<n>: <0.0–1.0> [comment]
 *                    any other line: the overall comment
 */
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

const COMMENT_PREFIX = /^(?:comment|意见|说明|评论)\s*[:：]\s*/i;

function parse(lines: ReplyLine[], keyResults: ReplyKeyResult[], b: Builder, m: ReplyMessages): unknown {
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

/** `calibrate` pre-fills from the final score, then the self score; self-score from the self score. */
export function scoreReply(mode: 'self' | 'calibrate'): ReplyGrammar {
  return {
    needsKeyResults: true,
    parse,
    summary(submission, keyResults) {
      const { label } = krLabel(keyResults);
      const s = submission as { scores: { keyResultId: number; score: number; comment?: string }[]; comment?: string };
      return {
        recorded: s.scores.map((x) => ({ ...label(x.keyResultId), value: `${x.score}${x.comment ? ` — ${x.comment}` : ''}` })),
        ...(s.comment ? { comment: s.comment } : {}),
      };
    },
    example({ keyResults: krs }, locale) {
      const colon = locale === 'zh-CN' ? '：' : ': ';
      const lines = krs?.length
        ? krs.map((kr, i) => `KR${i + 1}${colon}${num((mode === 'calibrate' ? (kr.score ?? kr.selfScore) : kr.selfScore) ?? kr.suggestedScore ?? 0.7)}`)
        : [`KR1${colon}0.7`, locale === 'zh-CN' ? 'KR2：0.4 因招聘冻结而延误' : 'KR2: 0.4 slipped because of the hiring freeze'];
      return [lines];
    },
  };
}
