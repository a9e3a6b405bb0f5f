/**
 * The cycle dashboard's aggregates: the phase timeline (from the workflow), completion of the open
 * step by department and by manager, overdue people, alignment coverage, the latest check-in
 * week's confidence, the score distribution and the awards' nominations with their votes. Also
 * the alignment tree (company → manager → person objectives), read on its own page.
 */
import type { Kysely } from 'kysely';
import type { Phase, TaskKind } from '../contract';
import {
  type CompletionRow,
  type NominationRow,
  type OverdueRow,
  countNotApproved,
  cycleObjectivesForTree,
  latestConfidence,
  latestStepOfPhase,
  latestTaskPhase,
  managerIds,
  nominationsWithVotes,
  objectiveLinks,
  overdueTasks,
  scoreTenths,
  stepCompletion,
} from '../db/dashboard';
import { requireCycleByKey } from '../db/cycles';
import type { DB } from '../db/schema';
import { type CycleDeps, type CycleView, getCycleView } from './cycles';

export const OVERDUE_LIMIT = 100;

export interface StepCompletion {
  phase: Phase;
  kind: TaskKind;
  round: number;
  total: { total: number; completed: number; open: number; overdue: number; expired: number };
  byDepartment: CompletionRow[];
  byManager: CompletionRow[];
}

export interface CycleDashboard {
  cycle: CycleView;
  now: string;
  step: StepCompletion | null;
  overdue: { total: number; rows: (Omit<OverdueRow, 'dueAt'> & { dueAt: string })[] };
  alignment: { coverage: number; objectives: number; linkedToStrategy: number; notApproved: number };
  confidence: { week: number | null; counts: number[] };
  /** People per tenth of a score (index 0: 0.0–0.09 … index 10: 1.0). */
  scores: number[];
  nominations: NominationRow[];
}

function sum(rows: CompletionRow[]) {
  return rows.reduce(
    (t, r) => ({
      total: t.total + r.total,
      completed: t.completed + r.completed,
      open: t.open + r.open,
      overdue: t.overdue + r.overdue,
      expired: t.expired + r.expired,
    }),
    {
      total: 0,
      completed: 0,
      open: 0,
      overdue: 0,
      expired: 0,
    },
  );
}

/** Completion of the most recent step of the current phase (or of the last phase that had tasks). */
export async function openStepCompletion(db: Kysely<DB>, cycleId: number, phase: Phase | null, now: Date): Promise<StepCompletion | null> {
  const ofPhase = phase ?? (await latestTaskPhase(db, cycleId));
  if (!ofPhase) return null;
  const step = await latestStepOfPhase(db, cycleId, ofPhase);
  if (!step) return null;
  const { byDepartment, byManager } = await stepCompletion(db, cycleId, step, now);
  return { phase: ofPhase, kind: step.kind, round: step.round, total: sum(byDepartment), byDepartment, byManager };
}

/** Share of people's objectives whose parent chain reaches a company objective (pure; a loop reaches nothing). */
export function alignmentCoverage(links: { id: number; parentId: number | null; ownerId: number | null }[]): {
  objectives: number;
  linked: number;
  coverage: number;
} {
  const byId = new Map(links.map((l) => [l.id, l]));
  const reaches = new Map<number, boolean>();
  const walk = (id: number): boolean => {
    const path: number[] = [];
    let at: number | null = id;
    let result = false;
    while (at !== null) {
      const known = reaches.get(at);
      if (known !== undefined) {
        result = known;
        break;
      }
      const l = byId.get(at);
      if (!l || path.includes(at)) break; // a missing parent or a loop
      if (l.ownerId === null) {
        result = true;
        break;
      }
      path.push(at);
      at = l.parentId;
    }
    for (const p of path) reaches.set(p, result);
    return result;
  };
  const people = links.filter((l) => l.ownerId !== null);
  const linked = people.filter((l) => l.parentId !== null && walk(l.parentId)).length;
  return { objectives: people.length, linked, coverage: people.length ? Math.round((linked / people.length) * 1000) / 1000 : 0 };
}

