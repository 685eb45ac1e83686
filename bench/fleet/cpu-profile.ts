/**
 * The top of a V8 `.cpuprofile` (node --cpu-prof): self time by function and by file, so a slow
 * fleet run says where its CPU went.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}
interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

export interface ProfileSummary {
  file: string;
  totalMs: number;
  byFunction: { name: string; ms: number; percent: number }[];
  byFile: { file: string; ms: number; percent: number }[];
}

function shortUrl(url: string, root: string): string {
  const u = url.replace(/^file:\/\//, '').replace(root, '.');
  const nm = u.lastIndexOf('node_modules/');
  return nm >= 0 ? u.slice(nm + 'node_modules/'.length) : u || '(native/vm)';
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

export async function summarizeProfiles(dir: string, root: string, n = 20): Promise<ProfileSummary[]> {
  const files = (await readdir(dir).catch(() => [])).filter((f) => f.endsWith('.cpuprofile'));
  const out: ProfileSummary[] = [];
  for (const file of files) {
    const profile = JSON.parse(await readFile(join(dir, file), 'utf8')) as CpuProfile;
    const byId = new Map(profile.nodes.map((node) => [node.id, node]));
    const fnTime = new Map<string, number>();
    const fileTime = new Map<string, number>();
    let total = 0;
    profile.samples.forEach((id, i) => {
      const us = profile.timeDeltas[i] ?? 0;
      const frame = byId.get(id)?.callFrame;
      // Idle time is not CPU spent.
      if (!frame || frame.functionName === '(idle)') return;
      const where = shortUrl(frame.url, root);
      const name = `${frame.functionName || '(anonymous)'} ${where}:${frame.lineNumber + 1}`;
      fnTime.set(name, (fnTime.get(name) ?? 0) + us);
      const fileKey = frame.url ? where : `(${frame.functionName})`;
      fileTime.set(fileKey, (fileTime.get(fileKey) ?? 0) + us);
      total += us;
    });
    if (total === 0) continue;
    out.push({
      file,
      totalMs: Math.round(total / 1000),
      byFunction: top(fnTime, total, n).map(({ key, ms, percent }) => ({ name: key, ms, percent })),
      byFile: top(fileTime, total, n).map(({ key, ms, percent }) => ({ file: key, ms, percent })),
    });
  }
  return out.sort((a, b) => b.totalMs - a.totalMs);
}
