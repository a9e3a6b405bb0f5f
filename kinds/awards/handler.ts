/**
 * Awards. nominate: managers and ambassadors put forward up to 3 objectives or people;
 * vote: the award committee (HR when the cycle has no committee) votes for up to 3;
 * finalize: HR picks the winners.
 */
import { type Kysely, type Transaction, sql } from 'kysely';
import type { FieldIssue, Locale } from '../../contract';
import { pageStrings } from '../../i18n/pages';
import type { DB } from '../../db/schema';
import { emptyContext, hasRole, rejectIfAny } from '../shared';
import { activeParticipants } from '../../db/participants';
import { type KindHandler, type NominationOption, SubmissionRejected, type TaskRef } from '../types';
import { isCurrentObjective } from '../../db/objectives';
import { ruleIssue } from '../rules';
import type { AwardDetail } from './schema';
import { awardDetailIssues, bonusOf } from './sealed-bonus';
import { takeBonusDrafts } from '../../db/award-bonus-drafts';
import { ballotFacts, evidenceOf } from './evidence';
import { awardWords } from '../../i18n/awards';
import { subjectCycleIds } from './subject-cycles';

/** Every nomination of a cycle with its label, all its citations and vote count, most votes first. */
export async function nominationOptions(db: Kysely<DB>, cycleId: number, locale: Locale = 'en'): Promise<NominationOption[]> {
  const s = pageStrings(locale);
  const rows = await db
    .selectFrom('nominations as n')
    .innerJoin('people as nominator', 'nominator.id', 'n.nominator_id')
    .leftJoin('objectives as o', 'o.id', 'n.objective_id')
    .leftJoin('people as owner', 'owner.id', 'o.owner_id')
    .leftJoin('people as nominee', 'nominee.id', 'n.person_id')
    .select((eb) => [
      'n.id',
      'n.citation',
      'n.objective_id',
      'n.person_id',
      'nominator.name as nominator',
      'o.title as objective_title',
      'owner.name as owner_name',
      'nominee.name as nominee_name',
      eb
        .selectFrom('votes as v')
        .select(sql<number>`count(*)::int`.as('n'))
        .whereRef('v.nomination_id', '=', 'n.id')
        .as('votes'),
    ])
    .where('n.cycle_id', '=', cycleId)
    .orderBy('votes', 'desc')
    .orderBy('n.id')
    .execute();
  const more = await citationsOf(
    db,
    rows.map((r) => r.id),
  );
  return rows.map((r) => {
    const citations = [{ nominator: r.nominator, citation: r.citation }, ...(more.get(r.id) ?? [])];
    return {
      nominationId: r.id,
      nominator: citations.map((c) => c.nominator).join(', '),
      label:
        r.objective_title !== null
          ? s.awards.objectiveLabel(r.objective_title, r.owner_name ?? s.objectives.company)
          : s.awards.personLabel(r.nominee_name ?? ''),
      citation: citations.map((c) => c.citation).join('\n'),
      citations,
      subject:
        r.objective_id !== null
          ? { kind: 'objective' as const, objectiveId: r.objective_id, title: r.objective_title ?? '', owner: r.owner_name }
          : { kind: 'person' as const, personId: r.person_id ?? 0, name: r.nominee_name ?? '' },
      votes: Number(r.votes ?? 0),
    };
  });
}

/** The further citations of these nominations (after the first nominator's), oldest first. */
export async function citationsOf(db: Kysely<DB>, nominationIds: number[]): Promise<Map<number, { nominator: string; citation: string }[]>> {
  const out = new Map<number, { nominator: string; citation: string }[]>();
  if (!nominationIds.length) return out;
  const rows = await db
    .selectFrom('nomination_citations as c')
    .innerJoin('people as p', 'p.id', 'c.nominator_id')
    .select(['c.nomination_id', 'p.name', 'c.citation'])
    .where('c.nomination_id', 'in', nominationIds)
    .orderBy('c.id')
    .execute();
  for (const r of rows) out.set(r.nomination_id, [...(out.get(r.nomination_id) ?? []), { nominator: r.name, citation: r.citation }]);
  return out;
}

