/** Field schemas that several kinds' submissions share. Workflow-safe: zod and the contract's text rules only. */
import { z } from 'zod';
import { text } from '../contract/text';

export const title = text().trim().min(3, 'at least 3 characters').max(200, 'at most 200 characters');
export const finite = z.number({ message: 'must be a number' }).finite();
export const id = z.number({ message: 'must be an id' }).int().positive();
export const comment = text().trim().max(2000, 'at most 2,000 characters');
