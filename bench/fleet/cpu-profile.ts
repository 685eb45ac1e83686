/**
 * The top of a V8 `.cpuprofile` (node --cpu-prof): self time by function and by file, and the
 * project's own functions by inclusive time, so a slow fleet run says where its CPU went. A run
 * has phases (registration, the first drift-scan, the idle window): each is summarized apart, cut
 * by the samples' timestamps. V8 stamps samples with the monotonic clock in microseconds, the
 * clock of `process.hrtime`, so the bench marks its phases with `monotonicMicros()` in its own
 * process and the cut holds across processes.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

/** A span of the run, in the monotonic clock's microseconds. */
export interface Phase {
  name: string;
  fromUs: number;
  toUs: number;
}

export interface PhaseSummary {
  phase: string;
  /** CPU the thread spent in the phase (idle samples left out). */
  totalMs: number;
  byFunction: { name: string; ms: number; percent: number }[];
  byFile: { file: string; ms: number; percent: number }[];
  /** The project's own functions (not node_modules, not Node's), each sample counted once per function on its stack. */
  projectInclusive: { name: string; ms: number; percent: number }[];
}

export interface ProfileSummary {
  file: string;
  phases: PhaseSummary[];
}

export function monotonicMicros(): number {
  return Number(process.hrtime.bigint() / 1000n);
}

function shortUrl(url: string, root: string): string {
  const u = url.replace(/^file:\/\//, '').replace(root, '.');
  const nm = u.lastIndexOf('node_modules/');
  return nm >= 0 ? u.slice(nm + 'node_modules/'.length) : u || '(native/vm)';
}

function isProjectUrl(url: string, root: string): boolean {
  return url.startsWith(`file://${root}/`) && !url.includes('/node_modules/');
}

function top(
  map: Map<string, number>,
  total: number,
  n: number,
): { key: string; ms: number; percent: number }[] {
  return [...map.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([key, us]) => ({ key, ms: Math.round(us / 1000), percent: Math.round((us / total) * 1000) / 10 }));
}

const add = (map: Map<string, number>, key: string, us: number) => map.set(key, (map.get(key) ?? 0) + us);

class PhaseTally {
  readonly fnTime = new Map<string, number>();
  readonly fileTime = new Map<string, number>();
  readonly projectTime = new Map<string, number>();
  total = 0;

  summary(phase: string, n: number): PhaseSummary {
    const rows = (map: Map<string, number>) => top(map, this.total, n);
    return {
      phase,
      totalMs: Math.round(this.total / 1000),
      byFunction: rows(this.fnTime).map(({ key, ms, percent }) => ({ name: key, ms, percent })),
      byFile: rows(this.fileTime).map(({ key, ms, percent }) => ({ file: key, ms, percent })),
      projectInclusive: rows(this.projectTime).map(({ key, ms, percent }) => ({ name: key, ms, percent })),
    };
  }
}

/** One profile cut into phases; a run without phases is one phase, `all`. */
export function summarizeProfile(profile: CpuProfile, root: string, phases: Phase[], n = 20): PhaseSummary[] {
  const cuts = phases.length ? phases : [{ name: 'all', fromUs: -Infinity, toUs: Infinity }];
  const tallies = cuts.map(() => new PhaseTally());
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const nameOf = (frame: ProfileNode['callFrame']) =>
    `${frame.functionName || '(anonymous)'} ${shortUrl(frame.url, root)}:${frame.lineNumber + 1}`;

  let at = profile.startTime;
  profile.samples.forEach((id, i) => {
    const us = profile.timeDeltas[i] ?? 0;
    at += us;
    const frame = byId.get(id)?.callFrame;
    // Idle time is not CPU spent.
    if (!frame || frame.functionName === '(idle)') return;
    const cut = cuts.findIndex((p) => at >= p.fromUs && at < p.toUs);
    const tally = tallies[cut];
    if (!tally) return;
    tally.total += us;
    add(tally.fnTime, nameOf(frame), us);
    add(tally.fileTime, frame.url ? shortUrl(frame.url, root) : `(${frame.functionName})`, us);
    const seen = new Set<string>();
    for (let node: number | undefined = id; node !== undefined; node = parent.get(node)) {
      const f = byId.get(node)?.callFrame;
      if (!f || !isProjectUrl(f.url, root)) continue;
      const name = nameOf(f);
      if (seen.has(name)) continue;
      seen.add(name);
      add(tally.projectTime, name, us);
    }
  });
  return cuts.map((p, i) => tallies[i]!.summary(p.name, n)).filter((s) => s.totalMs > 0);
}

export async function summarizeProfiles(
  dir: string,
  root: string,
  phases: Phase[] = [],
  n = 20,
): Promise<ProfileSummary[]> {
  const files = (await readdir(dir).catch(() => [])).filter((f) => f.endsWith('.cpuprofile'));
  const out: ProfileSummary[] = [];
  for (const file of files) {
    const profile = JSON.parse(await readFile(join(dir, file), 'utf8')) as CpuProfile;
    const summaries = summarizeProfile(profile, root, phases, n);
    if (summaries.length) out.push({ file, phases: summaries });
  }
  const busiest = (s: ProfileSummary) => s.phases.reduce((sum, p) => sum + p.totalMs, 0);
  return out.sort((a, b) => busiest(b) - busiest(a));
}