/** Ids of the cycle's nominations among `ids`. */
async function nominationsOfCycle(db: Kysely<DB>, cycleId: number, ids: number[]): Promise<Set<number>> {
  if (!ids.length) return new Set();
  const rows = await db.selectFrom('nominations').select('id').where('cycle_id', '=', cycleId).where('id', 'in', ids).execute();
  return new Set(rows.map((r) => r.id));
}

export const nominateHandler: KindHandler<'nominate'> = {
  async context(db, task) {
    const objectives = await activeParticipants(db, task.cycleId)
      .innerJoin('objectives as o', 'o.owner_id', 'cp.person_id')
      .where('o.cycle_id', 'in', await subjectCycleIds(db, task.cycleId))
      .leftJoin('objectives as parent', 'parent.id', 'o.parent_objective_id')
      .select(['o.id', 'o.title', 'p.name', 'parent.title as parent_title'])
      .where('o.status', '=', 'approved')
      .orderBy('p.name')
      .orderBy('o.position')
      .orderBy('o.id')
      .execute();
    const people = await activeParticipants(db, task.cycleId)
      .select(['p.name', 'p.email'])
      .where('p.id', '!=', task.personId)
      .orderBy('p.name')
      .orderBy('p.email')
      .execute();
    return {
      ...emptyContext(),
      values: { nominations: [] },
      // Titles only: key results of every objective in the company would swamp the page.
      objectives: objectives.map((o) => ({ id: o.id, title: `${o.title} (${o.name})`, parent: o.parent_title ?? null, keyResults: [] })),
      people,
      notes: [pageStrings(task.locale).notes.nominate],
    };
  },

  async record(tx, task, submission) {
    const issues: FieldIssue[] = [];
    const objectiveIds = submission.nominations.flatMap((n) => ('objectiveId' in n ? [n.objectiveId] : []));
    const emails = submission.nominations.flatMap((n) => ('personEmail' in n ? [n.personEmail.trim().toLowerCase()] : []));
    const owners = objectiveIds.length
      ? new Map(
          (
            await tx
              .selectFrom('objectives')
              .select(['id', 'owner_id'])
              .where('cycle_id', 'in', await subjectCycleIds(tx, task.cycleId))
              .where('id', 'in', objectiveIds)
              .where('owner_id', 'is not', null)
              .where(isCurrentObjective())
              .execute()
          ).map((r) => [r.id, r.owner_id!]),
        )
      : new Map<number, number>();
    const people = emails.length
      ? new Map(
          (
            await activeParticipants(tx, task.cycleId)
              .select(['p.id', 'p.email'])
              .where(sql<string>`lower(p.email)`, 'in', emails)
              .execute()
          ).map((p) => [p.email.toLowerCase(), p.id]),
        )
      : new Map<string, number>();

    const rows: { objective_id: number | null; person_id: number | null; citation: string }[] = [];
    const seen = new Set<string>();
    submission.nominations.forEach((n, i) => {
      if ('objectiveId' in n) {
        const path = `nominations.${i}.objectiveId`;
        const owner = owners.get(n.objectiveId);
        if (owner === undefined) issues.push(ruleIssue(path, 'not-nominable-objective'));
        else if (owner === task.personId) issues.push(ruleIssue(path, 'own-objective'));
        else if (seen.has(`o${n.objectiveId}`)) issues.push(ruleIssue(path, 'twice'));
        seen.add(`o${n.objectiveId}`);
        rows.push({ objective_id: n.objectiveId, person_id: null, citation: n.citation });
      } else {
        const path = `nominations.${i}.personEmail`;
        const personId = people.get(n.personEmail.trim().toLowerCase());
        if (personId === undefined) issues.push(ruleIssue(path, 'not-participant'));
        else if (personId === task.personId) issues.push(ruleIssue(path, 'self-nomination'));
        else if (seen.has(`p${personId}`)) issues.push(ruleIssue(path, 'twice'));
        if (personId !== undefined) seen.add(`p${personId}`);
        rows.push({ objective_id: null, person_id: personId ?? null, citation: n.citation });
      }
    });
    rejectIfAny(issues);
    for (const r of rows) await nominateOnce(tx, task, r);
    return {};
  },
};

