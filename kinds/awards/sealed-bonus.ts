/**
 * Bonuses are HR's alone: a finalize submission's `bonusAmount` / `bonusCurrency` never travel to
 * the batch workflow (Temporal's history) nor into tasks.result. The completion path takes them
 * out (`finalizeSealed.take`), checks them with the rules the handler uses, keeps them in
 * award_bonus_drafts and sends the rest; the finalize handler writes them onto the nominations.
 */
import { type FieldIssue, toFieldIssues } from '../../contract';
import { type BonusDraft, dropBonusDrafts, replaceBonusDrafts } from '../../db/award-bonus-drafts';
import type { SealedFields } from '../module';
import { ruleIssue } from '../rules';
import { MAX_BONUS, isBonusAmount, isCurrencyCode } from './money';
import { type FinalizeSubmission, finalizeSubmissionSchema } from './schema';

/** The fields of an award detail that stay out of the workflow. */
const BONUS_FIELDS = ['bonusAmount', 'bonusCurrency'] as const;

/**
 * The rules of the award details, in order: each for a winner and once (`not-a-winner`), an
 * amount from 0 to MAX_BONUS in whole cents, a known ISO 4217 code, a currency with every amount.
 */
export function awardDetailIssues(submission: Pick<FinalizeSubmission, 'winnerNominationIds' | 'awards'>): FieldIssue[] {
  const issues: FieldIssue[] = [];
  const seen = new Set<number>();
  (submission.awards ?? []).forEach((d, i) => {
    const at = `awards.${i}`;
    if (!submission.winnerNominationIds.includes(d.nominationId) || seen.has(d.nominationId)) issues.push(ruleIssue(`${at}.nominationId`, 'not-a-winner'));
    if (d.bonusAmount !== undefined && !isBonusAmount(d.bonusAmount)) issues.push(ruleIssue(`${at}.bonusAmount`, 'bonus-amount', { max: MAX_BONUS }));
    if (d.bonusCurrency && !isCurrencyCode(d.bonusCurrency)) issues.push(ruleIssue(`${at}.bonusCurrency`, 'currency-code'));
    if (d.bonusAmount !== undefined && !d.bonusCurrency) issues.push(ruleIssue(`${at}.bonusCurrency`, 'currency-missing'));
    seen.add(d.nominationId);
  });
  return issues;
}

/** A winner's bonus as stored (two decimals, upper-case code), when the detail has an amount and a currency. */
export function bonusOf(d: { nominationId: number; bonusAmount?: number; bonusCurrency?: string }): BonusDraft | undefined {
  return d.bonusAmount !== undefined && d.bonusCurrency
    ? { nominationId: d.nominationId, amount: d.bonusAmount.toFixed(2), currency: d.bonusCurrency.toUpperCase() }
    : undefined;
}

/** The submission with its award details' bonus fields removed (each detail keeps its place). */
export function withoutBonus(submission: unknown): unknown {
  if (!submission || typeof submission !== 'object' || Array.isArray(submission)) return submission;
  const awards = (submission as { awards?: unknown }).awards;
  if (!Array.isArray(awards)) return submission;
  return {
    ...submission,
    awards: awards.map((d: unknown) =>
      d && typeof d === 'object' && !Array.isArray(d)
        ? Object.fromEntries(Object.entries(d).filter(([key]) => !(BONUS_FIELDS as readonly string[]).includes(key)))
        : d,
    ),
  };
}

export const finalizeSealed: SealedFields = {
  take(submission) {
    const rest = withoutBonus(submission);
    const parsed = finalizeSubmissionSchema.safeParse(submission);
    if (!parsed.success) return { rest, issues: toFieldIssues(parsed.error.issues), keep: async () => {} };
    const drafts = (parsed.data.awards ?? []).flatMap((d) => bonusOf(d) ?? []);
    return { rest, issues: awardDetailIssues(parsed.data), keep: (db, taskId) => replaceBonusDrafts(db, taskId, drafts) };
  },
  drop: (db, taskId) => dropBonusDrafts(db, taskId),
};
