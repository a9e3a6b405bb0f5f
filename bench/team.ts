/**
 * "My team" and "My department" at N people (`tsx bench/team.ts [--people 10000] [--runs 40]`):
 * people seeded directly in PostgreSQL — blocks of ten (the first of each block manages the other
 * nine, block heads report to person 1, so person 1 has N/10 direct reports), 20 departments with
 * one ambassador each, a cycle in scoring with two objectives of two key results per person, 13
 * weeks of completed check-ins, open self-scores and the block heads' open calibrations — then the
 * server time of each page and its JSON as p50 / p95 over repeated in-process requests (My team
 * shows 100 reports a page, so person 1's page is the first hundred of their N/10)
 * (`app.request`, no network). Prints numbers; asserts nothing.
 */
import { parseArgs } from 'node:util';
import { type Kysely, sql } from 'kysely';
import { scheduleSchema } from '../contract';
import { DEFAULT_SESSION_POLICY, openSession } from '../core/sign-in';
import type { DB } from '../db/schema';
import { calibrateKind } from '../kinds/score';
import { checkinKind } from '../kinds/checkin';
import { timeRequests, withApiStack } from './page-stack';

const KEY = 'bench-team-key-0123456789abcdefghijklmnopqrstuvw';
const SECRET = 'bench-team-token-secret-0123456789abcdefghijk';
const WEEKS = 13;
const DEPARTMENTS = 20;