/**
 * One nomination per subject: the first nominator's row holds the subject; everyone after adds
 * their citation to it. The subject's row is locked first, so two nominators at once merge too.
 */
async function nominateOnce(tx: Transaction<DB>, task: TaskRef, r: { objective_id: number | null; person_id: number | null; citation: string }): Promise<void> {
  // Serialises nominations of the same subject in this cycle (a transaction-scoped lock).
  await sql`select pg_advisory_xact_lock(${task.cycleId}, ${r.objective_id !== null ? r.objective_id : -r.person_id!})`.execute(tx);
  const existing = await tx
    .selectFrom('nominations')
    .select(['id', 'nominator_id'])
    .where('cycle_id', '=', task.cycleId)
    .where(r.objective_id !== null ? 'objective_id' : 'person_id', '=', (r.objective_id ?? r.person_id)!)
    .orderBy('id')
    .executeTakeFirst();
  if (!existing) {
    await tx
      .insertInto('nominations')
      .values({ ...r, cycle_id: task.cycleId, task_id: task.id, nominator_id: task.personId })
      .execute();
  } else if (existing.nominator_id !== task.personId) {
    await tx
      .insertInto('nomination_citations')
      .values({ nomination_id: existing.id, nominator_id: task.personId, task_id: task.id, citation: r.citation })
      .onConflict((oc) => oc.columns(['nomination_id', 'nominator_id']).doNothing())
      .execute();
  }
}

/** Award-committee members vote; when no active participant of the cycle is on the committee, HR does. */
export async function mayVote(db: Kysely<DB>, task: TaskRef): Promise<boolean> {
  const owner = await db.selectFrom('people').select('roles').where('id', '=', task.personId).executeTakeFirst();
  const roles = owner?.roles ?? [];
  if (roles.includes('award-committee')) return true;
  if (!roles.includes('hr')) return false;
  const committee = await activeParticipants(db, task.cycleId).select('p.id').where(hasRole('p.roles', 'award-committee')).limit(1).executeTakeFirst();
  return committee === undefined;
}

/** Among these nominations: those of the voter or their objective (`self`), and those the voter made or cited (`own`). */
async function nominationsTouching(db: Kysely<DB>, voterId: number, ids: number[]): Promise<{ self: Set<number>; own: Set<number> }> {
  if (!ids.length) return { self: new Set(), own: new Set() };
  const rows = await db
    .selectFrom('nominations as n')
    .leftJoin('objectives as o', 'o.id', 'n.objective_id')
    .select((eb) => [
      'n.id',
      'n.nominator_id',
      'n.person_id',
      'o.owner_id',
      eb
        .exists(eb.selectFrom('nomination_citations as c').select('c.id').whereRef('c.nomination_id', '=', 'n.id').where('c.nominator_id', '=', voterId))
        .as('cited'),
    ])
    .where('n.id', 'in', ids)
    .execute();
  return {
    self: new Set(rows.filter((r) => r.person_id === voterId || r.owner_id === voterId).map((r) => r.id)),
    own: new Set(rows.filter((r) => r.nominator_id === voterId || r.cited).map((r) => r.id)),
  };
}

/** The nominations with what the OKRs say about each. */
async function withEvidence(db: Kysely<DB>, cycleId: number, locale: Locale = 'en'): Promise<NominationOption[]> {
  const nominations = await nominationOptions(db, cycleId, locale);
  const evidence = await evidenceOf(db, cycleId, nominations);
  return nominations.map((n) => ({ ...n, ...(evidence.has(n.nominationId) ? { evidence: evidence.get(n.nominationId)! } : {}) }));
}

