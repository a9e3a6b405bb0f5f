/**
 * Static checks of the deployment files: docker-compose.yml, Dockerfile, .dockerignore,
 * .env.example, deploy/docker-entrypoint.sh, scripts/healthcheck-worker.cjs and
 * docs/deployment.md. Nothing here needs Docker; the two shell/node scripts are run directly.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { acceptedEnvVars, loadConfig, requireExternalServices } from '../../config/index';
import { npmWorkerFlags } from '../../bench/app';

const root = fileURLToPath(new URL('../../', import.meta.url));
const read = (path: string) => readFileSync(join(root, path), 'utf8');

// ---------------------------------------------------------------------------------------------
// docker-compose.yml

interface Healthcheck {
  test?: string | string[];
  disable?: boolean;
}
interface Service {
  image?: string;
  build?: unknown;
  command?: string | string[];
  entrypoint?: string | string[];
  environment?: Record<string, unknown> | string[];
  ports?: (string | number | { target: number; published?: string | number; host_ip?: string })[];
  depends_on?: string[] | Record<string, { condition?: string }>;
  healthcheck?: Healthcheck;
  restart?: string;
  container_name?: string;
  volumes?: (string | { type?: string; source?: string; target: string })[];
}
interface Compose {
  services: Record<string, Service>;
}

const composeText = read('docker-compose.yml');
const compose = parse(composeText, { merge: true }) as Compose;
const services = compose.services;
const serviceNames = Object.keys(services);
const service = (name: string): Service => {
  const s = services[name];
  if (!s) throw new Error(`docker-compose.yml has no service ${name}`);
  return s;
};

const APP_SERVICES = ['api', 'worker', 'migrate'] as const;
const EXTRA_APP_VARS = ['WORKER_HEARTBEAT_FILE', 'NODE_ENV'];

/** Environment of a service as name → value (values unresolved, `${…}` kept). */
function environment(s: Service): Record<string, string> {
  const env = s.environment ?? {};
  if (Array.isArray(env)) {
    return Object.fromEntries(
      env.map((entry) => {
        const eq = entry.indexOf('=');
        return eq === -1 ? [entry, ''] : [entry.slice(0, eq), entry.slice(eq + 1)];
      }),
    );
  }
  return Object.fromEntries(Object.entries(env).map(([k, v]) => [k, v === null ? '' : String(v)]));
}

function dependencies(s: Service): { target: string; condition: string }[] {
  const deps = s.depends_on ?? [];
  if (Array.isArray(deps)) return deps.map((target) => ({ target, condition: 'service_started' }));
  return Object.entries(deps).map(([target, d]) => ({ target, condition: d?.condition ?? 'service_started' }));
}

/** Replaces `${VAR:-default}` / `${VAR-default}` by the default; anything else unresolvable throws. */
function withDefaults(value: string): string {
  const resolved = value.replace(/(?<!\$)\$\{([A-Za-z_][A-Za-z0-9_]*):?-([^}]*)\}/g, (_m, _name, def: string) => def);
  if (/(?<!\$)\$\{?[A-Za-z_]/.test(resolved)) throw new Error(`cannot resolve ${value} without an environment`);
  return resolved;
}

/** Host ports a service publishes (fixed ones; a bare container port gets an ephemeral host port). */
function publishedHostPorts(s: Service): number[] {
  const out: number[] = [];
  for (const p of s.ports ?? []) {
    if (typeof p === 'object') {
      if (p.published !== undefined) out.push(...expandRange(withDefaults(String(p.published))));
      continue;
    }
    const spec = withDefaults(String(p)).replace(/\/(tcp|udp)$/, '');
    // [ip:]host:container — the IP may be IPv6 in brackets.
    const parts = spec.replace(/^\[[^\]]*\]:/, 'ip:').split(':');
    if (parts.length === 1) continue;
    const host = parts.length === 3 ? parts[1] : parts[0];
    if (host === undefined || host === '') continue;
    out.push(...expandRange(host));
  }
  return out;
}

function expandRange(spec: string): number[] {
  const [from, to] = spec.split('-').map(Number);
  if (from === undefined || !Number.isInteger(from)) throw new Error(`bad port ${spec}`);
  const last = to ?? from;
  return Array.from({ length: last - from + 1 }, (_, i) => from + i);
}

