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
import { formatDue, num } from './format';
import { spaceLatin, spaceLatinBlock } from './spacing';
import { type Block, renderHtml, renderText } from './layout';
import { awardWords } from '../../i18n/awards';

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
    if (byReply) blocks.push({ p: w.twoWays }, { textOnly: w.wayLinkTo(link) });
    else blocks.push({ textOnly: `${w.open}${w.colon}${link}` });
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

/** The flow's notices: approval, final scores, several tasks opened together. */
function noticeEmail(
  kind: 'review-outcome' | 'final-score' | 'tasks-together',
  data: EmailData['review-outcome'] | EmailData['final-score'] | EmailData['tasks-together'],
  extras: RenderExtras,
): { subject: string; blocks: Block[] } {
  const w = wordsFor(data.locale);
  const blocks: Block[] = [{ p: w.hello(data.personName) }];
  if (kind === 'review-outcome') {
    const d = data as EmailData['review-outcome'];
    blocks.push({ p: w.approvedBody(d.cycleTitle, d.reviewerName) });
    if (d.comment) blocks.push({ strong: w.commentFrom, value: d.comment });
    return { subject: w.approvedSubject(d.cycleTitle, d.reviewerName), blocks };
  }
  if (kind === 'final-score') {
    const d = data as EmailData['final-score'];
    const score = d.overall === null ? '—' : num(Math.round(d.overall * 100) / 100);
    blocks.push({ p: w.finalScoreBody(d.cycleTitle, d.managerName, score) });
    if (d.comment) blocks.push({ strong: w.managerComment, value: d.comment });
    for (const o of d.objectives) {
      blocks.push(
        { heading: w.objectiveScore(o.title, o.score === null ? '—' : num(o.score)) },
        { list: o.keyResults.map((k) => w.keyResultScore(k.title, k.score === null ? null : num(k.score))) },
      );
    }
    return { subject: w.finalScoreSubject(d.cycleTitle, score), blocks };
  }
  const d = data as EmailData['tasks-together'];
  const due = formatDue(d.dueAt, d.locale, d.timeZone);
  const kw = kindWords(d.taskKind, d.locale);
  blocks.push({ p: w.tasksTogetherBody(d.tasks.length) }, { strong: w.due, value: due });
  for (const t of d.tasks) {
    const link = extras.links?.[t.taskId];
    blocks.push({ heading: kw.action(d.round, t.subjectName) });
    if (link) blocks.push({ textOnly: link }, { button: w.open, href: link });
  }
  blocks.push({ muted: w.personal });
  return { subject: w.tasksTogetherSubject(d.cycleTitle, kw.action(d.round, ''), d.tasks.length, due), blocks };
}

