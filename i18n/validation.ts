/**
 * Validation messages by issue code and parameters, never by their English text: a zod issue
 * (code, origin, minimum/maximum, the field it is about, a refinement's `params.code`) picks a
 * key, and each language renders the key. English pages and the API keep the contract's own
 * English words (the issue's message); the other languages render from here.
 */
import type { Locale } from '../contract';
import { UNSTORABLE_TEXT } from '../contract/text';
import { formatSpan } from '../contract/plan';
import type { RuleCode, RuleParams } from '../kinds/rules';
import { MAX_PERCENT } from '../kinds/schema-parts';

/** Fields whose numbers are ids (a choice in a list). */
const ID_FIELDS = new Set(['keyResultId', 'parentObjectiveId', 'objectiveId', 'nominationIds', 'winnerNominationIds']);
/** Only a percent key result bounds its start and target. */
const PERCENT_FIELDS = new Set(['start', 'target']);
/** What an unchosen id asks the person to choose. */
const CHOICE_OF_FIELD: Record<string, 'keyResult' | 'objective' | 'nomination'> = {
  keyResultId: 'keyResult',
  parentObjectiveId: 'objective',
  objectiveId: 'objective',
  nominationIds: 'nomination',
  winnerNominationIds: 'nomination',
};

export interface ValidationWords {
  unstorable: string;
  number: string;
  id: string;
  choose: Record<'keyResult' | 'objective' | 'nomination', string>;
  timeZone: string;
  title: string;
  percent(max: number): string;
  /** The rules handlers check against the database (kinds/rules.ts). */
  rules: Record<RuleCode, (p: RuleParams) => string>;
  email: string;
  wholeNumber: string;
  /** A value of the wrong kind that is none of the above. */
  invalid: string;
  /** A choice that is not among the options. */
  choice: Record<'kind' | 'decision' | 'keyResultKind' | 'other', string>;
  textMin(n: number): string;
  textMax(n: number): string;
  commentMin(n: number): string;
  numberMin(n: number): string;
  numberMax(n: number): string;
  range: Record<'confidence' | 'score', string>;
  listMin: Record<'objectives' | 'keyResults' | 'scores' | 'nominationIds' | 'other', (n: number) => string>;
  listMax: Record<'objectives' | 'keyResults' | 'nominations' | 'nominationIds' | 'winnerNominationIds' | 'other', (n: number) => string>;
  differFromStart: string;
  valueOrDone: string;
  eachOnce: string;
  /** A check-in window longer than the time between check-ins (`limit`: a duration such as "7d"). */
  windowTooLong(limit: string): string;
  /** Planning does not fit before startsOn (spans as "6d 4h"). */
  planningTooLong(needs: string, left: string): string;
  /** An advance with scope "week" for a phase other than check-ins. */
  weekOnlyCheckins: string;
}

const plural = (n: number, one: string, other: string) => `${n.toLocaleString('en')} ${n === 1 ? one : other}`;