function healthcheckCommand(s: Service): string[] {
  const test = s.healthcheck?.test;
  if (test === undefined) return [];
  return typeof test === 'string' ? ['CMD-SHELL', test] : test;
}

/** Services that others wait for to *finish*: the one-shot jobs. */
const oneShot = new Set(
  serviceNames.flatMap((name) =>
    dependencies(service(name))
      .filter((d) => d.condition === 'service_completed_successfully')
      .map((d) => d.target),
  ),
);
const longRunning = serviceNames.filter((name) => !oneShot.has(name));

describe('docker-compose.yml', () => {
  it('defines the expected services', () => {
    for (const name of ['postgres', 'temporal', 'temporal-ui', 'mailpit', 'api', 'worker', 'migrate']) {
      expect(serviceNames, `service ${name}`).toContain(name);
    }
    expect(serviceNames).toContain('temporal-admin-tools');
    expect(serviceNames).toContain('temporal-create-namespace');
  });

  it('resolves the YAML anchors and merge keys (no literal "<<" left)', () => {
    expect(composeText).toMatch(/^x-app-env: &app-env$/m);
    for (const name of serviceNames) {
      expect(Object.keys(service(name)), name).not.toContain('<<');
      expect(Object.keys(environment(service(name))), name).not.toContain('<<');
    }
  });

  it('configures the app services only with variables from config/index.ts (plus a small allow-list)', () => {
    const allowed = new Set<string>([...acceptedEnvVars, ...EXTRA_APP_VARS]);
    for (const name of APP_SERVICES) {
      const keys = Object.keys(environment(service(name)));
      expect(keys.length, `${name} has an environment`).toBeGreaterThan(5);
      const unknown = keys.filter((k) => !allowed.has(k));
      expect(unknown, `${name}: variables not in envSchema`).toEqual([]);
    }
  });

  it('gives the app services everything a production process requires', () => {
    for (const name of APP_SERVICES) {
      const env = environment(service(name));
      for (const required of ['DATABASE_URL', 'TEMPORAL_ADDRESS', 'SMTP_URL', 'TOKEN_SECRET', 'BOOTSTRAP_API_KEY']) {
        expect(env[required], `${name}.${required}`).toBeTruthy();
      }
      expect(env.TOKEN_SECRET, `${name}: TOKEN_SECRET must be required, not defaulted`).toMatch(/^\$\{TOKEN_SECRET:\?/);
      expect(env.BOOTSTRAP_API_KEY).toMatch(/^\$\{BOOTSTRAP_API_KEY:\?/);
    }
    expect(environment(service('api')).HOST).toBe('0.0.0.0');
    expect(environment(service('worker')).WORKER_HEARTBEAT_FILE).toBe('/tmp/worker-heartbeat');
  });

  it('passes the configuration validation of config/index.ts once interpolated', () => {
    const secret = 'x'.repeat(40);
    // Every optional requirement switched on, whatever flags requireExternalServices grows.
    const needsEverything = new Proxy({}, { get: () => true }) as Parameters<typeof requireExternalServices>[1];
    for (const name of APP_SERVICES) {
      const env = Object.fromEntries(
        Object.entries(environment(service(name))).map(([k, v]) => [k, withDefaults(v.replace(/(?<!\$)\$\{[A-Za-z_][A-Za-z0-9_]*:?\?[^}]*\}/g, secret))]),
      );
      const config = loadConfig(env);
      expect(() => requireExternalServices(config, needsEverything), name).not.toThrow();
      expect(config.host, name).toBe('0.0.0.0');
      expect(config.database.url, name).toBe(`postgres://okr:${secret}@postgres:5432/okr`);
      expect(config.temporal.address, name).toBe('temporal:7233');
    }
  });

  it('points the app at hosts that are services of this file', () => {
    const env = environment(service('api'));
    const hosts = {
      DATABASE_URL: new URL(withDefaults(env.DATABASE_URL!.replace(/\$\{OKR_DB_PASSWORD:\?[^}]*\}/, 'x'))).hostname,
      SMTP_URL: new URL(withDefaults(env.SMTP_URL!)).hostname,
      TEMPORAL_ADDRESS: withDefaults(env.TEMPORAL_ADDRESS!).split(':')[0]!,
    };
    expect(hosts).toEqual({ DATABASE_URL: 'postgres', SMTP_URL: 'mailpit', TEMPORAL_ADDRESS: 'temporal' });
    for (const host of Object.values(hosts)) expect(serviceNames).toContain(host);
    expect(environment(service('temporal-create-namespace')).TEMPORAL_ADDRESS).toBe('temporal:7233');
    expect(environment(service('temporal-ui')).TEMPORAL_ADDRESS).toBe('temporal:7233');
  });

  it('builds api, worker and migrate from the same image and build', () => {
    const api = service('api');
    expect(api.build).toBeTruthy();
    expect(api.image).toBeTruthy();
    for (const name of ['worker', 'migrate']) {
      expect(service(name).image, name).toBe(api.image);
      expect(service(name).build, name).toEqual(api.build);
    }
    expect(api.build).toMatchObject({ context: '.', dockerfile: 'Dockerfile' });
  });

  it('runs api, worker and migrate with commands the image entry point handles', () => {
    const handled = entrypointCommands();
    expect(service('api').command).toEqual(['api']);
    expect(service('worker').command).toEqual(['worker']);
    expect(service('migrate').command).toEqual(['migrate']);
    for (const name of APP_SERVICES) expect(handled).toHaveProperty((service(name).command as string[])[0]!);
  });

  it('treats exactly the setup jobs as one-shot, and does not restart them', () => {
    expect([...oneShot].sort()).toEqual(['migrate', 'temporal-admin-tools', 'temporal-create-namespace']);
    for (const name of oneShot) expect([undefined, 'no'], `${name}.restart`).toContain(service(name).restart);
  });

  it('gives every long-running service a healthcheck', () => {
    expect(longRunning.sort()).toEqual(['api', 'mailpit', 'postgres', 'temporal', 'temporal-ui', 'worker']);
    for (const name of longRunning) {
      const s = service(name);
      expect(s.healthcheck, `${name}.healthcheck`).toBeDefined();
      expect(s.healthcheck?.disable, `${name}.healthcheck.disable`).not.toBe(true);
      const cmd = healthcheckCommand(s);
      expect(['CMD', 'CMD-SHELL'], `${name}.healthcheck.test`).toContain(cmd[0]);
      expect(cmd.length, `${name}.healthcheck.test`).toBeGreaterThan(1);
      expect(s.restart, `${name}.restart`).toBe('unless-stopped');
    }
  });

  it('checks api readiness on /readyz at the port it listens on', () => {
    const api = service('api');
    const port = environment(api).PORT;
    expect(port).toBe('3000');
    const cmd = healthcheckCommand(api).join(' ');
    expect(cmd).toContain(`http://127.0.0.1:${port}/readyz`);
    expect(cmd).toMatch(/process\.exit\(r\.ok\?0:1\)/);
  });

  it('checks the worker with the heartbeat script that exists and is copied into the image', () => {
    const cmd = healthcheckCommand(service('worker'));
    expect(cmd).toEqual(['CMD', 'node', '/app/scripts/healthcheck-worker.cjs']);
    expect(existsSync(join(root, 'scripts/healthcheck-worker.cjs'))).toBe(true);
    expect(runtimeStage().copies.map((c) => c.src)).toContain('scripts');
  });

  it('checks postgres readiness over TCP with pg_isready', () => {
    const cmd = healthcheckCommand(service('postgres'));
    expect(cmd.slice(0, 2)).toEqual(['CMD', 'pg_isready']);
    expect(cmd).toContain('127.0.0.1');
  });

  it('only depends on services that exist, with valid conditions, healthchecks where waited for, and no cycles', () => {
    const conditions = ['service_started', 'service_healthy', 'service_completed_successfully'];
    for (const name of serviceNames) {
      for (const dep of dependencies(service(name))) {
        expect(serviceNames, `${name} depends on ${dep.target}`).toContain(dep.target);
        expect(conditions, `${name} → ${dep.target}`).toContain(dep.condition);
        if (dep.condition === 'service_healthy') {
          expect(service(dep.target).healthcheck, `${dep.target} is waited for as healthy`).toBeDefined();
        }
      }
    }
    const visiting = new Set<string>();
    const done = new Set<string>();
    const visit = (name: string, path: string[]) => {
      if (done.has(name)) return;
      if (visiting.has(name)) throw new Error(`depends_on cycle: ${[...path, name].join(' → ')}`);
      visiting.add(name);
      for (const dep of dependencies(service(name))) visit(dep.target, [...path, name]);
      visiting.delete(name);
      done.add(name);
    };
    for (const name of serviceNames) visit(name, []);
  });

  it('starts the app only after migrations, namespace creation and the mail server', () => {
    for (const name of ['api', 'worker']) {
      const deps = Object.fromEntries(dependencies(service(name)).map((d) => [d.target, d.condition]));
      expect(deps, name).toMatchObject({
        migrate: 'service_completed_successfully',
        'temporal-create-namespace': 'service_completed_successfully',
        mailpit: 'service_healthy',
      });
    }
    expect(dependencies(service('temporal'))).toContainEqual({ target: 'temporal-admin-tools', condition: 'service_completed_successfully' });
    expect(dependencies(service('temporal-admin-tools'))).toContainEqual({ target: 'postgres', condition: 'service_healthy' });
    expect(dependencies(service('migrate'))).toContainEqual({ target: 'postgres', condition: 'service_healthy' });
  });

  it('publishes no host port twice', () => {
    const owners = new Map<number, string>();
    for (const name of serviceNames) {
      for (const port of publishedHostPorts(service(name))) {
        expect(owners.get(port), `host port ${port} published by ${owners.get(port)} and ${name}`).toBeUndefined();
        owners.set(port, name);
      }
    }
    expect(Object.fromEntries([...owners].map(([port, name]) => [name, port]))).toMatchObject({
      api: 3000,
      'temporal-ui': 8080,
      mailpit: 8025,
    });
  });

  it('lets the worker scale: no published ports and no fixed container name', () => {
    const worker = service('worker');
    expect(worker.ports ?? []).toEqual([]);
    expect(worker.container_name).toBeUndefined();
  });

  it('pins every image tag, with matching Temporal server and admin-tools versions', () => {
    for (const name of serviceNames) {
      const image = service(name).image;
      expect(image, `${name}.image`).toBeTruthy();
      const resolved = withDefaults(image!);
      const tag = /:([^/:]+)$/.exec(resolved)?.[1];
      expect(tag, `${name}: ${resolved} has a tag`).toBeTruthy();
      expect(tag, `${name}: ${resolved}`).not.toBe('latest');
    }
    const serverTag = service('temporal').image!.split(':')[1]!;
    expect(serverTag).toMatch(/^\d+\.\d+\.\d+$/);
    for (const name of ['temporal-admin-tools', 'temporal-create-namespace']) {
      const tag = service(name).image!.split(':')[1]!;
      expect(tag === serverTag || tag.startsWith(`${serverTag}-`), `${name} ${tag} matches server ${serverTag}`).toBe(true);
    }
  });

  it('gives the Temporal server and its schema job the same database settings', () => {
    const server = environment(service('temporal'));
    const job = environment(service('temporal-admin-tools'));
    for (const key of ['DB', 'DB_PORT', 'POSTGRES_SEEDS', 'POSTGRES_USER', 'POSTGRES_PWD', 'DBNAME', 'VISIBILITY_DBNAME']) {
      expect(server[key], `temporal.${key}`).toBeTruthy();
      expect(job[key], `temporal-admin-tools.${key}`).toBe(server[key]);
    }
    expect(server.DB).toBe('postgres12');
    expect(server.POSTGRES_SEEDS).toBe('postgres');
    const init = read('deploy/postgres-init/01-databases.sql');
    for (const db of [server.DBNAME!, server.VISIBILITY_DBNAME!, 'okr']) expect(init).toMatch(new RegExp(`CREATE DATABASE ${db} OWNER`));
    expect(init).toMatch(new RegExp(`CREATE ROLE ${server.POSTGRES_USER} LOGIN`));
  });

  it('mounts only files and folders that exist in the repository', () => {
    let mounts = 0;
    for (const name of serviceNames) {
      for (const v of service(name).volumes ?? []) {
        const source = typeof v === 'string' ? v.split(':')[0]! : (v.source ?? '');
        if (!source.startsWith('./')) continue;
        mounts++;
        expect(existsSync(join(root, source)), `${name} mounts ${source}`).toBe(true);
      }
    }
    expect(mounts).toBeGreaterThanOrEqual(2);
    const schemaJob = service('temporal-admin-tools');
    const scriptMount = (schemaJob.volumes ?? []).find((v) => typeof v === 'string' && v.startsWith('./deploy/temporal/setup-schema.sh:'));
    expect(scriptMount, 'setup-schema.sh is mounted').toBeDefined();
    const target = (scriptMount as string).split(':')[1]!;
    expect(schemaJob.entrypoint).toEqual(['/bin/bash', target]);
  });
});

