/**
 * A review by reply:   approve [comment]               (first line)
 *                      changes: <what should change>   (first line; following lines continue the comment)
 */
import { type Builder, type ReplyGrammar, type ReplyLine, type ReplyMessages, freeText } from '../reply-grammar';

const APPROVE = /^(?:approve|approved|lgtm|同意|批准|通过)(?=$|[\s:：,，.。!！-])[\s:：,，.。!！-]*(.*)$/i;
const CHANGES = /^(?:changes requested|request changes|changes|change|需要修改|修改)(?=$|[\s:：-])[\s:：-]*(.*)$/i;

function parse(lines: ReplyLine[], _keyResults: unknown, b: Builder, m: ReplyMessages): unknown {
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

export const reviewReply: ReplyGrammar = {
  needsKeyResults: false,
  parse,
  summary(submission) {
    const s = submission as { decision: 'approve' | 'changes'; comment?: string };
    return { decision: s.decision, ...(s.comment ? { comment: s.comment } : {}) };
  },
  example: (_input, locale) =>
    locale === 'zh-CN'
      ? [['批准'], ['修改：KR2 需要一个可衡量的数字；请把 O1 对齐到公司目标。']]
      : [['approve'], ['changes: KR2 needs a number to measure; please align O1 to the company goal.']],
};