function taskEmail(
  kind: 'task-invite' | 'task-reminder',
  d: EmailData['task-invite'] | EmailData['task-reminder'],
  link: string | undefined,
  extras: RenderExtras,
): { subject: string; blocks: Block[] } {
  const w = wordsFor(d.locale);
  const subjectName = d.subjectName ?? '';
  const due = formatDue(d.dueAt, d.locale, d.timeZone);
  const kw = kindWords(d.taskKind, d.locale);
  const action = kw.action(d.round, subjectName);
  const nudgedBy = 'nudgedBy' in d ? d.nudgedBy : undefined;
  const plain = nudgedBy
    ? w.nudgeSubject(d.cycleTitle, action, due)
    : kind === 'task-reminder'
      ? w.reminderSubject(d.cycleTitle, action, due)
      : w.inviteSubject(d.cycleTitle, action, due);
  // The invite of a later round says what changed (a reminder keeps its own "Reminder —").
  const again = kind === 'task-invite' && d.round > 1 ? kindModule(d.taskKind).laterRounds : undefined;
  const subject = again ? w.againSubject(again, plain) : plain;
  const blocks: Block[] = [{ p: w.hello(d.personName) }];
  const remindedBy = 'remindedBy' in d ? d.remindedBy : undefined;
  if (remindedBy) blocks.push({ p: w.remindedBy(remindedBy) });
  if (nudgedBy) blocks.push({ p: 'nudgedAs' in d && d.nudgedAs === 'hr' ? w.nudgedByHr(nudgedBy) : w.nudgedBy(nudgedBy) });
  blocks.push({ p: kw.intro(d.cycleTitle, subjectName, d.round) }, { strong: w.due, value: due });
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
      items.push(`${r.label}${r.title ? ` ${r.title}` : ''}${w.colon}${value}`);
    }
    if (d.confidence !== undefined) items.push(`${w.confidence}${w.colon}${d.confidence}`);
    if (d.decision) items.push(w.decision(d.decision));
    if (d.comment) items.push(`${w.comment}${w.colon}${d.comment}`);
    if (d.report) items.push(`${w.report}${w.colon}${d.report}`);
    if (items.length) blocks.push({ list: items });
    blocks.push({ p: w.nothingMore });
  } else if (d.outcome === 'rejected') {
    blocks.push({ p: w.answerRejected(noun, d.cycleTitle) });
    blocks.push({
      list: (d.problems ?? []).map((p) => (p.line !== null && p.text !== null ? `${w.problemAt(p.line, p.text)}${w.colon}${p.message}` : p.message)),
    });
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
    if (link) blocks.push({ textOnly: `${w.open}${w.colon}${link}` }, { button: w.open, href: link });
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
      if (d.winners.some((x) => x.award || x.story?.length)) {
        // Each winner's story: the award, who, the citation, the objective and its key results with scores.
        for (const x of d.winners) {
          blocks.push({ heading: x.award ? `${x.award} — ${x.label}` : x.label }, { p: x.citation });
          if (x.story?.length) blocks.push({ list: x.story });
        }
      } else if (d.winners.length) blocks.push({ list: d.winners.map((x) => `${x.label} — ${x.citation}`) });
      if (d.certificates?.length) {
        blocks.push({ p: awardWords(locale).certificate.attached });
        for (const href of extras.certificateLinks ?? [])
          blocks.push({ button: awardWords(locale).certificate.download, href }, { textOnly: `${awardWords(locale).certificate.download}${w.colon}${href}` });
      }
      break;
    }
    case 'cycle-cancelled': {
      const d = data as EmailData['cycle-cancelled'];
      subject = w.cancelledSubject(d.cycleTitle);
      blocks = [{ p: w.hello(d.personName) }, { p: d.awardsRun ? w.runCancelledBody(d.cycleTitle) : w.cancelledBody(d.cycleTitle) }];
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
        blocks.push(
          { heading: w.lowConfidence },
          { list: d.lowConfidence.map((x) => `${x.person}${x.keyResult ? ` — ${x.keyResult}` : ''}${w.colon}${w.confidenceOf(x.confidence)}`) },
        );
      }
      break;
    }
    case 'reply-answer':
      ({ subject, blocks } = answerEmail(data as ReplyAnswerData, link, extras));
      break;
    case 'review-outcome':
    case 'final-score':
    case 'tasks-together':
      ({ subject, blocks } = noticeEmail(kind, data as EmailData['review-outcome' | 'final-score' | 'tasks-together'], extras));
      break;
    default:
      throw new Error(`no template for emails of kind ${String(kind)}`);
  }
  // Every email about a person's own tasks ends with the way to their OKR home (signing in first when needed).
  if (extras.homeUrl && HOME_LINK_KINDS.has(kind)) blocks.push({ footer: w.homeLink, href: extras.homeUrl });
  subject = subject.replace(/[\r\n]+/g, ' ');
  if (locale === 'zh-CN') {
    subject = spaceLatin(subject);
    blocks = blocks.map(spaceLatinBlock);
  }
  return { subject, text: renderText(locale, blocks), html: renderHtml(locale, subject, blocks) };
}

/** Emails that end with the link to the person's OKR home ("Me"). */
export const HOME_LINK_KINDS: ReadonlySet<OutboxKind> = new Set<OutboxKind>([
  ...TASK_EMAIL_KINDS,
  'tasks-together',
  'task-escalation',
  'review-outcome',
  'final-score',
]);

/** Kinds whose email is addressed to the task's owner (and so may carry its link and reply address). */
export const OWNER_TASK_EMAIL_KINDS: ReadonlySet<OutboxKind> = new Set<OutboxKind>(TASK_EMAIL_KINDS);
