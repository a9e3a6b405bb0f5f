/**
 * Child processes of the bench (Temporal server, API, worker) and what /proc says about them:
 * peak resident memory (VmHWM, plus VmRSS sampled every 200 ms) and CPU time (utime + stime).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync, readdirSync } from 'node:fs';
import { isHurried, onCleanup, onExitSync } from './cleanup';
import { freePort } from '../runtime/ports';

const CLOCK_TICKS = 100; // USER_HZ on Linux

export interface ProcStats {
  /** VmHWM: the kernel's peak resident set size, bytes. */
  peakRss: number;
  /** Largest VmRSS seen by the 200 ms sampler, bytes. */
  sampledPeakRss: number;
  rss: number;
  /** User + system CPU seconds since the process started. */
  cpuSeconds: number;
}

export function readProcStats(pid: number): ProcStats | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0) * 1024;
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may contain spaces) start at ") ".
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const utime = Number(fields[11]);
    const stime = Number(fields[12]);
    return { peakRss: kb('VmHWM'), sampledPeakRss: kb('VmRSS'), rss: kb('VmRSS'), cpuSeconds: (utime + stime) / CLOCK_TICKS };
  } catch {
    return undefined;
  }
}

/** Busy and total CPU seconds of the whole machine (all cores), from /proc/stat. */
export function machineCpu(): { busy: number; total: number } {
  const line = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]!;
  const v = line.trim().split(/\s+/).slice(1).map(Number);
  const idle = (v[3] ?? 0) + (v[4] ?? 0);
  const total = v.reduce((a, b) => a + b, 0);
  return { busy: (total - idle) / CLOCK_TICKS, total: total / CLOCK_TICKS };
}

export interface Child {
  name: string;
  pid: number;
  process: ChildProcess;
  logFile: string;
  /** Latest stats, sampled every 200 ms while the child lives. */
  stats(): ProcStats | undefined;
  exited: Promise<number | null>;
  /** SIGTERM, then SIGKILL after `graceMs`. */
  stop(graceMs?: number): Promise<void>;
}

export interface SpawnOptions {
  name: string;
  command: string;
  args: string[];
  env: NodeJS.ProcessEnv;
  cwd?: string;
  logFile: string;
  graceMs?: number;
  /** Open an IPC channel (child.process.send / 'message'). */
  ipc?: boolean;
}

/**
 * Starts a child in its own process group (so a terminal Ctrl-C reaches only the bench, which
 * stops the children in order), output to a log file, RSS/CPU sampled every 200 ms.
 */
export function spawnChild(options: SpawnOptions): Child {
  const fd = openSync(options.logFile, 'a');
  const child = spawn(options.command, options.args, {
    cwd: options.cwd,
    env: options.env,
    stdio: options.ipc ? ['ignore', fd, fd, 'ipc'] : ['ignore', fd, fd],
    detached: true,
  });
  closeSync(fd);
  if (child.pid === undefined) throw new Error(`could not start ${options.name} (${options.command})`);
  const pid = child.pid;
  let alive = true;
  const exited = new Promise<number | null>((resolve) => {
    child.once('exit', (code, signal) => {
      alive = false;
      resolve(code ?? (signal ? 128 : null));
    });
    child.once('error', () => {
      alive = false;
      resolve(null);
    });
  });
  let last: ProcStats | undefined;
  let sampledPeak = 0;
  const sample = () => {
    const s = readProcStats(pid);
    if (!s) return;
    sampledPeak = Math.max(sampledPeak, s.rss);
    last = { ...s, sampledPeakRss: sampledPeak };
  };
  sample();
  const timer = setInterval(sample, 200);
  timer.unref();
  void exited.then(() => clearInterval(timer));

  const removeExitHook = onExitSync(() => {
    if (alive) process.kill(pid, 'SIGKILL');
  });
  let stopping: Promise<void> | undefined;
  const stop = (graceMs = options.graceMs ?? 15_000) => {
    stopping ??= (async () => {
      if (alive) {
        sample();
        try {
          process.kill(pid, isHurried() ? 'SIGKILL' : 'SIGTERM');
        } catch {
          // already gone
        }
        const killer = setTimeout(() => {
          if (alive) process.kill(pid, 'SIGKILL');
        }, graceMs);
        await exited;
        clearTimeout(killer);
      }
      removeExitHook();
    })();
    return stopping;
  };
  const removeCleanup = onCleanup(`stop ${options.name}`, () => stop());
  void exited.then(() => removeCleanup());
  return {
    name: options.name,
    pid,
    process: child,
    logFile: options.logFile,
    stats: () => {
      if (alive) sample();
      return last;
    },
    exited,
    stop: async (graceMs?: number) => {
      await stop(graceMs);
      removeCleanup();
    },
  };
}

export { freePort };

/** The last lines of a child's log, for error messages. */
export function tailOf(file: string, lines = 15): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

/** PostgreSQL backend processes serving `database` (their title is "postgres: … <user> <database> …"). */
function backendsOf(database: string): number[] {
  const pids: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const title = readFileSync(`/proc/${name}/cmdline`, 'utf8');
      if (title.startsWith('postgres: ') && title.split(' ').includes(database)) pids.push(Number(name));
    } catch {
      // gone
    }
  }
  return pids;
}

/**
 * CPU seconds used by the PostgreSQL backends of one database while it runs: sampled every
 * 500 ms, each backend counted from when it was first seen (new connections from zero).
 */
export function trackPostgresCpu(database: string): { stop(): number } {
  const first = new Map<number, number>();
  const last = new Map<number, number>();
  let initial = true;
  const sample = () => {
    for (const pid of backendsOf(database)) {
      const cpu = readProcStats(pid)?.cpuSeconds;
      if (cpu === undefined) continue;
      if (!first.has(pid)) first.set(pid, initial ? cpu : 0);
      last.set(pid, cpu);
    }
    initial = false;
  };
  sample();
  const timer = setInterval(sample, 500);
  return {
    stop() {
      sample();
      clearInterval(timer);
      let total = 0;
      for (const [pid, cpu] of last) total += cpu - (first.get(pid) ?? 0);
      return total;
    },
  };
}
