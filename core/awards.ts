/**
 * A cycle's winners as HR chose them in the finalize task: who won (the nominated person, or the
 * nominated objective's owner), the award, the citation, the bonus. Bonuses leave this module only
 * through `winnersWithBonus` and `bonusCsv`, which the HR-only routes call; the certificate and
 * the emails use `certificateOf`, which carries no bonus.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { type Kysely, sql } from 'kysely';
import type { Locale } from '../contract';
import type { DB } from '../db/schema';
import { awardWords } from '../i18n/awards';
import { citationsOf } from '../kinds/awards/handler';
import { subjectCycleIds } from '../kinds/awards/subject-cycles';
// The PDF and spreadsheet libraries (pdf-lib, fontkit, a 10 MB font, exceljs) load on first use:
// the worker reaches this module for every email it sends but needs them only for certificates.
import type { CertificateData } from './certificates';

export interface Winner {
  nominationId: number;
  cycleId: number;
  cycleTitle: string;
  /** The person who receives the award and its certificate. */
  person: { id: number; name: string; email: string; locale: Locale; timeZone: string | null };
  objective: { id: number; title: string } | null;
  awardName: string | null;
  /** HR's citation for the certificate, else every nominator's, in order. */
  citation: string;
  awardedAt: Date | null;
  hrName: string | null;
  timeZone: string;
  votes: number;
}

export interface WinnerWithBonus extends Winner {
  bonus: { amount: string; currency: string } | null;
}

const asLocale = (l: string): Locale => (l === 'zh-CN' ? 'zh-CN' : 'en');

async function winnerRows(db: Kysely<DB>, where: { cycleId: number } | { nominationId: number }) {
  let q = db
    .selectFrom('nominations as n')
    .innerJoin('cycles as c', 'c.id', 'n.cycle_id')
    .leftJoin('objectives as o', 'o.id', 'n.objective_id')
    .innerJoin('people as w', (j) => j.on(sql<boolean>`w.id = coalesce(n.person_id, o.owner_id)`))
    .leftJoin('people as hr', (j) => j.on(sql<boolean>`hr.id = coalesce(n.awarded_by, c.hr_person_id)`))
    .select((eb) => [
      'n.id',
      'n.cycle_id',
      'n.citation',
      'n.award_name',
      'n.award_citation',
      'n.bonus_amount',
      'n.bonus_currency',
      'n.awarded_at',
      'c.title as cycle_title',
      sql<string | null>`c.schedule->>'timeZone'`.as('cycle_time_zone'),
      'o.id as objective_id',
      'o.title as objective_title',
      'w.id as person_id',
      'w.name as person_name',
      'w.email as person_email',
      'w.locale as person_locale',
      'w.time_zone as person_time_zone',
      'hr.name as hr_name',
      eb
        .selectFrom('votes as v')
        .select(sql<number>`count(*)::int`.as('n'))
        .whereRef('v.nomination_id', '=', 'n.id')
        .as('votes'),
    ])
    .where('n.winner', '=', true);
  q = 'cycleId' in where ? q.where('n.cycle_id', '=', where.cycleId) : q.where('n.id', '=', where.nominationId);
  const rows = await q.orderBy('n.id').execute();
  const more = await citationsOf(
    db,
    rows.map((r) => r.id),
  );
  return rows.map((r) => {
    const winner: WinnerWithBonus = {
      nominationId: r.id,
      cycleId: r.cycle_id,
      cycleTitle: r.cycle_title,
      person: { id: r.person_id, name: r.person_name, email: r.person_email, locale: asLocale(r.person_locale), timeZone: r.person_time_zone },
      objective: r.objective_id !== null ? { id: r.objective_id, title: r.objective_title ?? '' } : null,
      awardName: r.award_name,
      citation: r.award_citation ?? [r.citation, ...(more.get(r.id) ?? []).map((c) => c.citation)].join('\n'),
      awardedAt: r.awarded_at,
      hrName: r.hr_name,
      timeZone: r.cycle_time_zone ?? 'UTC',
      votes: Number(r.votes ?? 0),
      bonus: r.bonus_amount !== null && r.bonus_currency !== null ? { amount: r.bonus_amount, currency: r.bonus_currency.trim() } : null,
    };
    return winner;
  });
}

/** Without the bonus: what the winners' emails, the certificates and the team meeting may show. */
const withoutBonus = ({ bonus: _bonus, ...w }: WinnerWithBonus): Winner => w;

