import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
}

const IDLE = new Set(['(idle)', '(program)', '(garbage collector)']);

function where(url: string): string {
  return url
    .replace(/^file:\/\//, '')
    .replace(/.*\/node_modules\//, 'node_modules/')
    .replace(/.*\/dist\//, 'dist/');
}

/** A package (node_modules/x, @scope/x), our own file (dist/…), or node's internals. */
function moduleOf(url: string): string {
  const w = where(url);
  const pkg = /^node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(w);
  if (pkg) return pkg[1];
  if (w.startsWith('dist/')) return w;
  return w.startsWith('node:') ? 'node:' + w.slice(5).split('/')[0] : w || '(native)';
}

/**
 * Where the server spent its CPU (idle time left out) across the .cpuprofile files in `dir`:
 * the functions with the most self time, then packages/files by inclusive time.
 */
export function topFunctions(dir: string, count: number): string[] {
  const self = new Map<string, number>();
  const inclusive = new Map<string, number>();
  let busy = 0;
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.cpuprofile'))) {
    const profile = JSON.parse(readFileSync(join(dir, file), 'utf8')) as CpuProfile;
    const byId = new Map(profile.nodes.map((n) => [n.id, n]));
    const parent = new Map<number, number>();
    for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
    for (const sample of profile.samples) {
      const leaf = byId.get(sample)!;
      if (IDLE.has(leaf.callFrame.functionName)) continue;
      busy++;
      const { functionName, url, lineNumber } = leaf.callFrame;
      const key = `${functionName || '(anonymous)'} ${where(url)}:${lineNumber + 1}`;
      self.set(key, (self.get(key) ?? 0) + 1);
      const seen = new Set<string>();
      for (let id: number | undefined = sample; id !== undefined; id = parent.get(id)) {
        const m = moduleOf(byId.get(id)!.callFrame.url);
        if (!seen.has(m)) {
          seen.add(m);
          inclusive.set(m, (inclusive.get(m) ?? 0) + 1);
        }
      }
    }
  }
  const pct = (n: number) => `${((n / Math.max(1, busy)) * 100).toFixed(1).padStart(5)} %`;
  return [
    `busy samples: ${busy} (idle left out)`,
    'self time:',
    ...[...self.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, count)
      .map(([k, n]) => `${pct(n)}  ${k}`),
    'inclusive time by package / file:',
    ...[...inclusive.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, count)
      .map(([k, n]) => `${pct(n)}  ${k}`),
  ];
}
