/**
 * Email templates: every kind in `EmailData` (data.ts) plus the answers to replies, in every
 * language. The shared layout and escaping are layout.ts; the words are the catalogue's
 * (i18n/mail.ts) and each task kind's own (kinds/<kind>/words.ts, and kinds/<kind>/email.ts for
 * what the email lists). Subjects are plain text (the mailer makes them one line and nodemailer
 * encodes them).
 *
 * Task emails show both ways to complete the task: the personal link, and — for the kinds that
 * can be completed by reply, when replies are on — exactly what to write in a reply (the grammar
 * is the kind's `reply`, documented in docs/email.md).
 */
import { TASK_KINDS, type Locale, type TaskKind } from '../../contract';
import { mailWords, type MailWords } from '../../i18n/mail';
import { kindModule } from '../../kinds';
import { type EmailData, type OutboxData, type OutboxKind, type RenderExtras, type RenderedEmail, type ReplyAnswerData, TASK_EMAIL_KINDS } from './data';
import { formatDue } from './format';
import { type Block, renderHtml, renderText } from './layout';

export * from './data';
export { formatDue } from './format';

/** Task kinds a person can complete by replying to the task's email. */
export const REPLY_KINDS: ReadonlySet<TaskKind> = new Set<TaskKind>(TASK_KINDS.filter((k) => kindModule(k).reply !== undefined));

const wordsFor = (locale: Locale): MailWords => mailWords[locale] ?? mailWords.en;
const kindWords = (kind: TaskKind, locale: Locale) => (kindModule(kind).words[locale] ?? kindModule(kind).words.en).mail;

// ---- reply instructions ---------------------------------------------------------------------------

/** The lines a person can copy into a reply, pre-filled from the task's current state. */
export function replyExample(kind: TaskKind, extras: RenderExtras = {}, locale: Locale = 'en'): string[][] {
  return kindModule(kind).reply?.example(extras, locale) ?? [];
}

function howToComplete(w: MailWords, locale: Locale, kind: TaskKind, link: string | undefined, extras: RenderExtras): Block[] {
  const byReply = extras.replies === true && REPLY_KINDS.has(kind);
  const blocks: Block[] = [];
  if (link) {
    if (byReply) blocks.push({ p: w.twoWays }, { textOnly: `${w.wayLink} ${link}` });
    else blocks.push({ textOnly: `${w.open}: ${link}` });
    blocks.push({ button: w.open, href: link });
  }
  if (byReply) {
    blocks.push({ p: `${link ? `${w.wayReply} ` : ''}${kindWords(kind, locale).replyHow ?? ''}` });
    const examples = replyExample(kind, extras, locale);
    examples.forEach((lines, i) => {
      if (i > 0) blocks.push({ muted: w.orWrite });
      blocks.push({ code: lines });
    });
  }
  if (link || byReply) blocks.push({ muted: w.personal });
  return blocks;
}

/** What the kind's email lists (key results, objectives under review), from the task's current state. */
function whatIsThere(w: MailWords, kind: TaskKind, extras: RenderExtras): Block[] {
  return kindModule(kind).emailDetails?.(extras, w) ?? [];
}

// ---- rendering ------------------------------------------------------------------------------------

function taskEmail(kind: 'task-invite' | 'task-reminder', d: EmailData['task-invite'] | EmailData['task-reminder'], link: string | undefined, extras: RenderExtras): { subject: string; blocks: Block[] } {
  const w = wordsFor(d.locale);
  const subjectName = d.subjectName ?? '';
  const due = formatDue(d.dueAt, d.locale, d.timeZone);
  const kw = kindWords(d.taskKind, d.locale);
  const action = kw.action(d.round, subjectName);
  const subject = kind === 'task-reminder' ? w.reminderSubject(d.cycleTitle, action, due) : w.inviteSubject(d.cycleTitle, action, due);
  const blocks: Block[] = [{ p: w.hello(d.personName) }, { p: kw.intro(d.cycleTitle, subjectName, d.round) }, { strong: w.due, value: due }];
  const comment = 'comment' in d ? d.comment : undefined;
  if (comment) blocks.push({ strong: w.commentFrom, value: comment });
  blocks.push(...whatIsThere(w, d.taskKind, extras), ...howToComplete(w, d.locale, d.taskKind, link, extras));
  return { subject, blocks };
}

