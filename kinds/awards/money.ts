/** Bonus amounts and currencies as HR records them (checked by kinds/awards/sealed-bonus.ts). */

/** The largest bonus numeric(14, 2) holds with room to spare. */
export const MAX_BONUS = 1_000_000_000;

/** At least 0, at most MAX_BONUS, whole cents. */
export function isBonusAmount(n: number): boolean {
  return Number.isFinite(n) && n >= 0 && n <= MAX_BONUS && Math.abs(Math.round(n * 100) - n * 100) < 1e-6;
}

let codes: Set<string> | undefined;

/** An ISO 4217 code the runtime knows (Intl's list: the active codes), any case. */
export function isCurrencyCode(code: string): boolean {
  codes ??= new Set(Intl.supportedValuesOf('currency'));
  return /^[A-Za-z]{3}$/.test(code) && codes.has(code.toUpperCase());
}
