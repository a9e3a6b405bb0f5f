/**
 * Messages of the rules a submission can break that only the database can check ("is not one of
 * your key results"), by code, in every language. Handlers raise them with `ruleIssue` (kinds/
 * shared.ts): the English text is the API's message, pages show the owner's language.
 */
import type { FieldIssue, Locale } from '../contract';

const en = {
  'not-your-key-result': () => 'is not one of your key results',
  'not-their-key-result': (p: Params) => `is not one of ${p.name ?? ''}’s key results`,
  'appears-twice': () => 'appears twice',
  'say-done': () => 'say whether it is done',
  'give-value': () => 'give the current value',
  'percent-negative': () => 'a percentage from 0 up',
  'parent-not-offered': () => 'is not a company objective or one of your manager’s objectives in this cycle',
  'not-cycle-objective': () => 'is not an objective of a participant in this cycle',
  'not-participant': () => 'is not a participant of this cycle',
  'self-nomination': () => 'you cannot nominate yourself',
  'committee-only': () => 'only the award committee votes',
  'not-cycle-nomination': () => 'is not a nomination of this cycle',
  'already-voted': () => 'you have already voted for this nomination',
};

type Params = Record<string, string>;
export type RuleCode = keyof typeof en;
type RuleWords = Record<RuleCode, (p: Params) => string>;

const zhCN: RuleWords = {
  'not-your-key-result': () => '不是你的关键结果',
  'not-their-key-result': (p) => `不是 ${p.name ?? ''} 的关键结果`,
  'appears-twice': () => '重复出现',
  'say-done': () => '请说明是否已完成',
  'give-value': () => '请填写当前值',
  'percent-negative': () => '百分比不能小于 0',
  'parent-not-offered': () => '不是本周期的公司目标或你上级的目标',
  'not-cycle-objective': () => '不是本周期参与者的目标',
  'not-participant': () => '不是本周期的参与者',
  'self-nomination': () => '不能提名自己',
  'committee-only': () => '只有评奖委员会可以投票',
  'not-cycle-nomination': () => '不是本周期的提名',
  'already-voted': () => '你已经为这项提名投过票',
};

export const ruleWords: Record<Locale, RuleWords> = { en, 'zh-CN': zhCN };

/** A rule's issue: the English message for the API, the code for translation. */
export function ruleIssue(path: string, code: RuleCode, params?: Params): FieldIssue {
  return { path, message: en[code](params ?? {}), code, ...(params ? { params } : {}) };
}

/** An issue's message in the language: rules by their code, anything else as it came. */
export function localizedRule(issue: FieldIssue, locale: Locale): FieldIssue {
  const words = ruleWords[locale]?.[issue.code as RuleCode];
  return words ? { ...issue, message: words(issue.params ?? {}) } : issue;
}
