/**
 * The console part of `npm run bench` (or `tsx bench/console.ts [--people 10000]` on its own):
 * at N people seeded directly in PostgreSQL (a running cycle with its drafts half done, objectives
 * aligned two levels deep, a check-in week and scores), the server time of the cycle dashboard and
 * the people page — their JSON and their HTML — and the objectives export (CSV and XLSX) as p50 / p95 over repeated requests made in-process
 * (`app.request`, no network), the query plans behind the dashboard (each must use an index on the
 * big tables), and the preview of a 13-week cycle for everyone. Prints numbers; asserts nothing.
 */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { type CompiledQuery, Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { scheduleSchema } from '../contract';
import { cycleDashboard } from '../core/cycle-dashboard';
import { previewCycle } from '../core/cycle-preview';
import { DEFAULT_SESSION_POLICY, openSession } from '../core/sign-in';
import type { DB } from '../db/schema';
import { checkinKind } from '../kinds/checkin';
import { percentile, timeRequests, withApiStack } from './page-stack';

const BENCH_KEY = 'bench-console-key-0123456789abcdefghijklmnopqrstuv';
const BIG_TABLES = new Set(['tasks', 'people', 'objectives', 'key_results', 'checkins', 'cycle_participants', 'emails']);

/** People, a running cycle and its content, in a few set-based statements. */
export async function seed(db: Kysely<DB>, n: number): Promise<{ cycleKey: string; hrId: number }> {
  const departments = 20;
  await sql`insert into people (email, name, department, roles, locale)
    select 'p' || i || '@bench.example', 'Person ' || i, 'Department ' || (i % ${departments}),
           case when i = 1 then array['hr','admin']::text[] when i % 10 = 1 then array['manager']::text[] else array['employee']::text[] end,
           case when i % 3 = 0 then 'zh-CN' else 'en' end
    from generate_series(1, ${n}) i`.execute(db);
  // Blocks of ten: the first of each block manages the other nine; block heads report to person 1.
  await sql`update people set manager_id = case when (id - 1) % 10 = 0 then (case when id = 1 then null else 1 end) else id - ((id - 1) % 10) end`.execute(db);
  // Last quarter's cycle too: with several cycles in the tables the plans must pick the cycle by index.
  await seedCycle(db, 'bench-q0');
  await seedCycle(db, 'bench-q1');
  // As autovacuum leaves a table after a bulk insert (PostgreSQL ≥ 13 vacuums insert-only tables):
  // statistics and the visibility map, so index-only scans need not visit the rows.
  await sql`vacuum analyze`.execute(db);
  return { cycleKey: 'bench-q1', hrId: 1 };
}

/** One cycle of everyone: drafts 60 % completed, objectives aligned two levels deep, a check-in week, scores. */
async function seedCycle(db: Kysely<DB>, key: string): Promise<void> {
  const schedule = scheduleSchema.parse({});
  const cycle = await db
    .insertInto('cycles')
    .values({
      key,
      title: `Cycle ${key}`,
      starts_on: '2027-01-04',
      ends_on: '2027-03-31',
      schedule: JSON.stringify(schedule),
      request_fingerprint: 'bench',
      workflow_id: `okr-cycle:${key}`,
      created_by: 'bench',
      hr_person_id: 1,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const c = cycle.id;
  await sql`insert into cycle_participants (cycle_id, person_id, batch_no) select ${c}, id, (row_number() over (order by id) - 1) / 250 from people`.execute(
    db,
  );
  // The open step: drafts, 60% completed, 30% open and overdue, 10% open and not yet due.
  await sql`insert into tasks (cycle_id, person_id, kind, phase, round, batch_no, workflow_id, status, due_at, token_hash, completed_at)
    select ${c}, p.id, 'draft', 'drafting', 1, cp.batch_no, ${`okr-cycle:${key}:drafting:r1:b`} || cp.batch_no,
           case when p.id % 10 < 6 then 'completed' else 'open' end,
           case when p.id % 10 < 9 then now() - interval '1 day' else now() + interval '1 day' end,
           md5(${key} || p.id), case when p.id % 10 < 6 then now() - interval '2 days' else null end
    from people p join cycle_participants cp on cp.person_id = p.id and cp.cycle_id = ${c}`.execute(db);
  await sql`insert into objectives (cycle_id, owner_id, position, title, status) select ${c}, null, g, 'Company objective ' || g, 'approved' from generate_series(1, 5) g`.execute(
    db,
  );
  // Two objectives per person: block heads align to a company objective, the others to their head's first one.
  await sql`insert into objectives (cycle_id, owner_id, position, title, status)
    select ${c}, p.id, g, 'Objective ' || g || ' of ' || p.name, case when p.id % 7 = 0 then 'draft' else 'approved' end from people p, generate_series(1, 2) g`.execute(
    db,
  );
  await sql`update objectives o set parent_objective_id = case
      when (p.id - 1) % 10 = 0 then (select id from objectives where cycle_id = ${c} and owner_id is null and position = 1 + p.id % 5)
      when p.id % 13 = 0 then null
      else (select m.id from objectives m where m.cycle_id = ${c} and m.owner_id = p.manager_id and m.position = 1) end
    from people p where o.owner_id = p.id and o.cycle_id = ${c}`.execute(db);
  await sql`insert into key_results (objective_id, position, title, kind, target_value, self_score, score)
    select o.id, g, 'Key result ' || g, 'numeric', 100, (o.id % 10) / 10.0, (o.id % 11) / 10.0 from objectives o, generate_series(1, 2) g where o.cycle_id = ${c}`.execute(
    db,
  );
  await sql`insert into tasks (cycle_id, person_id, kind, phase, round, batch_no, workflow_id, status, due_at, token_hash, completed_at)
    select ${c}, p.id, ${checkinKind.kind}, 'checkins', 1, 0, ${`${key}:checkin`}, 'completed', now() - interval '10 days', md5(${key} || '-ci' || p.id), now() - interval '10 days' from people p`.execute(
    db,
  );
  await sql`insert into checkins (task_id, cycle_id, person_id, week, confidence, values)
    select t.id, ${c}, t.person_id, 1, 1 + t.person_id % 10, '[]' from tasks t where t.cycle_id = ${c} and t.kind = ${checkinKind.kind}`.execute(db);
  await sql`update cycle_participants set score = (person_id % 11) / 10.0 where cycle_id = ${c}`.execute(db);
}

/** Every query one dashboard read sends, with its plan: which big tables it reads without an index. */
async function explainDashboard(url: string, deps: Parameters<typeof cycleDashboard>[0], key: string): Promise<string[]> {
  const captured: CompiledQuery[] = [];
  const took = new Map<CompiledQuery, number>();
  const pool = new pg.Pool({ connectionString: url, max: 2 });
  const db = new Kysely<DB>({
    dialect: new PostgresDialect({ pool }),
    log: (e) => {
      if (e.level !== 'query') return;
      captured.push(e.query);
      took.set(e.query, e.queryDurationMillis);
    },
  });
  await cycleDashboard({ ...deps, db }, key);
  const lines: string[] = [];
  for (const q of captured) {
    const { rows } = await pool.query(`explain (format json) ${q.sql}`, q.parameters as unknown[]);
    const plan = (rows[0] as { 'QUERY PLAN': { Plan: PlanNode }[] })['QUERY PLAN'][0]!.Plan;
    const seq = new Set<string>();
    const idx = new Set<string>();
    walk(plan, seq, idx);
    const bigSeq = [...seq].filter((t) => BIG_TABLES.has(t));
    const head = q.sql.replace(/\s+/g, ' ').slice(0, 70);
    lines.push(
      `${String(Math.round(took.get(q) ?? 0)).padStart(4)} ms ${bigSeq.length ? 'SEQ  ' : 'index'} ${head}…  ${idx.size ? `indexes: ${[...idx].join(', ')}` : ''}${bigSeq.length ? `  seq scan on ${bigSeq.join(', ')}` : ''}`,
    );
  }
  await db.destroy();
  return lines;
}

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  Plans?: PlanNode[];
}

function walk(node: PlanNode, seq: Set<string>, idx: Set<string>): void {
  if (node['Node Type'] === 'Seq Scan' && node['Relation Name']) seq.add(node['Relation Name']);
  if (node['Index Name']) idx.add(node['Index Name']);
  for (const child of node.Plans ?? []) walk(child, seq, idx);
}

export async function runConsoleBench(n: number, runs = 40): Promise<void> {
  return withApiStack(
    'console',
    { key: BENCH_KEY, tokenSecret: 'bench-console-token-secret-0123456789abcdefghij' },
    async ({ stack, config, databaseUrl, client }) => {
      const db = stack.database.db;
      const t0 = performance.now();
      const { cycleKey, hrId } = await seed(db, n);
      console.log(`console bench: ${n.toLocaleString('en-US')} people seeded in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
      const { sessionToken } = await openSession(db, hrId, DEFAULT_SESSION_POLICY);
      const cookie = `${config.console.secureCookie ? '__Host-okr_console' : 'okr_console'}=${sessionToken}`;
      const app = stack.app!;
      const api = async (path: string) => app.request(path, { headers: { authorization: `Bearer ${BENCH_KEY}` } });
      const page = async (path: string) => app.request(path, { headers: { cookie } });
      const lines = [
        await timeRequests('dashboard JSON', runs, () => api(`/api/cycles/${cycleKey}/dashboard`)),
        await timeRequests('dashboard HTML', runs, () => page(`/console/cycles/${cycleKey}`)),
        await timeRequests('alignment tree JSON', Math.ceil(runs / 4), () => api(`/api/cycles/${cycleKey}/alignment-tree`)),
        await timeRequests('alignment tree HTML', Math.ceil(runs / 4), () => page(`/console/cycles/${cycleKey}/alignment`)),
        await timeRequests('people JSON', runs, () => api('/api/people')),
        await timeRequests('people HTML', runs, () => page('/console/people')),
        await timeRequests('objectives CSV export', Math.ceil(runs / 4), () => api(`/api/cycles/${cycleKey}/exports/objectives.csv`)),
        await timeRequests('objectives XLSX export', Math.ceil(runs / 4), () => api(`/api/cycles/${cycleKey}/exports/objectives.xlsx`)),
      ];
      for (const l of lines) console.log(`  ${l}`);

      const schedule = scheduleSchema.parse({ checkIns: { weeks: 13 } });
      const previews: number[] = [];
      let weeks = 0;
      for (let i = 0; i < 10; i++) {
        const s = performance.now();
        const p = await previewCycle(db, { key: 'bench-preview', title: 'Preview', startsOn: '2027-04-05', endsOn: '2027-06-30', schedule });
        previews.push(performance.now() - s);
        weeks = p.checkinWeeks.length;
      }
      previews.sort((a, b) => a - b);
      console.log(`  preview of a ${weeks}-week cycle for everyone    p50 ${percentile(previews, 50).toFixed(0)} ms   max ${previews.at(-1)!.toFixed(0)} ms`);

      console.log('  query plans of one dashboard read:');
      for (const l of await explainDashboard(databaseUrl, { db, client }, cycleKey)) console.log(`    ${l}`);
    },
  );
}

if (require.main === module) {
  const { values } = parseArgs({ options: { people: { type: 'string', default: '10000' }, runs: { type: 'string', default: '40' } } });
  runConsoleBench(Number(values.people), Number(values.runs)).then(
    () => process.exit(0),
    (error) => {
      console.error(error);
      process.exit(1);
    },
  );
}