async function seed(db: Kysely<DB>, n: number): Promise<string> {
  await sql`insert into people (email, name, department, roles, locale)
    select 'p' || i || '@bench.example', 'Person ' || i, 'Department ' || (i % ${DEPARTMENTS}),
           case when i = 1 then array['hr','admin']::text[]
                when i <= ${DEPARTMENTS + 1} and i % 10 <> 1 then array['ambassador']::text[]
                when i % 10 = 1 then array['manager']::text[] else array['employee']::text[] end,
           case when i % 3 = 0 then 'zh-CN' else 'en' end
    from generate_series(1, ${n}) i`.execute(db);
  await sql`update people set manager_id = case when (id - 1) % 10 = 0 then (case when id = 1 then null else 1 end) else id - ((id - 1) % 10) end`.execute(db);
  const key = 'bench-team';
  const cycle = await db
    .insertInto('cycles')
    .values({
      key,
      title: 'Team bench',
      starts_on: '2027-01-04',
      ends_on: '2027-03-31',
      schedule: JSON.stringify(scheduleSchema.parse({})),
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
  await sql`insert into objectives (cycle_id, owner_id, position, title, status)
    select ${c}, p.id, g, 'Objective ' || g || ' of ' || p.name, 'approved' from people p, generate_series(1, 2) g`.execute(db);
  await sql`insert into key_results (objective_id, position, title, kind, start_value, target_value, current_value, confidence, self_score)
    select o.id, g, 'Key result ' || g, 'numeric', 0, 100, (o.id % 100), 1 + o.id % 10, case when o.owner_id % 3 = 0 then null else (o.id % 10) / 10.0 end
    from objectives o, generate_series(1, 2) g where o.cycle_id = ${c}`.execute(db);
  await sql`insert into tasks (cycle_id, person_id, kind, phase, round, batch_no, workflow_id, status, due_at, token_hash, completed_at)
    select ${c}, p.id, ${checkinKind.kind}, 'checkins', w, 0, ${`${key}:checkin`}, case when (p.id + w) % 7 = 0 then 'expired' else 'completed' end,
           now() - (${WEEKS + 1} - w) * interval '7 days', md5(${key} || p.id || '-' || w), case when (p.id + w) % 7 = 0 then null else now() - (${WEEKS + 1} - w) * interval '7 days' end
    from people p, generate_series(1, ${WEEKS}) w`.execute(db);
  await sql`insert into checkins (task_id, cycle_id, person_id, week, confidence, values)
    select t.id, ${c}, t.person_id, t.round, 1 + (t.person_id + t.round) % 10, '[]' from tasks t where t.cycle_id = ${c} and t.kind = ${checkinKind.kind} and t.status = 'completed'`.execute(
    db,
  );
  // Scoring: a third have self-scored (then their manager calibrates), the others are behind.
  await sql`insert into tasks (cycle_id, person_id, kind, phase, round, batch_no, workflow_id, status, due_at, token_hash, completed_at)
    select ${c}, p.id, 'self-score', 'scoring', 1, 0, ${`${key}:scoring`}, case when p.id % 3 = 0 then 'open' else 'completed' end,
           now() + interval '2 days', md5(${key} || 'ss' || p.id), case when p.id % 3 = 0 then null else now() end from people p`.execute(db);
  await sql`insert into tasks (cycle_id, person_id, subject_person_id, kind, phase, round, batch_no, workflow_id, status, due_at, token_hash)
    select ${c}, p.manager_id, p.id, ${calibrateKind.kind}, 'scoring', 1, 0, ${`${key}:scoring`}, 'open', now() + interval '4 days', md5(${key} || 'cal' || p.id)
    from people p where p.manager_id is not null and p.id % 3 <> 0`.execute(db);
  await sql`analyze`.execute(db);
  return key;
}

export async function runTeamBench(n: number, runs = 40): Promise<void> {
  return withApiStack('team', { key: KEY, tokenSecret: SECRET }, async ({ stack }) => {
    const db = stack.database.db;
    const t0 = performance.now();
    const cycle = await seed(db, n);
    const tasks = await db
      .selectFrom('tasks')
      .select(sql<string>`count(*)`.as('n'))
      .executeTakeFirstOrThrow();
    console.log(
      `team bench: ${n.toLocaleString('en-US')} people, ${WEEKS} check-in weeks, ${Number(tasks.n).toLocaleString('en-US')} tasks seeded in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
    );
    const app = stack.app!;
    const cookieOf = async (personId: number) => `okr_console=${(await openSession(db, personId, DEFAULT_SESSION_POLICY)).sessionToken}`;
    const as = (cookie: string) => async (path: string) => app.request(path, { headers: { cookie } });
    const head = as(await cookieOf(11)); // a block head: 9 direct reports
    const top = as(await cookieOf(1)); // HR, and the manager of every block head
    const ambassador = as(await cookieOf(2)); // Department 2
    const q = `cycle=${cycle}`;
    const lines = [
      await timeRequests('My team HTML (9 reports)', runs, () => head(`/console/team?${q}`)),
      await timeRequests('My team JSON (9 reports)', runs, () => head(`/api/team?${q}`)),
      await timeRequests('calibration grid HTML (6 calibrations)', runs, () => head(`/console/team/calibrate?${q}`)),
      await timeRequests(`My team HTML (${Math.floor(n / 10) - 1} reports)`, Math.ceil(runs / 4), () => top(`/console/team?${q}`)),
      await timeRequests(`My team JSON (${Math.floor(n / 10) - 1} reports)`, Math.ceil(runs / 4), () => top(`/api/team?${q}`)),
      await timeRequests(`calibration grid HTML (first 50 of ${Math.floor(((n / 10) * 2) / 3)})`, runs, () => top(`/console/team/calibrate?${q}`)),
      await timeRequests(`My department HTML (${n / DEPARTMENTS} people)`, runs, () => ambassador(`/console/department?${q}`)),
      await timeRequests(`My department JSON (${n / DEPARTMENTS} people)`, runs, () => ambassador(`/api/departments/Department%202?${q}`)),
    ];
    for (const l of lines) console.log(`  ${l}`);
  });
}

if (require.main === module) {
  const { values } = parseArgs({ options: { people: { type: 'string', default: '10000' }, runs: { type: 'string', default: '40' } } });
  runTeamBench(Number(values.people), Number(values.runs)).then(
    () => process.exit(0),
    (error) => {
      console.error(error);
      process.exit(1);
    },
  );
}