const en: ValidationWords = {
  unstorable: 'must not contain the character U+0000 or broken Unicode',
  number: 'must be a number',
  id: 'must be an id',
  choose: { keyResult: 'choose a key result', objective: 'choose an objective', nomination: 'choose a nomination' },
  timeZone: 'an IANA time zone such as "Europe/Berlin" or "Asia/Shanghai"',
  title: 'enter a title',
  percent: (max) => `from 0 to ${max.toLocaleString('en')}`,
  rules: {
    'not-your-key-result': () => 'is not one of your key results',
    'not-their-key-result': (p) => `is not one of ${p.name}’s key results`,
    twice: () => 'appears twice',
    'say-done': () => 'say whether it is done',
    'give-value': () => 'give the current value',
    'percent-range': (p) => `a percentage from 0 to ${Number(p.max).toLocaleString('en')}`,
    'not-a-parent': () => 'is not a company objective or one of your manager’s objectives in this cycle',
    'not-nominable-objective': () => 'is not an objective of a participant in this cycle',
    'own-objective': () => 'you cannot nominate your own objective',
    'not-participant': () => 'is not a participant of this cycle',
    'self-nomination': () => 'you cannot nominate yourself',
    'committee-only': () => 'only the award committee votes',
    'not-nomination': () => 'is not a nomination of this cycle',
    'already-voted': () => 'you have already voted for this nomination',
    'own-nomination': () => 'you cannot vote for a nomination you made',
    'vote-for-self': () => 'you cannot vote for yourself or your own objective',
    'not-a-winner': () => 'is not one of the winners you chose',
    'bonus-amount': (p) => `must be from 0 to ${Number(p.max).toLocaleString('en')}, with at most two decimals`,
    'currency-code': () => 'must be an ISO 4217 currency code such as EUR, USD or CNY',
    'currency-missing': () => 'give the currency of the bonus (an ISO 4217 code such as EUR)',
    'run-no-cycles': (p) => `no cycle starts in ${p.year}: start the year’s cycles first, or choose the cycles`,
    'run-unknown-cycle': (p) => `no cycle with key ${p.key}`,
    'run-not-a-cycle': (p) => `${p.key} is an awards run, not a cycle`,
    'run-cancelled-cycle': (p) => `cycle ${p.key} was cancelled`,
    'run-no-participants': () => 'the cycles have no active participants',
  },
  email: 'must be an email address',
  wholeNumber: 'a whole number',
  invalid: 'is not valid',
  choice: {
    kind: 'kind must be project or task',
    decision: 'choose approve or request changes',
    keyResultKind: 'kind must be numeric, percent or milestone',
    other: 'is not one of the options',
  },
  textMin: (n) => (n === 1 ? 'must not be empty' : `at least ${plural(n, 'character', 'characters')}`),
  textMax: (n) => `at most ${plural(n, 'character', 'characters')}`,
  commentMin: (n) => `say what should change (at least ${plural(n, 'character', 'characters')})`,
  numberMin: (n) => `at least ${n}`,
  numberMax: (n) => `at most ${n}`,
  range: { confidence: 'from 1 to 10', score: 'from 0.0 to 1.0' },
  listMin: {
    objectives: (n) => `at least ${plural(n, 'objective', 'objectives')}`,
    keyResults: (n) => `at least ${plural(n, 'key result', 'key results')}`,
    scores: (n) => `score at least ${plural(n, 'key result', 'key results')}`,
    nominationIds: (n) => `vote for at least ${plural(n, 'nomination', 'nominations')}`,
    other: (n) => `at least ${plural(n, 'item', 'items')}`,
  },
  listMax: {
    objectives: (n) => `at most ${plural(n, 'objective', 'objectives')}`,
    keyResults: (n) => `at most ${plural(n, 'key result', 'key results')}`,
    nominations: (n) => `at most ${plural(n, 'nomination', 'nominations')}`,
    nominationIds: (n) => `at most ${plural(n, 'vote', 'votes')}`,
    winnerNominationIds: (n) => `at most ${plural(n, 'winner', 'winners')}`,
    other: (n) => `at most ${plural(n, 'item', 'items')}`,
  },
  differFromStart: 'must differ from start',
  valueOrDone: 'give a value or done',
  eachOnce: 'each nomination once',
  windowTooLong: (limit) => `must not be longer than the time between two check-ins (${limit})`,
  planningTooLong: (needs, left) =>
    `planning (strategy, drafting and review) takes ${needs} but only ${left} remain before startsOn: start earlier, shorten those phases or move startsOn`,
  weekOnlyCheckins: 'scope "week" is only for phase checkins',
};