export const voteHandler: KindHandler<'vote'> = {
  async context(db, task) {
    const nominations = await withEvidence(db, task.cycleId, task.locale);
    // This task's own votes once cast; an open ballot starts empty.
    const mine = await db.selectFrom('votes').select('nomination_id').where('task_id', '=', task.id).orderBy('nomination_id').execute();
    return {
      ...emptyContext(),
      nominations,
      values: { nominationIds: mine.map((v) => v.nomination_id) },
      notes: nominations.length ? [pageStrings(task.locale).notes.vote] : [pageStrings(task.locale).notes.noNominations],
    };
  },
  async record(tx, task, submission) {
    if (!(await mayVote(tx, task))) throw new SubmissionRejected([ruleIssue('nominationIds', 'committee-only')]);
    const ofCycle = await nominationsOfCycle(tx, task.cycleId, submission.nominationIds);
    const { self, own } = await nominationsTouching(tx, task.personId, submission.nominationIds);
    const already = new Set(
      (
        await tx
          .selectFrom('votes')
          .select('nomination_id')
          .where('voter_id', '=', task.personId)
          .where('nomination_id', 'in', submission.nominationIds)
          .execute()
      ).map((v) => v.nomination_id),
    );
    const issues: FieldIssue[] = [];
    submission.nominationIds.forEach((id, i) => {
      if (!ofCycle.has(id)) issues.push(ruleIssue(`nominationIds.${i}`, 'not-nomination'));
      else if (self.has(id)) issues.push(ruleIssue(`nominationIds.${i}`, 'vote-for-self'));
      else if (own.has(id)) issues.push(ruleIssue(`nominationIds.${i}`, 'own-nomination'));
      else if (already.has(id)) issues.push(ruleIssue(`nominationIds.${i}`, 'already-voted'));
    });
    rejectIfAny(issues);
    await tx
      .insertInto('votes')
      .values(submission.nominationIds.map((id) => ({ nomination_id: id, voter_id: task.personId, task_id: task.id })))
      .execute();
    return {};
  },
};

export const finalizeHandler: KindHandler<'finalize'> = {
  async context(db, task) {
    const nominations = await withEvidence(db, task.cycleId, task.locale);
    const top = nominations[0]?.votes ?? 0;
    // Ties and abstentions, so HR decides knowing them.
    const facts = await ballotFacts(db, task.cycleId, nominations);
    const w = awardWords(task.locale ?? 'en').ballot;
    return {
      ...emptyContext(),
      notes: [...(facts.tied.length ? [w.tie(facts.tied)] : []), ...(facts.abstained.length ? [w.abstained(facts.abstained)] : [])],
      nominations,
      // Start from the most-voted nomination(s), ties included.
      values: { winnerNominationIds: top > 0 ? nominations.filter((n) => n.votes === top).map((n) => n.nominationId) : [] },
    };
  },
  async record(tx, task, submission) {
    const ids = submission.winnerNominationIds;
    const ofCycle = await nominationsOfCycle(tx, task.cycleId, ids);
    const issues: FieldIssue[] = [];
    ids.forEach((id, i) => {
      if (!ofCycle.has(id)) issues.push(ruleIssue(`winnerNominationIds.${i}`, 'not-nomination'));
    });
    // The same rules the completion path checked before it kept the bonuses apart (a submission
    // from before that still carries its bonuses inline is checked here only).
    issues.push(...awardDetailIssues(submission));
    rejectIfAny(issues);
    const details = new Map<number, AwardDetail>((submission.awards ?? []).map((d) => [d.nominationId, d]));
    // What the completion path kept for this task: each winner's bonus, read once and deleted.
    const drafts = await takeBonusDrafts(tx, task.id);
    const cleared = { winner: false, award_name: null, award_citation: null, bonus_amount: null, bonus_currency: null, awarded_at: null, awarded_by: null };
    await tx.updateTable('nominations').set(cleared).where('cycle_id', '=', task.cycleId).execute();
    const now = new Date();
    for (const id of ids) {
      const d = details.get(id);
      const b = (d && bonusOf(d)) ?? drafts.get(id);
      const bonus = b ? { bonus_amount: b.amount, bonus_currency: b.currency } : {};
      await tx
        .updateTable('nominations')
        .set({ winner: true, award_name: d?.awardName || null, award_citation: d?.citation || null, awarded_at: now, awarded_by: task.personId, ...bonus })
        .where('cycle_id', '=', task.cycleId)
        .where('id', '=', id)
        .execute();
    }
    return { winners: ids };
  },
};
