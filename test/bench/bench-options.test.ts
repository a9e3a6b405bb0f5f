/** `npm run bench` flags, parsed by node:util parseArgs: defaults, each flag, and clear refusals. */
import { describe, expect, it } from 'vitest';
import { PARTS, UsageError, parseOptions } from '../../bench/options';

describe('bench options', () => {
  it('has the documented defaults', () => {
    expect(parseOptions([])).toEqual({
      sizes: [10_000],
      parts: new Set(PARTS),
      concurrency: 50,
      completions: undefined,
      batchSize: 250,
      smtpMaxConnections: 5,
      workers: 1,
      childEnv: {},
      serverConfig: {},
      profile: false,
      keep: false,
      launchTimeoutS: undefined,
    });
  });

  it('reads every flag, in both spellings (--flag value and --flag=value)', () => {
    const o = parseOptions([
      '--people',
      '2000',
      '--parts=launch,completions',
      '--concurrency',
      '20',
      '--completions=500',
      '--batch-size',
      '100',
      '--smtp-connections',
      '3',
      '--env',
      'A=1',
      '--env=B=x=y',
      '--server-config',
      'limit.x=2',
      '--profile',
      '--keep',
      '--launch-timeout',
      '90',
      '--worker-flags=--max-old-space-size=512  --max-semi-space-size=32',
    ]);
    expect(o).toEqual({
      sizes: [2000],
      parts: new Set(['launch', 'completions']),
      concurrency: 20,
      completions: 500,
      batchSize: 100,
      smtpMaxConnections: 3,
      workers: 1,
      childEnv: { A: '1', B: 'x=y' },
      serverConfig: { 'limit.x': '2' },
      profile: true,
      keep: true,
      launchTimeoutS: 90,
      workerFlags: ['--max-old-space-size=512', '--max-semi-space-size=32'],
    });
    // "" runs the workers with no flags (the default V8 heap); left out, they get npm run worker's.
    expect((parseOptions(['--worker-flags=']) as { workerFlags?: string[] }).workerFlags).toEqual([]);
    expect((parseOptions([]) as { workerFlags?: string[] }).workerFlags).toBeUndefined();
  });

  it('--sizes overrides --people; -h and --help ask for the usage', () => {
    expect(parseOptions(['--people', '5', '--sizes', '1_000,5000']) as { sizes: number[] }).toMatchObject({ sizes: [1000, 5000] });
    expect(parseOptions(['-h'])).toBe('help');
    expect(parseOptions(['--help'])).toBe('help');
  });

  it('refuses what it cannot use, naming the flag', () => {
    const refused = (argv: string[]) => {
      try {
        parseOptions(argv);
      } catch (e) {
        expect(e).toBeInstanceOf(UsageError);
        return (e as Error).message;
      }
      throw new Error(`accepted ${argv.join(' ')}`);
    };
    expect(refused(['--people', 'many'])).toMatch(/--people needs a positive integer/);
    expect(refused(['--nope'])).toMatch(/--nope/);
    expect(refused(['--people'])).toMatch(/--people/);
    expect(refused(['--parts', 'launch,x'])).toMatch(/unknown part x/);
    expect(refused(['--parts', 'completions'])).toMatch(/completions needs launch/);
    expect(refused(['--batch-size', '5000'])).toMatch(/at most 1000/);
    expect(refused(['--env', 'NOEQUALS'])).toMatch(/KEY=VALUE/);
    expect(refused(['--server-config', '=1'])).toMatch(/--server-config needs KEY=VALUE/);
  });
});