const n = (x: number) => x.toLocaleString('zh-CN');
const zhCN: ValidationWords = {
  unstorable: '不能包含 U+0000 字符或无效的 Unicode 字符',
  number: '必须是数字',
  id: '请选择一项',
  choose: { keyResult: '请选择一个关键结果', objective: '请选择一个目标', nomination: '请选择一项提名' },
  timeZone: '请填写 IANA 时区名称，例如 Asia/Shanghai 或 Europe/Berlin',
  title: '请填写标题',
  percent: (max) => `范围为 0 到 ${n(max)}`,
  rules: {
    'not-your-key-result': () => '不是你的关键结果',
    'not-their-key-result': (p) => `不是 ${p.name} 的关键结果`,
    twice: () => '重复出现',
    'say-done': () => '请说明是否已完成',
    'give-value': () => '请填写当前值',
    'percent-range': (p) => `百分比范围为 0 到 ${n(Number(p.max))}`,
    'not-a-parent': () => '不是本周期的公司目标，也不是你上级的目标',
    'not-nominable-objective': () => '不是本周期参与者的目标',
    'own-objective': () => '不能提名自己的目标',
    'not-participant': () => '不是本周期的参与者',
    'self-nomination': () => '不能提名自己',
    'committee-only': () => '只有评奖委员会可以投票',
    'not-nomination': () => '不是本周期的提名',
    'already-voted': () => '你已经为这项提名投过票',
    'own-nomination': () => '不能为自己提出的提名投票',
    'vote-for-self': () => '不能为提名你本人或你的目标的提名投票',
    'not-a-winner': () => '不是你选出的获奖者',
    'bonus-amount': (p) => `必须在 0 到 ${Number(p.max).toLocaleString('en')} 之间，最多两位小数`,
    'currency-code': () => '必须是 ISO 4217 币种代码，例如 CNY、EUR 或 USD',
    'currency-missing': () => '请填写奖金的币种（ISO 4217 代码，例如 CNY）',
    'run-no-cycles': (p) => `${p.year} 年没有开始的周期：请先开始当年的周期，或选择要评奖的周期`,
    'run-unknown-cycle': (p) => `没有键为 ${p.key} 的周期`,
    'run-not-a-cycle': (p) => `${p.key} 是评奖活动，不是 OKR 周期`,
    'run-cancelled-cycle': (p) => `周期 ${p.key} 已取消`,
    'run-no-participants': () => '这些周期没有在职的参与者',
  },
  email: '必须是电子邮件地址',
  wholeNumber: '必须是整数',
  invalid: '格式不正确',
  choice: { kind: '类型必须是项目或任务', decision: '请选择批准或要求修改', keyResultKind: '衡量方式必须是数值、百分比或里程碑', other: '请从选项中选择' },
  textMin: (x) => (x === 1 ? '不能为空' : `至少 ${n(x)} 个字符`),
  textMax: (x) => `最多 ${n(x)} 个字符`,
  commentMin: (x) => `请说明需要修改什么（至少 ${n(x)} 个字符）`,
  numberMin: (x) => `不能小于 ${x}`,
  numberMax: (x) => `不能大于 ${x}`,
  range: { confidence: '范围为 1 到 10', score: '范围为 0.0 到 1.0' },
  listMin: {
    objectives: (x) => `至少 ${n(x)} 个目标`,
    keyResults: (x) => `至少 ${n(x)} 个关键结果`,
    scores: (x) => `至少为 ${n(x)} 个关键结果评分`,
    nominationIds: (x) => `至少投 ${n(x)} 票`,
    other: (x) => `至少 ${n(x)} 项`,
  },
  listMax: {
    objectives: (x) => `最多 ${n(x)} 个目标`,
    keyResults: (x) => `最多 ${n(x)} 个关键结果`,
    nominations: (x) => `最多 ${n(x)} 项提名`,
    nominationIds: (x) => `最多投 ${n(x)} 票`,
    winnerNominationIds: (x) => `最多 ${n(x)} 名获奖者`,
    other: (x) => `最多 ${n(x)} 项`,
  },
  differFromStart: '必须与起始值不同',
  valueOrDone: '请填写当前值或是否完成',
  eachOnce: '每项提名只能选一次',
  windowTooLong: (limit) => `不能长于两次进展更新之间的间隔（${zhSpan(limit)}）`,
  planningTooLong: (needs, left) =>
    `规划阶段（战略、起草和审核）需要 ${zhSpan(needs)}，但距开始日期只剩 ${zhSpan(left)}：请提前开始、缩短这些阶段或推迟开始日期`,
  weekOnlyCheckins: '只有进展更新阶段可以只结束一周',
};

/** "6d 4h" → "6 天 4 小时". */
function zhSpan(span: string): string {
  const unit: Record<string, string> = { ms: '毫秒', s: '秒', m: '分钟', h: '小时', d: '天', w: '周' };
  return span.replace(/(\d+(?:\.\d+)?)\s*(ms|s|m|h|d|w)\b/g, (_, n: string, u: string) => `${n} ${unit[u]}`);
}

export const validationWords: Record<Locale, ValidationWords> = { en, 'zh-CN': zhCN };

/** A span of time in the person's language: "6d 4h" / "6 天 4 小时". */
export function spanIn(locale: Locale, ms: number): string {
  return locale === 'zh-CN' ? zhSpan(formatSpan(ms)) : formatSpan(ms);
}

