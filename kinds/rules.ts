/**
 * The rules a kind's handler checks against the database (a key result that is not yours, a vote
 * for one's own nomination), each with a code: the issue carries the code and its parameters, so
 * every language can say it (i18n/validation.ts `rules`); the message is the English words.
 */
import type { FieldIssue } from '../contract';
import { validationWords } from '../i18n/validation';

export const RULE_CODES = [
  'not-your-key-result',
  'not-their-key-result',
  'twice',
  'say-done',
  'give-value',
  'percent-range',
  'not-a-parent',
  'not-nominable-objective',
  'own-objective',
  'not-participant',
  'self-nomination',
  'committee-only',
  'not-nomination',
  'already-voted',
  'own-nomination',
  'vote-for-self',
  'not-a-winner',
  'bonus-amount',
  'currency-code',
  'currency-missing',
  'run-no-cycles',
  'run-unknown-cycle',
  'run-not-a-cycle',
  'run-cancelled-cycle',
  'run-no-participants',
] as const;
export type RuleCode = (typeof RULE_CODES)[number];
export type RuleParams = Record<string, string | number>;

/** An issue about `path` that breaks `code`, in English (pages and reply answers translate it by code). */
export function ruleIssue(path: string, code: RuleCode, params: RuleParams = {}): FieldIssue {
  return { path, message: validationWords.en.rules[code](params), code: `rule.${code}`, params };
}
