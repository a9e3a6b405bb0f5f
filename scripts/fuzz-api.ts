/**
 * `npx tsx scripts/fuzz-api.ts [--admin-url URL] [-- schemathesis options]`: fuzzes the HTTP API
 * from its own OpenAPI document with schemathesis, on the real parts — a fresh PostgreSQL
 * database, a local Temporal dev server, the built-in mail catcher — all on loopback, with a
 * small organisation and a running cycle seeded first so that paths with a real key exist.
 *
 * The run fails (exit code 1) on any 5xx answer, any status or content type the document does
 * not list, and any other failed check; `.ci/run` runs it after the tests.
 * Needs `schemathesis` (PyPI) and the `temporal` CLI on PATH; removes its database afterwards.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { loadConfig } from '../config';
import { createLogger } from '../runtime/logger';
import { startStack } from '../runtime/stack';
import { freePort } from '../runtime/ports';

/**
 * The checks that gate CI: no 5xx, every status, content type and header documented, response
 * bodies as described, 405 with Allow. Not gated: whether a schema-valid request may still be
 * refused (cross-field rules such as endsOn after startsOn cannot be written in JSON Schema);
 * add `--checks all` to see those.
 */
export const FUZZ_CHECKS = [
  'not_a_server_error',
  'status_code_conformance',
  'content_type_conformance',
  'response_schema_conformance',
  'response_headers_conformance',
  'unsupported_method',
  'allow_header_conformance',
];

async function admin(url: string, statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    options: {
      'admin-url': { type: 'string', default: 'postgres://postgres@127.0.0.1:5432/postgres' },
      'max-time': { type: 'string', default: '240' },
      'log-level': { type: 'string', default: 'silent' },
    },
    allowPositionals: true,
  });
  const adminUrl = values['admin-url']!;
  const dbName = `okr_fuzz_${randomBytes(5).toString('hex')}`;
  await admin(adminUrl, `create database ${dbName}`);
  const databaseUrl = new URL(adminUrl);
  databaseUrl.pathname = `/${dbName}`;
  const dataDir = mkdtempSync(join(tmpdir(), 'okr-fuzz-'));
  const apiKey = `fuzz_${randomBytes(24).toString('base64url')}`;
  const tokenSecret = randomBytes(32).toString('base64url');
  const [port, devPort, uiPort, mailboxPort] = [await freePort(), await freePort(), await freePort(), await freePort()];

  const config = loadConfig({
    HOST: '127.0.0.1',
    PORT: String(port),
    PUBLIC_BASE_URL: `http://127.0.0.1:${port}`,
    DATA_DIR: dataDir,
    DATABASE_URL: databaseUrl.toString(),
    TEMPORAL_DEV_PORT: String(devPort),
    TEMPORAL_UI_PORT: String(uiPort),
    MAILBOX_PORT: String(mailboxPort),
    INBOUND_SMTP_PORT: '0',
    LOG_LEVEL: values['log-level'],
    BOOTSTRAP_API_KEY: apiKey,
    TOKEN_SECRET: tokenSecret,
  });
  const stack = await startStack({
    config,
    roles: { api: true, worker: true },
    secrets: { tokenSecret, bootstrapApiKey: apiKey },
    log: createLogger(config.logLevel),
  });
  try {
    const base = stack.apiUrl!;
    const call = async (path: string, body: unknown) => {
      const res = await fetch(`${base}${path}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      if (res.status >= 300) throw new Error(`seeding ${path}: ${res.status} ${await res.text()}`);
    };
    await call('/api/people', [
      { email: 'hr@fuzz.example', name: 'Hana HR', roles: ['hr', 'manager'] },
      { email: 'exec@fuzz.example', name: 'Eli Exec', roles: ['executive'], managerEmail: 'hr@fuzz.example' },
      { email: 'ana@fuzz.example', name: 'Ana', managerEmail: 'hr@fuzz.example' },
    ]);
    await call('/api/cycles', { key: 'fuzz', title: 'Fuzz', startsOn: '2027-01-04', endsOn: '2027-03-28' });

    const args = [
      'run',
      `${base}/openapi.json`,
      '--header',
      `Authorization: Bearer ${apiKey}`,
      '--checks',
      FUZZ_CHECKS.join(','),
      '--max-time',
      values['max-time']!,
      // One worker: with two, hypothesis's lambda-source parsing (ast.parse) is not thread-safe on
      // CPython 3.11 and crashes inside the fuzzer ("AST constructor recursion depth mismatch").
      '--workers',
      '1',
      '--request-timeout',
      '30',
      ...positionals,
    ];
    process.stdout.write(`schemathesis ${args.map((a) => (a.startsWith('Authorization') ? 'Authorization: Bearer …' : a)).join(' ')}\n`);
    return await new Promise<number>((resolve, reject) => {
      const child = spawn('schemathesis', args, { stdio: 'inherit' });
      child.once('error', reject);
      child.once('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
    });
  } finally {
    await stack.stop();
    await admin(adminUrl, `drop database if exists ${dbName} with (force)`).catch(() => {});
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : error);
    process.exit(1);
  },
);
