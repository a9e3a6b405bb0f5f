/**
 * "Company": the company objectives and the alignment tree down to teams — the console
 * dashboard's tree (core/cycle-dashboard.ts `cycleAlignmentTree`, the one function that builds
 * it) with each objective's progress, and its confidence only where the viewer may see the
 * owner's confidence (core/visibility.ts). An objective whose owner the viewer may not see at
 * all (VISIBILITY_PUBLIC without `objectives`) is left out and its children move up.
 */
import type { Kysely } from 'kysely';
import { ErrorCode } from '../contract';
import { allCycles, cyclesOf, objectiveOwners, objectiveProgress } from '../db/homes';
import type { DB } from '../db/schema';
import { type TreeNode, cycleAlignmentTree } from './cycle-dashboard';
import { AppError } from './errors';
import { type Viewer, type VisibilityPolicy, viewerScope } from './visibility';

export interface CompanyNode {
  id: number;
  title: string;
  status: string;
  owner: { name: string; email: string; isManager: boolean } | null;
  /** 0–1: the mean of its key results' progress; without a measurable key result, the mean of its children's; else null. */
  progress: number | null;
  /** The mean confidence of its key results (1–10), only where the viewer may see it. */
  confidence: number | null;
  children: CompanyNode[];
}

export interface CompanyHome {
  cycles: { key: string; title: string; status: string }[];
  cycle: { key: string; title: string; status: string; startsOn: string; endsOn: string } | null;
  company: CompanyNode[];
  unaligned: CompanyNode[];
  objectives: number;
  aligned: number;
}

const round3 = (n: number) => Math.round(n * 1000) / 1000;

/** An objective without measurable key results of its own (a company objective, say) shows the mean progress of what is aligned under it. */
function rollUp(children: CompanyNode[]): number | null {
  const known = children.map((c) => c.progress).filter((p): p is number => p !== null);
  return known.length ? round3(known.reduce((a, b) => a + b, 0) / known.length) : null;
}

/**
 * The cycle's tree, progress and owners are the same for every viewer: read once per cycle and
 * kept for CONTENT_TTL_MS in this process (at 10,000 people the reads take most of a request);
 * each viewer's answer is then filtered from it. Progress on Company may lag a check-in by that long.
 */
export const CONTENT_TTL_MS = 10_000;
type Content = {
  tree: Awaited<ReturnType<typeof cycleAlignmentTree>>;
  progress: Awaited<ReturnType<typeof objectiveProgress>>;
  owners: Awaited<ReturnType<typeof objectiveOwners>>;
};
/** Per database (tests and benches may run several in one process), per cycle. */
const byDatabase = new WeakMap<Kysely<DB>, Map<number, { at: number; content: Promise<Content> }>>();

function cycleContent(db: Kysely<DB>, cycleId: number, key: string, now = Date.now()): Promise<Content> {
  let contents = byDatabase.get(db);
  if (!contents) byDatabase.set(db, (contents = new Map()));
  const kept = contents.get(cycleId);
  if (kept && now - kept.at < CONTENT_TTL_MS) return kept.content;
  const content = Promise.all([cycleAlignmentTree(db, key), objectiveProgress(db, cycleId), objectiveOwners(db, cycleId)]).then(([tree, progress, owners]) => ({
    tree,
    progress,
    owners,
  }));
  // A failed read is not kept.
  content.catch(() => contents.delete(cycleId));
  if (contents.size > 50) contents.clear();
  contents.set(cycleId, { at: now, content });
  return content;
}

export async function companyHome(db: Kysely<DB>, viewer: Viewer, cycleKey: string | undefined, policy?: VisibilityPolicy): Promise<CompanyHome> {
  const cycles = await allCycles(db);
  let cycle = cycleKey ? cycles.find((c) => c.key === cycleKey) : undefined;
  if (cycleKey && !cycle) throw new AppError(ErrorCode.notFound, `no cycle ${cycleKey}`);
  if (!cycle && viewer.kind === 'person') cycle = (await cyclesOf(db, viewer.personId))[0];
  cycle ??= cycles[0];
  const list = cycles.map((c) => ({ key: c.key, title: c.title, status: c.status }));
  if (!cycle) return { cycles: list, cycle: null, company: [], unaligned: [], objectives: 0, aligned: 0 };

  const [{ tree, progress, owners }, scope] = await Promise.all([cycleContent(db, cycle.id, cycle.key), viewerScope(db, viewer, policy)]);
  const convert = (nodes: TreeNode[]): CompanyNode[] =>
    nodes.flatMap((n) => {
      const owner = n.owner ? owners.get(n.owner.email) : undefined;
      const children = convert(n.children);
      if (owner && !scope.may(owner, 'objectives')) return children;
      const p = progress.get(n.id);
      const confidence = p?.confidence ?? null;
      return [
        {
          id: n.id,
          title: n.title,
          status: n.status,
          owner: n.owner,
          progress: p?.progress === null || p?.progress === undefined ? rollUp(children) : round3(p.progress),
          confidence: confidence !== null && (!owner || scope.may(owner, 'confidence')) ? round3(confidence) : null,
          children,
        },
      ];
    });
  return {
    cycles: list,
    cycle: { key: cycle.key, title: cycle.title, status: cycle.status, startsOn: cycle.startsOn, endsOn: cycle.endsOn },
    company: convert(tree.company),
    unaligned: convert(tree.unaligned),
    objectives: tree.objectives,
    aligned: tree.aligned,
  };
}