// ---------------------------------------------------------------------------------------------
// .env.example

describe('.env.example', () => {
  const example = read('.env.example');
  const listed = new Map<string, { commented: boolean; value: string }>();
  for (const line of example.split('\n')) {
    const m = /^(#\s*)?([A-Z_][A-Z0-9_]*)=(.*)$/.exec(line.trim());
    if (m) listed.set(m[2]!, { commented: Boolean(m[1]), value: m[3]! });
  }
  const uncommented = composeText
    .split('\n')
    .filter((line) => !line.trim().startsWith('#'))
    .join('\n');
  const required = new Set([...uncommented.matchAll(/(?<!\$)\$\{([A-Za-z_][A-Za-z0-9_]*):?\?[^}]*\}/g)].map((m) => m[1]!));
  const interpolated = new Set([...uncommented.matchAll(/(?<!\$)\$\{([A-Za-z_][A-Za-z0-9_]*)/g)].map((m) => m[1]!));

  it('lists every required ${VAR:?…} of docker-compose.yml, uncommented and without a value', () => {
    expect([...required].sort()).toEqual(['BOOTSTRAP_API_KEY', 'OKR_DB_PASSWORD', 'POSTGRES_PASSWORD', 'TEMPORAL_DB_PASSWORD', 'TOKEN_SECRET']);
    for (const name of required) {
      expect(listed.get(name), `${name} in .env.example`).toBeDefined();
      expect(listed.get(name)?.commented, `${name} must not be commented out`).toBe(false);
      expect(listed.get(name)?.value, `${name} must not ship a value`).toBe('');
    }
  });

  it('mentions every other variable docker-compose.yml interpolates', () => {
    expect(interpolated.size).toBeGreaterThan(required.size);
    for (const name of interpolated) expect(listed.has(name), `${name} in .env.example`).toBe(true);
  });
});

// ---------------------------------------------------------------------------------------------
// Dockerfile

interface Stage {
  name: string | undefined;
  base: string;
  lines: { op: string; rest: string }[];
  runs: string[];
  copies: { from: string | undefined; src: string; dest: string }[];
  env: Record<string, string>;
}

function parseDockerfile(text: string): Stage[] {
  const lines = text
    .replace(/\\\r?\n/g, ' ')
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
  const args: Record<string, string> = {};
  const stages: Stage[] = [];
  for (const line of lines) {
    const [, opRaw = '', rest = ''] = /^(\S+)\s*(.*)$/.exec(line) ?? [];
    const op = opRaw.toUpperCase();
    const stage = stages.at(-1);
    if (op === 'ARG' && !stage) {
      const [k, v = ''] = rest.split('=');
      args[k!.trim()] = v.trim();
      continue;
    }
    if (op === 'FROM') {
      const m = /^(?:--\S+\s+)*(\S+)(?:\s+AS\s+(\S+))?$/i.exec(rest);
      if (!m) throw new Error(`bad FROM ${rest}`);
      const base = m[1]!.replace(/\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?/g, (_x, k: string) => args[k] ?? `$${k}`);
      stages.push({ name: m[2], base, lines: [], runs: [], copies: [], env: {} });
      continue;
    }
    if (!stage) continue;
    stage.lines.push({ op, rest });
    if (op === 'RUN') stage.runs.push(rest);
    if (op === 'COPY') {
      const words = rest.split(/\s+/);
      const from = words.find((w) => w.startsWith('--from='))?.slice('--from='.length);
      const paths = words.filter((w) => !w.startsWith('--'));
      const dest = paths.pop()!;
      for (const src of paths) stage.copies.push({ from, src, dest });
    }
    if (op === 'ENV') {
      for (const m of rest.matchAll(/([A-Za-z_][A-Za-z0-9_]*)=("[^"]*"|\S+)/g)) stage.env[m[1]!] = m[2]!.replace(/^"|"$/g, '');
    }
  }
  return stages;
}

const stages = parseDockerfile(read('Dockerfile'));
function runtimeStage(): Stage {
  const last = stages.at(-1);
  if (!last) throw new Error('Dockerfile has no stage');
  return last;
}
const stageNamed = (name: string | undefined) => stages.find((s) => s.name === name);

/** Top-level folders holding application code (TypeScript or JavaScript): all must be in the image. */
function sourceFolders(): string[] {
  const skip = new Set(['node_modules', 'test', 'bench', 'docs', 'deploy', 'dist', 'coverage']);
  const hasTs = (dir: string): boolean =>
    readdirSync(dir, { withFileTypes: true }).some((e) =>
      e.isDirectory() ? hasTs(join(dir, e.name)) : /\.(ts|cjs|mjs|js)$/.test(e.name) && !e.name.endsWith('.d.ts'),
    );
  return readdirSync(root, { withFileTypes: true })
    .filter((e) => e.isDirectory() && !e.name.startsWith('.') && !skip.has(e.name))
    .map((e) => e.name)
    .filter((name) => hasTs(join(root, name)))
    .sort();
}

/** The node flags `npm run worker` passes before its script (the V8 heap bound). */
function workerNodeFlags(): string {
  const flags = npmWorkerFlags();
  expect(flags.join(' '), 'npm run worker passes --max-old-space-size').toMatch(/--max-old-space-size=\d+/);
  return flags.join(' ');
}

function entrypointCommands(): Record<string, string> {
  const script = read('deploy/docker-entrypoint.sh');
  const out: Record<string, string> = {};
  for (const m of script.matchAll(/^\s*([a-z][a-z:-]*)\)[^;]*?exec node (?:\$flags )?--import tsx (\S+)/gm)) out[m[1]!] = m[2]!;
  return out;
}

describe('Dockerfile', () => {
  it('builds every stage on node:20-bookworm-slim or an earlier stage', () => {
    expect(stages.length).toBeGreaterThanOrEqual(3);
    const names = new Set<string>();
    for (const s of stages) {
      expect(s.base === 'node:20-bookworm-slim' || names.has(s.base), `stage ${s.name} FROM ${s.base}`).toBe(true);
      if (s.name) names.add(s.name);
    }
  });

  it('runs the final stage as a non-root user', () => {
    const users = runtimeStage().lines.filter((l) => l.op === 'USER');
    expect(users.length, 'USER in the final stage').toBeGreaterThan(0);
    const user = users.at(-1)!.rest.split(':')[0]!;
    expect(['root', '0', '']).not.toContain(user);
    expect(user).toBe('node');
  });

  it('builds the workflow bundle in a build stage and points WORKFLOW_BUNDLE_PATH at the copied file', () => {
    const runtime = runtimeStage();
    const bundleRun = stages
      .slice(0, -1)
      .flatMap((s) => s.runs.map((run) => ({ stage: s, run })))
      .find(({ run }) => /npm run build:bundle\b/.test(run));
    expect(bundleRun, 'a non-final stage runs npm run build:bundle').toBeDefined();
    const output = /npm run build:bundle -- (\S+)/.exec(bundleRun!.run)?.[1];
    expect(output).toBe('/app/dist/workflow-bundle.js');
    expect(runtime.runs.join('\n')).not.toMatch(/build:bundle/);

    expect(runtime.env.WORKFLOW_BUNDLE_PATH).toBe(output);
    const copy = runtime.copies.find((c) => c.src === output);
    expect(copy, 'the final stage copies the bundle').toBeDefined();
    expect(copy!.from).toBe(bundleRun!.stage.name);
    expect(copy!.dest).toBe(output);
    expect(runtime.env.NODE_ENV).toBe('production');
    expect(runtime.env.HOST).toBe('0.0.0.0');
  });

  it('ships production dependencies only', () => {
    const runtime = runtimeStage();
    const nodeModules = runtime.copies.filter((c) => c.src.includes('node_modules'));
    const ownInstall = runtime.runs.some((r) => /npm ci\b.*--omit=dev/.test(r));
    expect(nodeModules.length === 1 || ownInstall, 'node_modules come from exactly one place').toBe(true);
    for (const c of nodeModules) {
      const from = stageNamed(c.from);
      expect(from, `node_modules copied from stage ${c.from}`).toBeDefined();
      const installs = from!.runs.filter((r) => /npm (ci|install)\b/.test(r));
      expect(installs.length).toBe(1);
      expect(installs[0]).toMatch(/npm ci\b.*--omit=dev/);
    }
    const pkg = JSON.parse(read('package.json')) as { dependencies: Record<string, string> };
    expect(pkg.dependencies, 'tsx runs the TypeScript at runtime').toHaveProperty('tsx');
  });

  it('copies every source folder into the build and the final stage', () => {
    const folders = [...new Set([...sourceFolders(), 'activities', 'api', 'config', 'contract', 'db', 'mail', 'runtime', 'scripts', 'workflows'])];
    const build = stages.find((s) => s.runs.some((r) => r.includes('build:bundle')))!;
    const copiedInto = (s: Stage) => [...stages.filter((x) => x.name === s.base), s].flatMap((x) => x.copies.filter((c) => !c.from).map((c) => c.src));
    for (const folder of folders) {
      expect(copiedInto(build), `build stage copies ${folder}`).toContain(folder);
      expect(copiedInto(runtimeStage()), `final stage copies ${folder}`).toContain(folder);
    }
    expect(runtimeStage().copies.map((c) => c.src)).toContain('tsconfig.json');
  });

  it('starts through deploy/docker-entrypoint.sh, which maps api/worker/migrate onto the npm scripts', () => {
    const runtime = runtimeStage();
    const entrypoint = runtime.lines.filter((l) => l.op === 'ENTRYPOINT').at(-1);
    expect(JSON.parse(entrypoint!.rest)).toEqual(['/bin/sh', '/app/deploy/docker-entrypoint.sh']);
    expect(runtime.copies).toContainEqual({ from: undefined, src: 'deploy/docker-entrypoint.sh', dest: './deploy/docker-entrypoint.sh' });
    expect(runtime.lines.find((l) => l.op === 'WORKDIR')?.rest).toBe('/app');

    const pkg = JSON.parse(read('package.json')) as { scripts: Record<string, string> };
    const commands = entrypointCommands();
    expect(commands).toEqual({ api: 'scripts/api.ts', worker: 'scripts/worker.ts', migrate: 'scripts/migrate.ts' });
    const npmScript = { api: 'api', worker: 'worker', migrate: 'db:migrate' } as const;
    for (const [command, file] of Object.entries(commands)) {
      // The worker's npm script also bounds its V8 heap; the entry point passes the same flags (checked below).
      const flags = command === 'worker' ? `${workerNodeFlags()} ` : '';
      expect(pkg.scripts[npmScript[command as keyof typeof npmScript]], command).toBe(`tsx ${flags}${file}`);
    }
  });
});

describe('.dockerignore', () => {
  const ignored = read('.dockerignore')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));

  it('keeps dependencies, local state, secrets and tests out of the build context', () => {
    for (const entry of ['node_modules', '.data', '.git', 'dist', 'coverage', 'test', 'bench', '.env']) {
      expect(ignored, entry).toContain(entry);
    }
  });

  it('does not ignore anything the Dockerfile copies from the context', () => {
    const copied = stages.flatMap((s) => s.copies.filter((c) => !c.from).map((c) => c.src));
    for (const src of copied) {
      const top = src.split('/')[0]!;
      expect(ignored, `${src} is copied`).not.toContain(top);
      expect(ignored, `${src} is copied`).not.toContain(src);
    }
  });
});

