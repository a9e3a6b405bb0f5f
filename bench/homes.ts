/**
 * The personal homes' numbers (`npx tsx bench/homes.ts [--people 10000] [--runs 40]`): N people
 * seeded directly in PostgreSQL (teams of ten, two objectives of two key results each, aligned
 * to their manager's, 13 weeks of check-ins with values, confidence, a report and an execution
 * item each), then the server time of "Me" — the page and GET /api/me — and of "Company" as
 * p50 / p95 over repeated requests made in-process (`app.request`, no network), each request by
 * another person's session (so no answer is warm for its person). Prints numbers; asserts nothing.
 */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { type Kysely, sql } from 'kysely';
import { scheduleSchema } from '../contract';
import { DEFAULT_SESSION_POLICY, openSession } from '../core/sign-in';
import type { DB } from '../db/schema';
import { checkinKind } from '../kinds/checkin';
import { timeRequests, withApiStack } from './page-stack';

const BENCH_KEY = 'bench-homes-key-0123456789abcdefghijklmnopqrstuvw';
const TOKEN_SECRET = 'bench-homes-token-secret-0123456789abcdefghijk';
const WEEKS = 13;

export async function seedHomes(db: Kysely<DB>, n: number): Promise<string> {
  await sql`insert into people (email, name, department, roles, locale, time_zone)
    select 'p' || i || '@bench.example', 'Person ' || i, 'Department ' || (i % 20),
           case when i = 1 then array['hr','admin']::text[] when i % 10 = 1 then array['manager']::text[] else array['employee']::text[] end,
           case when i % 3 = 0 then 'zh-CN' else 'en' end, case when i % 2 = 0 then 'Asia/Shanghai' else null end
    from generate_series(1, ${n}) i`.execute(db);
  await sql`update people set manager_id = case when (id - 1) % 10 = 0 then (case when id = 1 then null else 1 end) else id - ((id - 1) % 10) end`.execute(db);
  const key = 'bench-homes';
  const cycle = await db
    .insertInto('cycles')
    .values({
      key,
      title: 'Homes bench',
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
  await sql`insert into objectives (cycle_id, owner_id, position, title, status) select ${c}, null, g, 'Company objective ' || g, 'approved' from generate_series(1, 5) g`.execute(
    db,
  );
  await sql`insert into objectives (cycle_id, owner_id, position, title, status)
    select ${c}, p.id, g, 'Objective ' || g || ' of ' || p.name, 'approved' from people p, generate_series(1, 2) g`.execute(db);
  await sql`update objectives o set parent_objective_id = case
      when (p.id - 1) % 10 = 0 then (select id from objectives where cycle_id = ${c} and owner_id is null and position = 1 + p.id % 5)
      else (select m.id from objectives m where m.cycle_id = ${c} and m.owner_id = p.manager_id and m.position = 1) end
    from people p where o.owner_id = p.id and o.cycle_id = ${c}`.execute(db);
  await sql`insert into key_results (objective_id, position, title, kind, start_value, target_value, current_value, confidence)
    select o.id, g, 'Key result ' || g, 'numeric', 0, 100, 50, 6 from objectives o, generate_series(1, 2) g where o.cycle_id = ${c}`.execute(db);
  await sql`insert into tasks (cycle_id, person_id, kind, phase, round, batch_no, workflow_id, status, due_at, token_hash, completed_at)
    select ${c}, p.id, ${checkinKind.kind}, 'checkins', w, 0, ${`okr-cycle:${key}:checkins:w`} || w || ':b0', 'completed',
           now() - (${WEEKS} - w) * interval '7 days' + interval '1 day', md5(${key} || p.id || '-' || w), now() - (${WEEKS} - w) * interval '7 days'
    from people p, generate_series(1, ${WEEKS}) w`.execute(db);
  await sql`insert into checkins (task_id, cycle_id, person_id, week, confidence, report, values)
    select t.id, ${c}, t.person_id, t.round, 1 + (t.person_id + t.round) % 10, 'Week ' || t.round || ' went fine',
           (select json_agg(json_build_object('keyResultId', kr.id, 'value', t.round * 7)) from key_results kr join objectives o on o.id = kr.objective_id
            where o.cycle_id = ${c} and o.owner_id = t.person_id)
    from tasks t where t.cycle_id = ${c} and t.kind = ${checkinKind.kind}`.execute(db);
  await sql`insert into execution_items (cycle_id, person_id, key_result_id, checkin_id, week, kind, title, status)
    select ${c}, ch.person_id,
           (select kr.id from key_results kr join objectives o on o.id = kr.objective_id where o.cycle_id = ${c} and o.owner_id = ch.person_id order by o.position, kr.position limit 1),
           ch.id, ch.week, 'task', 'Task of week ' || ch.week, 'in-progress'
    from checkins ch where ch.cycle_id = ${c}`.execute(db);
  await sql`analyze`.execute(db);
  return key;
}

export async function runHomesBench(n: number, runs = 40): Promise<void> {
  return withApiStack('homes', { key: BENCH_KEY, tokenSecret: TOKEN_SECRET }, async ({ stack }) => {
    const db = stack.database.db;
    const t0 = performance.now();
    const key = await seedHomes(db, n);
    const counts = await sql<{
      checkins: string;
      items: string;
    }>`select (select count(*) from checkins) as checkins, (select count(*) from execution_items) as items`.execute(db);
    console.log(
      `homes bench: ${n.toLocaleString('en-US')} people, ${Number(counts.rows[0]!.checkins).toLocaleString('en-US')} check-ins, ${Number(counts.rows[0]!.items).toLocaleString('en-US')} execution items seeded in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
    );
    // A session for each person measured (employees spread over the organisation), and a manager's.
    const ids = Array.from({ length: runs + 1 }, (_, i) => 2 + Math.floor((i * (n - 3)) / (runs + 1)));
    const cookies: string[] = [];
    for (const id of ids) cookies.push(`okr_console=${(await openSession(db, id, DEFAULT_SESSION_POLICY)).sessionToken}`);
    const app = stack.app!;
    const as = async (i: number, path: string) => app.request(path, { headers: { cookie: cookies[i % cookies.length]! } });
    const lines = [
      await timeRequests('Me HTML (/console/me)', runs, (i) => as(i, '/console/me')),
      await timeRequests('Me JSON (/api/me)', runs, (i) => as(i, '/api/me')),
      await timeRequests('check-ins JSON (own)', runs, (i) => as(i, `/api/people/p${ids[i % ids.length]}@bench.example/checkins`)),
      await timeRequests('Company JSON (/api/company)', Math.ceil(runs / 4), (i) => as(i, `/api/company?cycle=${key}`)),
      await timeRequests('Company HTML', Math.ceil(runs / 4), (i) => as(i, `/console/company?cycle=${key}`)),
    ];
    for (const l of lines) console.log(`  ${l}`);
  });
}

if (require.main === module) {
  const { values } = parseArgs({ options: { people: { type: 'string', default: '10000' }, runs: { type: 'string', default: '40' } } });
  runHomesBench(Number(values.people), Number(values.runs)).then(
    () => process.exit(0),
    (error) => {
      console.error(error);
      process.exit(1);
    },
  );
}