function answerEmail(d: ReplyAnswerData, link: string | undefined, extras: RenderExtras): { subject: string; blocks: Block[] } {
  const w = wordsFor(d.locale);
  const kw = kindWords(d.taskKind, d.locale);
  const noun = kw.noun(d.round, d.subjectName ?? '');
  const subject = w.answerSubject(d.outcome, noun, d.cycleTitle, d.status);
  const blocks: Block[] = [{ p: w.hello(d.personName) }];
  if (d.outcome === 'completed') {
    blocks.push({ p: w.answerCompleted(noun, d.cycleTitle) });
    const items: string[] = [];
    for (const r of d.recorded ?? []) {
      const value = r.done === undefined ? (r.value ?? '') : r.done ? w.done : w.notDone;
      items.push(`${r.label}${r.title ? ` ${r.title}` : ''}: ${value}`);
    }
    if (d.confidence !== undefined) items.push(`${w.confidence}: ${d.confidence}`);
    if (d.decision) items.push(w.decision(d.decision));
    if (d.comment) items.push(`${w.comment}: ${d.comment}`);
    if (d.report) items.push(`${w.report}: ${d.report}`);
    if (items.length) blocks.push({ list: items });
    blocks.push({ p: w.nothingMore });
  } else if (d.outcome === 'rejected') {
    blocks.push({ p: w.answerRejected(noun, d.cycleTitle) });
    blocks.push({ list: (d.problems ?? []).map((p) => (p.line !== null && p.text !== null ? `${w.problemAt(p.line, p.text)}: ${p.message}` : p.message)) });
    if (link) blocks.push({ p: w.fixAndReply }, { textOnly: link }, { button: w.open, href: link });
    if (kw.replyHow) {
      blocks.push({ p: kw.replyHow });
      replyExample(d.taskKind, extras, d.locale).forEach((lines, i) => {
        if (i > 0) blocks.push({ muted: w.orWrite });
        blocks.push({ code: lines });
      });
    }
  } else if (d.outcome === 'closed') {
    blocks.push({ p: w.answerClosed(noun, d.status) });
  } else {
    blocks.push({ p: w.answerUnsupported(noun) });
    if (link) blocks.push({ textOnly: `${w.open}: ${link}` }, { button: w.open, href: link });
  }
  return { subject, blocks };
}

/**
 * Renders any outbox email. `link` is the task's personal link (invites, reminders, answers);
 * undefined for emails that must not carry one (escalations go to someone else; cycle-wide mail).
 */
export function renderEmail<K extends OutboxKind>(kind: K, data: OutboxData[K], link: string | undefined, extras: RenderExtras = {}): RenderedEmail {
  let subject: string;
  let blocks: Block[];
  const locale = (data as { locale: Locale }).locale;
  const w = wordsFor(locale);
  switch (kind) {
    case 'task-invite':
    case 'task-reminder':
      ({ subject, blocks } = taskEmail(kind, data as EmailData['task-invite'], link, extras));
      break;
    case 'task-escalation': {
      const d = data as EmailData['task-escalation'];
      const due = formatDue(d.dueAt, d.locale, d.timeZone);
      const kw = kindWords(d.taskKind, d.locale);
      const noun = kw.noun(d.round, '');
      subject = kw.overdueSubject?.(d.cycleTitle, d.ownerName, d.round) ?? w.escalationSubject(d, due, noun);
      blocks = [{ p: w.hello(d.personName) }, ...w.escalationBody(d, due, noun).map((p) => ({ p }))];
      break;
    }
    case 'awards-announcement': {
      const d = data as EmailData['awards-announcement'];
      subject = w.awardsSubject(d.cycleTitle);
      blocks = [{ p: w.hello(d.personName) }];
      if (d.announcement) blocks.push({ p: d.announcement });
      blocks.push(d.winners.length ? { p: w.awardsIntro(d.cycleTitle) } : { p: w.noWinners });
      if (d.winners.length) blocks.push({ list: d.winners.map((x) => `${x.label} — ${x.citation}`) });
      break;
    }
    case 'cycle-cancelled': {
      const d = data as EmailData['cycle-cancelled'];
      subject = w.cancelledSubject(d.cycleTitle);
      blocks = [{ p: w.hello(d.personName) }, { p: w.cancelledBody(d.cycleTitle) }];
      if (d.reason) blocks.push({ strong: w.reason, value: d.reason });
      break;
    }
    case 'manager-digest': {
      const d = data as EmailData['manager-digest'];
      subject = w.digestSubject(d);
      blocks = [
        { p: w.hello(d.personName) },
        { p: w.digestIntro(d) },
        { strong: `${w.checkedIn} (${d.checkedIn.length})`, value: d.checkedIn.join(', ') || w.none },
        { strong: `${w.missed} (${d.missed.length})`, value: d.missed.join(', ') || w.none },
      ];
      if (d.lowConfidence.length) {
        blocks.push({ heading: w.lowConfidence }, { list: d.lowConfidence.map((x) => `${x.person} — ${x.keyResult}: ${w.confidenceOf(x.confidence)}`) });
      }
      break;
    }
    case 'reply-answer':
      ({ subject, blocks } = answerEmail(data as ReplyAnswerData, link, extras));
      break;
    default:
      throw new Error(`no template for emails of kind ${String(kind)}`);
  }
  subject = subject.replace(/[\r\n]+/g, ' ');
  return { subject, text: renderText(locale, blocks), html: renderHtml(locale, subject, blocks) };
}


/** Kinds whose email is addressed to the task's owner (and so may carry its link and reply address). */
export const OWNER_TASK_EMAIL_KINDS: ReadonlySet<OutboxKind> = new Set<OutboxKind>(TASK_EMAIL_KINDS);
