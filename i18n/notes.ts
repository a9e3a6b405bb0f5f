/** The notes above a task's form (kinds/notes.ts), in every language. */
import type { Locale } from '../contract';
import type { ContextNote, NoteCode, NoteParams } from '../kinds/notes';

type NoteWords = Record<NoteCode, (p: NoteParams) => string>;

const en: NoteWords = {
  week: (p) => `Week ${p.n}`,
  'score-scale': () => 'Score each key result from 0.0 to 1.0; 0.7 is a good result for an ambitious goal.',
  unscored: (p) => `${p.name} did not score ${p.n} of ${p.total} key results; those start from the progress.`,
  'no-objectives': (p) => `${p.name} has not submitted objectives for this cycle yet.`,
  'changes-last-round': (p) => `Changes were requested last round: ${p.comment}`,
  'reviewer-asked': (p) => `Your reviewer asked for changes: ${p.comment}`,
  'hr-asked': (p) => `HR asked for changes: ${p.comment}`,
  'nominate-up-to': () => 'Nominate up to 3 objectives or people, each with a citation that says why.',
  'vote-up-to': () => 'Vote for up to 3 nominations.',
  'no-nominations': () => 'There are no nominations in this cycle.',
};

const zhCN: NoteWords = {
  week: (p) => `第 ${p.n} 周`,
  'score-scale': () => '请为每个关键结果打分，范围 0.0 到 1.0；对有挑战的目标，0.7 就是好成绩。',
  unscored: (p) => `${p.name} 有 ${p.n} 个关键结果（共 ${p.total} 个）没有自评，这些从进展开始算起。`,
  'no-objectives': (p) => `${p.name} 尚未提交本周期的目标。`,
  'changes-last-round': (p) => `上一轮要求的修改：${p.comment}`,
  'reviewer-asked': (p) => `审核人要求修改：${p.comment}`,
  'hr-asked': (p) => `HR 要求修改：${p.comment}`,
  'nominate-up-to': () => '最多提名 3 个目标或人，并各写一段推荐理由。',
  'vote-up-to': () => '最多为 3 项提名投票。',
  'no-nominations': () => '本周期没有提名。',
};

export const noteWords: Record<Locale, NoteWords> = { en, 'zh-CN': zhCN };

/** A note in the person's language. */
export function translateNote(locale: Locale, n: ContextNote): string {
  return (noteWords[locale] ?? en)[n.code](n.params);
}
