/**
 * The notes a task page shows above its form ("Week 3", "Changes were requested last round: …"),
 * each with a code and its values, so every language can say it (i18n/notes.ts); `notes` keeps
 * the English words for the API and for pages that do not translate yet.
 */
import { noteWords } from '../i18n/notes';

export const NOTE_CODES = ['week', 'score-scale', 'unscored', 'no-objectives', 'changes-last-round', 'reviewer-asked', 'hr-asked', 'nominate-up-to', 'vote-up-to', 'no-nominations'] as const;
export type NoteCode = (typeof NOTE_CODES)[number];
export type NoteParams = Record<string, string | number>;

export interface ContextNote {
  code: NoteCode;
  params: NoteParams;
}

/** The context's `notes` (English) and `noteKeys` (for other languages) from the same notes. */
export function notesOf(...keys: ContextNote[]): { notes: string[]; noteKeys: ContextNote[] } {
  return { notes: keys.map((k) => noteWords.en[k.code](k.params)), noteKeys: keys };
}

export const note = (code: NoteCode, params: NoteParams = {}): ContextNote => ({ code, params });