// ---------------------------------------------------------------------------------------------
// Scripts run inside the containers

const scratch = mkdtempSync(join(tmpdir(), 'okr-deploy-test-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('scripts/healthcheck-worker.cjs', () => {
  const script = join(root, 'scripts/healthcheck-worker.cjs');
  const run = (heartbeat: string, args: string[] = []) =>
    spawnSync(process.execPath, [script, ...args], {
      env: { PATH: process.env.PATH, WORKER_HEARTBEAT_FILE: heartbeat },
      encoding: 'utf8',
    });
  const linux = process.platform === 'linux';

  it.runIf(linux)('passes with a fresh heartbeat', () => {
    const file = join(scratch, 'fresh');
    writeFileSync(file, '');
    const result = run(file);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
  });

  it.runIf(linux)('fails when the heartbeat is older than 60 s, unless the limit is raised', () => {
    const file = join(scratch, 'stale');
    writeFileSync(file, '');
    const twoMinutesAgo = new Date(Date.now() - 120_000);
    utimesSync(file, twoMinutesAgo, twoMinutesAgo);
    const result = run(file);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/heartbeat .* is 12\d s old \(limit 60 s\)/);
    expect(run(file, ['--max-age-seconds=300']).status).toBe(0);
  });

  it.runIf(linux)('fails when there is no heartbeat file', () => {
    const result = run(join(scratch, 'missing'));
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/no heartbeat file .*ENOENT/);
  });

  it('defaults to the heartbeat file that docker-compose.yml gives the worker', () => {
    expect(read('scripts/healthcheck-worker.cjs')).toContain(`'${environment(service('worker')).WORKER_HEARTBEAT_FILE}'`);
  });
});