export async function cycleWinners(db: Kysely<DB>, cycleId: number): Promise<Winner[]> {
  return (await winnerRows(db, { cycleId })).map(withoutBonus);
}

/** HR only: the winners with their bonuses. */
export async function winnersWithBonus(db: Kysely<DB>, cycleId: number): Promise<WinnerWithBonus[]> {
  return winnerRows(db, { cycleId });
}

export async function winnerOf(db: Kysely<DB>, nominationId: number): Promise<Winner | undefined> {
  const [row] = await winnerRows(db, { nominationId });
  return row ? withoutBonus(row) : undefined;
}

/** A winner's certificate, in `locale` (default: the winner's own language). */
export function certificateData(w: Winner, locale: Locale = w.person.locale): CertificateData {
  return {
    locale,
    awardName: w.awardName ?? awardWords(locale).certificate.defaultAward,
    winnerName: w.person.name,
    citation: w.citation,
    objectiveTitle: w.objective?.title ?? null,
    cycleTitle: w.cycleTitle,
    awardedAt: w.awardedAt ?? new Date(0),
    timeZone: w.person.timeZone ?? w.timeZone,
    hrName: w.hrName ?? '',
  };
}

/** The objectives a winner's story shows (slides, the announcement): the nominated one, or the nominated person's approved objectives of the cycle. */
export async function storyObjectives(db: Kysely<DB>, w: Winner) {
  const objectives = await db
    .selectFrom('objectives')
    .select(['id', 'title', 'score'])
    .where('cycle_id', 'in', await subjectCycleIds(db, w.cycleId))
    .$call((q) => (w.objective ? q.where('id', '=', w.objective.id) : q.where('owner_id', '=', w.person.id).where('status', '=', 'approved')))
    .orderBy('position')
    .orderBy('id')
    .limit(3)
    .execute();
  const krs = objectives.length
    ? await db
        .selectFrom('key_results')
        .select(['objective_id', 'title', 'score', 'self_score'])
        .where(
          'objective_id',
          'in',
          objectives.map((o) => o.id),
        )
        .orderBy('position')
        .execute()
    : [];
  return objectives.map((o) => ({ ...o, keyResults: krs.filter((k) => k.objective_id === o.id) }));
}

/** The certificate of a winning nomination as PDF bytes and its file name, or undefined when it did not win. */
export async function certificateOf(db: Kysely<DB>, nominationId: number, locale?: Locale): Promise<{ pdf: Uint8Array; fileName: string } | undefined> {
  const w = await winnerOf(db, nominationId);
  if (!w) return undefined;
  const data = certificateData(w, locale);
  const { renderCertificate } = await import('./certificates');
  return { pdf: await renderCertificate(data), fileName: awardWords(data.locale).certificate.fileName(w.person.name) };
}

/** The payroll list: one line per winner with a bonus (formula-injection safe cells). */
export async function bonusCsv(db: Kysely<DB>, cycleId: number): Promise<string> {
  const rows = (await winnerRows(db, { cycleId })).filter((w) => w.bonus !== null);
  const { toCsv } = await import('./exports');
  return toCsv(
    ['nomination_id', 'winner_email', 'winner_name', 'award', 'objective', 'amount', 'currency', 'awarded_at'],
    rows.map((w) => [w.nominationId, w.person.email, w.person.name, w.awardName, w.objective?.title ?? null, w.bonus!.amount, w.bonus!.currency, w.awardedAt]),
  );
}

/**
 * The winner's own download link: HMAC of the nomination and the winner, so only the winner's
 * email carries it and it opens nothing else. (The certificate shows no bonus.)
 */
export function certificateSignature(secret: string, nominationId: number, personId: number): string {
  return createHmac('sha256', secret).update(`award-certificate:v1:${nominationId}:${personId}`).digest('base64url');
}

export function certificateLink(publicBaseUrl: string, secret: string, nominationId: number, personId: number): string {
  return `${publicBaseUrl}/awards/certificates/${nominationId}/${personId}/${certificateSignature(secret, nominationId, personId)}`;
}

export function isCertificateSignature(secret: string, nominationId: number, personId: number, signature: string): boolean {
  const want = Buffer.from(certificateSignature(secret, nominationId, personId));
  const got = Buffer.from(signature);
  return want.length === got.length && timingSafeEqual(want, got);
}
