#!/usr/bin/env node
/**
 * Container healthcheck for the Temporal worker (`node scripts/healthcheck-worker.cjs`).
 *
 * The worker has no HTTP port (so it can be scaled freely); instead, while it is running it
 * touches a heartbeat file every 15 seconds. This check passes when
 *   1. /proc/1/status exists and PID 1 is neither a zombie nor dead, and
 *   2. the heartbeat file (WORKER_HEARTBEAT_FILE, default /tmp/worker-heartbeat) was modified
 *      within the last 60 seconds (override: `--max-age-seconds=N`).
 * Exit code 0 = healthy, 1 = unhealthy; the reason goes to stderr (shown by `docker inspect`).
 *
 * Plain CommonJS without dependencies, so it starts fast and needs no TypeScript loader.
 */
'use strict';

const fs = require('node:fs');

const DEFAULT_HEARTBEAT_FILE = '/tmp/worker-heartbeat';
const DEFAULT_MAX_AGE_SECONDS = 60;

function maxAgeSeconds(argv) {
  const arg = argv.find((a) => a.startsWith('--max-age-seconds='));
  if (!arg) return DEFAULT_MAX_AGE_SECONDS;
  const value = Number(arg.slice('--max-age-seconds='.length));
  if (!Number.isFinite(value) || value <= 0) throw new Error(`invalid ${arg}`);
  return value;
}

/** Returns undefined when healthy, otherwise the reason. */
function check({ heartbeatFile, maxAgeMs, now }) {
  let status;
  try {
    status = fs.readFileSync('/proc/1/status', 'utf8');
  } catch (err) {
    return `cannot read /proc/1/status: ${err.message}`;
  }
  const state = /^State:\s*(\S)/m.exec(status);
  if (state && (state[1] === 'Z' || state[1] === 'X')) return `PID 1 is in state ${state[1]}`;

  let mtimeMs;
  try {
    mtimeMs = fs.statSync(heartbeatFile).mtimeMs;
  } catch (err) {
    return `no heartbeat file ${heartbeatFile}: ${err.code ?? err.message}`;
  }
  const ageMs = now - mtimeMs;
  if (ageMs > maxAgeMs) {
    return `heartbeat ${heartbeatFile} is ${Math.round(ageMs / 1000)} s old (limit ${maxAgeMs / 1000} s)`;
  }
  return undefined;
}

try {
  const heartbeatFile = process.env.WORKER_HEARTBEAT_FILE || DEFAULT_HEARTBEAT_FILE;
  const problem = check({ heartbeatFile, maxAgeMs: maxAgeSeconds(process.argv.slice(2)) * 1000, now: Date.now() });
  if (problem) {
    process.stderr.write(`unhealthy: ${problem}\n`);
    process.exit(1);
  }
  process.exit(0);
} catch (err) {
  process.stderr.write(`unhealthy: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
}