/** The parts of a zod issue that choose its words. */
export interface IssueLike {
  code: string;
  path: readonly PropertyKey[];
  message: string;
  origin?: string;
  minimum?: number | bigint;
  maximum?: number | bigint;
  expected?: string;
  format?: string;
  params?: Record<string, unknown>;
  discriminator?: string;
}

/** The field an issue is about: the last path segment that is not an index. */
function fieldOf(path: readonly PropertyKey[]): string {
  for (let i = path.length - 1; i >= 0; i--) if (typeof path[i] === 'string' && !/^\d+$/.test(path[i] as string)) return path[i] as string;
  return '';
}

function pick<T>(table: Record<string, T>, key: string): T {
  return table[key] ?? table.other!;
}

/** An issue's message in the language (English: the contract's own words, as the API answers them). */
export function translateIssue(locale: Locale, issue: IssueLike): string {
  if (locale === 'en') return issue.message;
  const w = validationWords[locale] ?? en;
  const field = fieldOf(issue.path);
  const min = Number(issue.minimum);
  const max = Number(issue.maximum);
  switch (issue.code) {
    case 'custom': {
      const code = issue.params?.code;
      if (code === UNSTORABLE_TEXT) return w.unstorable;
      if (code === 'key-result.differ') return w.differFromStart;
      if (code === 'checkin.value-or-done') return w.valueOrDone;
      if (code === 'ids.unique') return w.eachOnce;
      if (code === 'advance.week-only-checkins') return w.weekOnlyCheckins;
      if (code === 'schedule.window-too-long') return w.windowTooLong(String(issue.params?.limit));
      if (code === 'schedule.planning-too-long') return w.planningTooLong(formatSpan(Number(issue.params?.needsMs)), formatSpan(Number(issue.params?.leftMs)));
      if (code === 'time-zone') return w.timeZone;
      return w.invalid;
    }
    case 'invalid_type':
      if (CHOICE_OF_FIELD[field]) return w.choose[CHOICE_OF_FIELD[field]];
      if (issue.expected === 'int') return ID_FIELDS.has(field) ? w.id : w.wholeNumber;
      if (issue.expected === 'number') return ID_FIELDS.has(field) ? w.id : w.number;
      if (field === 'personEmail') return w.email;
      return w.invalid;
    case 'invalid_format':
      return issue.format === 'email' ? w.email : w.invalid;
    case 'invalid_value':
      return field === 'kind' ? w.choice.kind : w.choice.other;
    case 'invalid_union':
      if (issue.discriminator === 'decision') return w.choice.decision;
      if (issue.discriminator === 'kind') return w.choice.keyResultKind;
      return w.invalid;
    case 'too_small':
      if (issue.origin === 'string') return field === 'comment' ? w.commentMin(min) : field === 'title' && min === 1 ? w.title : w.textMin(min);
      if (issue.origin === 'array') return pick(w.listMin, field)(min);
      if (field === 'confidence' || field === 'score') return w.range[field];
      if (PERCENT_FIELDS.has(field)) return w.percent(MAX_PERCENT);
      return w.numberMin(min);
    case 'too_big':
      if (issue.origin === 'string') return w.textMax(max);
      if (issue.origin === 'array') return pick(w.listMax, field)(max);
      if (field === 'confidence' || field === 'score') return w.range[field];
      if (PERCENT_FIELDS.has(field)) return w.percent(MAX_PERCENT);
      return w.numberMax(max);
    default:
      return w.invalid;
  }
}

/** A field issue from the server in the language: a handler's rule by its code, else its own words. */
export function translateFieldIssue(locale: Locale, issue: { message: string; code?: string; params?: Record<string, string | number> }): string {
  const code = issue.code?.startsWith('rule.') ? (issue.code.slice(5) as RuleCode) : undefined;
  const rule = code ? (validationWords[locale] ?? en).rules[code] : undefined;
  return rule ? rule(issue.params ?? {}) : issue.message;
}

/** Zod issues as field issues (dotted paths) with messages in the language. */
export function localizedIssues(issues: readonly IssueLike[], locale: Locale): { path: string; message: string }[] {
  return issues.map((i) => ({ path: i.path.map(String).join('.'), message: translateIssue(locale, i) }));
}
