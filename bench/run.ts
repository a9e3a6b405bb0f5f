/**
 * `npm run bench`: the drafting launch of a cycle at scale, and its first check-in week's fan-out,
 * on this machine, against real parts —
 * a Temporal dev server (SQLite) the bench starts, a fresh PostgreSQL database, the API and the
 * worker as production runs them (two child processes, configured by environment variables), and
 * an SMTP sink on loopback that counts what it accepts. See docs/performance.md.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildWorkflowBundle } from '../runtime/worker';
import { BENCH_TOKEN_SECRET, type RunningApp, startApp } from './app';
import { runCheckIns } from './checkins';
import { installSignalHandlers, interrupted, onCleanup, runCleanups } from './cleanup';
import { runCompletionFloor } from './completion-floor';
import { pickLinks, runCompletions } from './completions';
import { runConsoleBench } from './console';
import { runHomesBench } from './homes';
import { runTeamBench } from './team';
import { type BenchDatabase, openBenchDatabase } from './database';
import { runFloor } from './floor';
import { type PhaseRound, cancelStages, executionSizes, launchBreakdown } from './history';
import { cpuSnapshot, cycleTitle, importPeople, personEmail, runLaunch } from './launch';
import { type BenchOptions, USAGE, UsageError, parseOptions } from './options';
import { formatProfile, summarizeProfile } from './profile';
import { runInterrupt } from './interrupt';
import { note } from './progress';
import { replayHistories } from './replay-check';
import { type SmtpSink, startSmtpSink } from './smtp-sink';
import { type SizeResult, renderTable } from './table';
import { type TemporalServer, startTemporalServer } from './temporal-server';

const databaseName = (url: string) => decodeURIComponent(new URL(url).pathname.slice(1));

async function runSize(o: BenchOptions, n: number, dir: string, bundlePath: string, sink: SmtpSink, runId: string): Promise<SizeResult> {
  const result: SizeResult = { n, batchSize: o.batchSize, errors: [], notes: [] };
  const sizeDir = join(dir, `n${n}`);
  mkdirSync(sizeDir, { recursive: true });
  const profileDir = o.profile ? join(sizeDir, 'profiles') : undefined;
  let database: BenchDatabase | undefined;
  let temporal: TemporalServer | undefined;
  let app: RunningApp | undefined;
  try {
    note(
      `\n== N = ${n.toLocaleString('en-US')} (TASK_BATCH_SIZE ${o.batchSize}, SMTP_MAX_CONNECTIONS ${o.smtpMaxConnections}, ${o.workers} worker${o.workers === 1 ? '' : 's'}); logs in ${sizeDir}`,
    );
    note('starting PostgreSQL database, Temporal dev server, API and worker…');
    database = await openBenchDatabase(4);
    temporal = await startTemporalServer(sizeDir, o.serverConfig);
    const t = temporal;
    app = await startApp(
      {
        dir: sizeDir,
        databaseUrl: database.url,
        temporalAddress: t.address,
        smtpPort: sink.port,
        taskQueue: `okr-bench-${runId}`,
        batchSize: o.batchSize,
        smtpMaxConnections: o.smtpMaxConnections,
        workers: o.workers,
        workflowBundlePath: bundlePath,
        extraEnv: o.childEnv,
        profileDir,
        workerFlags: o.workerFlags,
      },
      t.client,
    );
    const a = app;
    const workerStart = a.worker.stats()?.rss ?? 0;
    const apiStart = a.api.stats()?.rss ?? 0;
    const db = database.database.db;

    result.importSeconds = await importPeople(a, n);

    const cpu = () => cpuSnapshot({ worker: a.worker.stats, api: a.api.stats, temporal: t.child.stats });
    if (o.parts.has('launch')) {
      const timeoutS = o.launchTimeoutS ?? Math.round(120 + n / 20);
      result.launch = await runLaunch(a, sink, db, n, o.batchSize, runId, timeoutS, cpu, databaseName(database.url));
      try {
        result.breakdown = await launchBreakdown(t.client, result.launch.cycleKey, result.launch.batchCount, result.launch.t0Wall);
      } catch (error) {
        result.errors.push(`reading the launch's histories: ${(error as Error).message}`);
      }
    }

    if (o.parts.has('floor')) {
      result.floor = await runFloor(sink, sizeDir, databaseName(database.url), {
        databaseUrl: database.url,
        n,
        smtpPort: sink.port,
        maxConnections: Number(o.childEnv.SMTP_MAX_CONNECTIONS ?? o.smtpMaxConnections),
        publicBaseUrl: a.base,
        tokenSecret: BENCH_TOKEN_SECRET,
        from: o.childEnv.MAIL_FROM ?? 'OKR <okr@localhost>',
        emails: Array.from({ length: n }, (_, i) => personEmail(i)),
      });
      if (result.floor.recipients !== n) result.errors.push(`floor: the sink saw ${result.floor.recipients} of ${n} emails`);
    }

    if (o.parts.has('completions') && result.launch) {
      // Half of the tasks at most: the other half is for the floor, the same number of completions.
      const m = Math.min(Math.floor(n / 2), o.completions ?? Math.min(Math.floor(n / 2), 2_000));
      const { tokens, batches } = await pickLinks(db, result.launch.cycleKey, result.launch.phase, m);
      const floorLinks = await pickLinks(db, result.launch.cycleKey, result.launch.phase, m, m);
      result.launch.phase.raw?.clear();
      result.completions = await runCompletions(a.base, tokens, o.concurrency, db, result.launch.cycleKey, batches, cpu, databaseName(database.url));
      if (result.completions.firstFailure) result.notes.push(`completions: first non-200 answer: ${result.completions.firstFailure}`);
      const floorInput = { databaseUrl: database.url, poolSize: Number(o.childEnv.DATABASE_POOL_SIZE ?? 10) };
      result.completionFloor = await runCompletionFloor(
        sizeDir,
        floorInput,
        floorLinks.tokens,
        o.concurrency,
        db,
        result.launch.cycleKey,
        floorLinks.batches,
        databaseName(database.url),
      );
      if (result.completionFloor.firstFailure) result.errors.push(`completion floor: first non-200 answer: ${result.completionFloor.firstFailure}`);
    }
    if (o.parts.has('checkins') && result.launch) {
      result.launch.phase.raw?.clear();
      try {
        result.checkins = await runCheckIns({
          app: a,
          sink,
          db,
          client: t.client,
          cycleKey: result.launch.cycleKey,
          cycleTitle: cycleTitle(n),
          batchCount: result.launch.batchCount,
          cpu,
          databaseName: databaseName(database.url),
          timeoutS: o.launchTimeoutS ?? Math.round(120 + n / 20),
          waitS: Math.round(120 + n / 50),
        });
        if (result.checkins.recipients !== n)
          result.errors.push(`check-ins: the sink saw check-in emails for ${result.checkins.recipients} of ${n} participants`);
        if (result.checkins.other) {
          const top = result.checkins.otherSubjects.map(([subject, count]) => `${count}× ${JSON.stringify(subject)}`).join(', ');
          result.notes.push(`check-ins: ${result.checkins.other} other emails arrived during the fan-out (not counted), most often ${top}`);
        }
      } catch (error) {
        if (interrupted.aborted) throw error;
        result.errors.push(`check-ins: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    if (result.launch) {
      result.launch.phase.raw?.clear();
      // The batches the bench drove, for when the visibility list lags (all start with okr-cycle:<key>).
      const phases: PhaseRound[] = [{ phase: 'drafting', round: 1 }];
      if (o.parts.has('checkins')) phases.push({ phase: 'review', round: 1 }, { phase: 'checkins', round: 1 });
      const { list, via } = await executionSizes(t.client, result.launch.cycleKey, result.launch.batchCount, phases);
      const max = list.reduce((m, e) => (e.historyLength > m.historyLength ? e : m), list[0]!);
      if (max) result.history = { max, executions: list.length, via };
      note('replaying every execution of the cycle against the bundle…');
      try {
        result.replay = await replayHistories(
          t.client,
          list.map((e) => e.workflowId),
          bundlePath,
        );
        if (result.replay.failures.length) result.errors.push(`replay: ${result.replay.failures.slice(0, 3).join('; ')}`);
      } catch (error) {
        if (interrupted.aborted) throw error;
        result.errors.push(`replay: ${error instanceof Error ? error.message : String(error)}`);
      }
    }

    const w = a.worker.stats();
    const api = a.api.stats();
    result.rss = {
      workerPeak: Math.max(w?.peakRss ?? 0, w?.sampledPeakRss ?? 0),
      workerStart,
      apiPeak: Math.max(api?.peakRss ?? 0, api?.sampledPeakRss ?? 0),
      apiStart,
    };
    // Last, so that its second cycle counts in neither the peaks above nor the replayed executions.
    if (o.parts.has('interrupt')) {
      try {
        result.interrupt = await runInterrupt(a, sink, db, n, runId, o.launchTimeoutS ?? Math.round(120 + n / 20));
        if (Number.isNaN(result.interrupt.closedSeconds)) result.errors.push('interrupt: the cancelled cycle did not close within 60 s');
        result.cancelStages = await cancelStages(t.client, result.interrupt.cycleKey, Math.ceil(n / o.batchSize), result.interrupt.t0Wall);
        // Its executions replay too (the interrupted sends take their own workflow path).
        const { list } = await executionSizes(t.client, result.interrupt.cycleKey, Math.ceil(n / o.batchSize), [{ phase: 'drafting', round: 1 }]);
        const replayed = await replayHistories(
          t.client,
          list.map((e) => e.workflowId),
          bundlePath,
        );
        result.replay = {
          replayed: (result.replay?.replayed ?? 0) + replayed.replayed,
          failures: [...(result.replay?.failures ?? []), ...replayed.failures],
        };
        if (replayed.failures.length) result.errors.push(`replay (interrupt): ${replayed.failures.slice(0, 3).join('; ')}`);
      } catch (error) {
        if (interrupted.aborted) throw error;
        result.errors.push(`interrupt: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  } catch (error) {
    if (interrupted.aborted) throw error;
    result.errors.push(error instanceof Error ? error.message : String(error));
  } finally {
    note('stopping…');
    await app?.stop();
    await temporal?.stop();
    await database?.close();
  }
  if (profileDir) {
    for (const role of ['worker', 'api']) {
      const roleDir = join(profileDir, role);
      let files: string[] = [];
      try {
        files = readdirSync(roleDir).filter((f) => f.endsWith('.cpuprofile'));
      } catch {
        continue;
      }
      // The thread that did the work (the main thread; tsx's loader thread is nearly idle).
      const summaries = files.map((f) => ({ f, s: summarizeProfile(join(roleDir, f)) }));
      const busiest = summaries.sort((a, b) => b.s.busyMs - a.s.busyMs)[0];
      if (!busiest) continue;
      const text = formatProfile(`${role} (N = ${n}), ${busiest.f}`, busiest.s);
      writeFileSync(join(profileDir, `${role}.txt`), `${text}\n`);
      note(`\n${text}`);
    }
    note(`profiles: ${profileDir}`);
  }
  return result;
}

async function main(): Promise<number> {
  let o: BenchOptions;
  try {
    const parsed = parseOptions(process.argv.slice(2));
    if (parsed === 'help') {
      console.log(USAGE);
      return 0;
    }
    o = parsed;
  } catch (error) {
    if (error instanceof UsageError) {
      console.error(`${error.message}\n\n${USAGE}`);
      return 2;
    }
    throw error;
  }
  installSignalHandlers(() => {
    void runCleanups().finally(() => process.exit(130));
  });

  const dir = mkdtempSync(join(tmpdir(), 'okr-bench-'));
  onCleanup('remove temporary directory', () => {
    if (o.keep || o.profile) note(`kept ${dir}`);
    else rmSync(dir, { recursive: true, force: true });
  });
  const runId = randomBytes(3).toString('hex');
  const results: SizeResult[] = [];
  try {
    note('bundling the workflows once (the worker loads the bundle, as in production)…');
    const bundlePath = join(dir, 'workflow-bundle.js');
    writeFileSync(bundlePath, await buildWorkflowBundle());
    const sink = await startSmtpSink();
    onCleanup('close SMTP sink', () => sink.close());
    for (const n of o.sizes) {
      if (interrupted.aborted) break;
      results.push(await runSize(o, n, dir, bundlePath, sink, runId));
    }
  } finally {
    await runCleanups();
  }
  const header =
    `OKR bench — drafting launch${o.parts.has('checkins') ? ', check-in fan-out' : ''}; TASK_BATCH_SIZE ${o.batchSize}, SMTP_MAX_CONNECTIONS ${o.childEnv.SMTP_MAX_CONNECTIONS ?? o.smtpMaxConnections}, ` +
    `${o.workers} worker process${o.workers === 1 ? '' : 'es'}, completion concurrency ${o.concurrency}${
      Object.keys(o.childEnv).length
        ? `, env ${Object.entries(o.childEnv)
            .map(([k, v]) => `${k}=${v}`)
            .join(' ')}`
        : ''
    }; Temporal dev server ${
      Object.keys(o.serverConfig).length
        ? Object.entries(o.serverConfig)
            .map(([k, v]) => `${k}=${v}`)
            .join(' ')
        : 'without dynamic configuration'
    }`;
  console.log(renderTable(results, header));
  // The pages at 10,000 people, each on its own seeded database: the console's (BENCH_CONSOLE=0
  // skips), and the personal homes — Me and Company, My team and My department (BENCH_HOMES=0 skips).
  if (!interrupted.aborted && process.env.BENCH_CONSOLE !== '0') await runConsoleBench(10_000);
  if (!interrupted.aborted && process.env.BENCH_HOMES !== '0') await runHomesBench(10_000);
  if (!interrupted.aborted && process.env.BENCH_HOMES !== '0') await runTeamBench(10_000);
  return results.some((r) => r.errors.length) ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  async (error: unknown) => {
    if (!interrupted.aborted) console.error(error instanceof Error ? (error.stack ?? error.message) : error);
    await runCleanups();
    process.exit(interrupted.aborted ? 130 : 1);
  },
);