export async function cycleDashboard(deps: Pick<CycleDeps, 'db' | 'client'>, key: string, now = new Date()): Promise<CycleDashboard> {
  const { db } = deps;
  const row = await requireCycleByKey(db, key);
  // The workflow's state and the independent aggregates at once; the open step needs the phase.
  const viewing = getCycleView(deps, key);
  const stepping = viewing.then((v) => openStepCompletion(db, row.id, v.state?.phase ?? null, now));
  const [cycle, step, overdue, links, notApproved, confidence, tenths, nominations] = await Promise.all([
    viewing,
    stepping,
    overdueTasks(db, row.id, now, OVERDUE_LIMIT),
    objectiveLinks(db, row.id),
    countNotApproved(db, row.id),
    latestConfidence(db, row.id),
    scoreTenths(db, row.id),
    nominationsWithVotes(db, row.id),
  ]);
  const alignment = alignmentCoverage(links);
  const confidenceCounts = Array.from({ length: 10 }, (_, i) => confidence.counts.find((c) => c.confidence === i + 1)?.n ?? 0);
  const scores = Array.from({ length: 11 }, (_, i) => tenths.find((t) => t.tenth === i)?.n ?? 0);
  return {
    cycle,
    now: now.toISOString(),
    step,
    overdue: { total: overdue.total, rows: overdue.rows.map((r) => ({ ...r, dueAt: new Date(r.dueAt).toISOString() })) },
    alignment: { coverage: alignment.coverage, objectives: alignment.objectives, linkedToStrategy: alignment.linked, notApproved },
    confidence: { week: confidence.week, counts: confidenceCounts },
    scores,
    nominations,
  };
}

// ---- the alignment tree --------------------------------------------------------------------------

export interface TreeNode {
  id: number;
  title: string;
  status: string;
  owner: { name: string; email: string; isManager: boolean } | null;
  children: TreeNode[];
}

export interface AlignmentTree {
  /** Company objectives with everything aligned under them. */
  company: TreeNode[];
  /** People's objectives whose chain reaches no company objective (no parent, or a loop). */
  unaligned: TreeNode[];
  objectives: number;
  aligned: number;
}

/** Builds the tree from flat rows (pure): children under their parent, roots = company objectives. */
export function buildAlignmentTree(
  rows: { id: number; title: string; status: string; parentId: number | null; ownerId: number | null; ownerName: string | null; ownerEmail: string | null }[],
  managers: Set<number>,
): AlignmentTree {
  const nodes = new Map<number, TreeNode>();
  for (const r of rows) {
    nodes.set(r.id, {
      id: r.id,
      title: r.title,
      status: r.status,
      owner: r.ownerId === null ? null : { name: r.ownerName ?? '', email: r.ownerEmail ?? '', isManager: managers.has(r.ownerId) },
      children: [],
    });
  }
  const company: TreeNode[] = [];
  const orphans: TreeNode[] = [];
  for (const r of rows) {
    const node = nodes.get(r.id)!;
    if (r.ownerId === null) company.push(node);
    else if (r.parentId !== null && nodes.has(r.parentId) && r.parentId !== r.id) nodes.get(r.parentId)!.children.push(node);
    else orphans.push(node);
  }
  // Reachable from the company objectives; what is not (no parent, or a loop of parents) is unaligned.
  const reached = reach(company, new Set());
  const unreached = rows.filter((r) => r.ownerId !== null && !reached.has(r.id));
  const unaligned = orphans.filter((n) => !reached.has(n.id));
  const covered = reach(unaligned, new Set());
  for (const r of unreached) {
    if (covered.has(r.id)) continue;
    // A member of a loop of parents: shown once, as a top, and the loop cut there.
    const top = nodes.get(r.id)!;
    const parent = nodes.get(r.parentId!);
    if (parent) parent.children = parent.children.filter((c) => c !== top);
    unaligned.push(top);
    reach([top], covered);
  }
  return {
    company,
    unaligned,
    objectives: rows.filter((r) => r.ownerId !== null).length,
    aligned: rows.filter((r) => r.ownerId !== null && reached.has(r.id)).length,
  };
}

/** Every node under (and including) `from`, added to `seen`. */
function reach(from: TreeNode[], seen: Set<number>): Set<number> {
  const stack = [...from];
  while (stack.length) {
    const n = stack.pop()!;
    if (seen.has(n.id)) continue;
    seen.add(n.id);
    stack.push(...n.children);
  }
  return seen;
}

export async function cycleAlignmentTree(db: Kysely<DB>, key: string): Promise<AlignmentTree> {
  const cycle = await requireCycleByKey(db, key);
  const [rows, managers] = await Promise.all([cycleObjectivesForTree(db, cycle.id), managerIds(db)]);
  return buildAlignmentTree(rows, managers);
}
