/** Field schemas that several kinds' submissions share. Workflow-safe: zod and the contract's text rules only. */
import { z } from 'zod';
import { text } from '../contract/text';

export const title = text().trim().min(1, { message: 'enter a title', abort: true }).min(3, 'at least 3 characters').max(200, 'at most 200 characters');
export const finite = z.number({ message: 'must be a number' }).finite();
export const id = z.number({ message: 'must be an id' }).int().positive();
/** An id the person picks from a list: unchosen, it says what to choose ("choose a key result"). */
export const choiceOf = (what: string) =>
  z
    .number({ message: `choose ${what}` })
    .int()
    .positive();
/** Percentages may go past 100 ("NRR 95 → 110 %"), within reason. */
export const MAX_PERCENT = 1000;
export const percent = finite.min(0, `from 0 to ${MAX_PERCENT.toLocaleString('en')}`).max(MAX_PERCENT, `from 0 to ${MAX_PERCENT.toLocaleString('en')}`);
export const comment = text().trim().max(2000, 'at most 2,000 characters');
