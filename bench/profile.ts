/**
 * Summarises a V8 .cpuprofile (from --cpu-prof): self time by area (npm package, project folder,
 * Node internals, GC, idle) and the top functions. Also usable alone:
 *   npx tsx bench/profile.ts path/to/worker.cpuprofile
 */
import { readFileSync } from 'node:fs';
import { relative, resolve } from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const ROOT = resolve(__dirname, '..');

function area(url: string, fn: string): string {
  if (!url) return fn.startsWith('(') ? fn : '(native)';
  const nm = url.lastIndexOf('node_modules/');
  if (nm >= 0) {
    const parts = url.slice(nm + 'node_modules/'.length).split('/');
    return parts[0]!.startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0]!;
  }
  if (url.startsWith('node:')) return 'node internals';
  const path = url.startsWith('file://') ? decodeURIComponent(url.slice('file://'.length)) : url;
  const rel = relative(ROOT, path);
  if (!rel.startsWith('..')) return `app: ${rel.split('/')[0]}/`;
  return url;
}

function place(url: string, line: number): string {
  if (!url) return '';
  const nm = url.lastIndexOf('node_modules/');
  const short = nm >= 0 ? url.slice(nm + 'node_modules/'.length) : url.startsWith('file://') ? relative(ROOT, decodeURIComponent(url.slice(7))) : url;
  return `${short}:${line + 1}`;
}

export interface ProfileSummary {
  totalMs: number;
  /** Sampled time not idle. */
  busyMs: number;
  areas: { name: string; ms: number }[];
  functions: { name: string; ms: number }[];
}

export function summarizeProfile(file: string): ProfileSummary {
  const p = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  for (let i = 0; i < p.samples.length; i++) {
    const id = p.samples[i]!;
    self.set(id, (self.get(id) ?? 0) + (p.timeDeltas[i + 1] ?? 0));
  }
  const areas = new Map<string, number>();
  const fns = new Map<string, number>();
  let total = 0;
  for (const [id, us] of self) {
    const n = byId.get(id)!;
    const { functionName, url, lineNumber } = n.callFrame;
    const a = area(url, functionName);
    areas.set(a, (areas.get(a) ?? 0) + us);
    const key = `${functionName || '(anonymous)'}  ${place(url, lineNumber)}`.trim();
    fns.set(key, (fns.get(key) ?? 0) + us);
    total += us;
  }
  const sorted = (m: Map<string, number>) => [...m].map(([name, us]) => ({ name, ms: us / 1000 })).sort((a, b) => b.ms - a.ms);
  const idle = areas.get('(idle)') ?? 0;
  return { totalMs: total / 1000, busyMs: (total - idle) / 1000, areas: sorted(areas), functions: sorted(fns) };
}

export function formatProfile(title: string, s: ProfileSummary, top = 15): string {
  const busy = s.busyMs;
  const pct = (ms: number) => `${((ms / Math.max(1, busy)) * 100).toFixed(1).padStart(5)} %`;
  const lines = [`${title}: ${(s.totalMs / 1000).toFixed(1)} s sampled, ${(busy / 1000).toFixed(1)} s on CPU (self time, share of on-CPU)`];
  lines.push('  by area:');
  for (const a of s.areas.filter((a) => a.name !== '(idle)').slice(0, 12)) lines.push(`    ${pct(a.ms)}  ${(a.ms / 1000).toFixed(2).padStart(7)} s  ${a.name}`);
  lines.push('  top functions:');
  for (const f of s.functions.filter((f) => !f.name.startsWith('(idle)')).slice(0, top))
    lines.push(`    ${pct(f.ms)}  ${(f.ms / 1000).toFixed(2).padStart(7)} s  ${f.name}`);
  return lines.join('\n');
}

if (require.main === module) {
  const files = process.argv.slice(2);
  if (!files.length) {
    console.error('usage: npx tsx bench/profile.ts FILE.cpuprofile…');
    process.exit(2);
  }
  for (const f of files) console.log(formatProfile(f, summarizeProfile(f), 25));
}
