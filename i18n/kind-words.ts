/** The words each kind of task brings to the catalogue (kinds/<kind>/words.ts), in every language. */
import type { Locale } from '../contract';

export interface KindPageWords {
  /** The page heading. */
  title: string;
  /** One or two sentences under the heading: what to do. */
  intro: string;
  submit: string;
  /** Completes "Thank you, Ana: …". */
  done: string;
}

export interface KindMailWords {
  /** Imperative, lower case: "draft your OKRs". */
  action(round: number, subject: string): string;
  /** Noun phrase: "week 3 check-in". */
  noun(round: number, subject: string): string;
  /** The task email's first paragraph. */
  intro(title: string, subject: string, round: number): string;
  /** How to write a reply (kinds that can be completed by reply). */
  replyHow?: string;
  /** The escalation's subject when this kind has its own ("missed the week 3 check-in"). */
  overdueSubject?(cycleTitle: string, ownerName: string, round: number): string;
}

export interface KindWords {
  /** The kind's name in lists: the console's timeline, dashboard and preview ("OKR review"). */
  label: string;
  page: KindPageWords;
  mail: KindMailWords;
}

/** A kind's words in every supported language: a missing language or sentence is a compile error. */
export type KindWordsByLocale = Record<Locale, KindWords>;