describe('deploy/docker-entrypoint.sh', () => {
  // A stand-in `node` that prints its arguments and working directory instead of starting the app.
  const fakeBin = join(scratch, 'bin');
  const run = (args: string[]) =>
    spawnSync('sh', [join(root, 'deploy/docker-entrypoint.sh'), ...args], {
      cwd: tmpdir(),
      env: { PATH: `${fakeBin}:${process.env.PATH}` },
      encoding: 'utf8',
    });

  it('execs node with the tsx loader on the script of each command, from the app root', () => {
    rmSync(fakeBin, { recursive: true, force: true });
    mkdirSync(fakeBin, { recursive: true });
    writeFileSync(join(fakeBin, 'node'), '#!/bin/sh\necho "$(pwd) node $*"\n');
    chmodSync(join(fakeBin, 'node'), 0o755);
    const appRoot = root.replace(/\/$/, '');
    expect(run(['api']).stdout.trim()).toBe(`${appRoot} node --import tsx scripts/api.ts`);
    expect(run(['worker', '--flag']).stdout.trim()).toBe(`${appRoot} node ${workerNodeFlags()} --import tsx scripts/worker.ts --flag`);
    expect(run(['migrate']).stdout.trim()).toBe(`${appRoot} node --import tsx scripts/migrate.ts`);
    expect(run([]).stdout.trim()).toBe(`${appRoot} node --import tsx scripts/api.ts`);
  });

  it('runs any other command as given', () => {
    const result = run(['echo', 'hello', 'world']);
    expect(result.status).toBe(0);
    expect(result.stdout).toBe('hello world\n');
  });

  it('is executable in the repository', () => {
    expect(statSync(join(root, 'deploy/docker-entrypoint.sh')).mode & 0o111).not.toBe(0);
  });
});

// ---------------------------------------------------------------------------------------------
// docs/deployment.md

describe('docs/deployment.md', () => {
  const docs = read('docs/deployment.md');

  it('documents every accepted environment variable in a table row', () => {
    for (const name of [...acceptedEnvVars, 'WORKER_HEARTBEAT_FILE']) {
      expect(docs, name).toMatch(new RegExp(`^\\| \`${name}\` \\|`, 'm'));
    }
  });

  it('marks the production requirements as required', () => {
    for (const name of ['DATABASE_URL', 'TEMPORAL_ADDRESS', 'SMTP_URL', 'TOKEN_SECRET', 'BOOTSTRAP_API_KEY']) {
      expect(docs, name).toMatch(new RegExp(`^\\| \`${name}\` \\|[^\\n]*\\*\\*required\\*\\*`, 'm'));
    }
  });

  it('covers scaling, secured Temporal, upgrades and backups', () => {
    for (const needle of ['--scale worker=3', 'TEMPORAL_TLS_CERT_PATH', 'TEMPORAL_API_KEY', 'patched(', 'pg_dump', 'every 15 s']) {
      expect(docs).toContain(needle);
    }
  });
});
