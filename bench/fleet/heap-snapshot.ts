/**
 * The top of a V8 `.heapsnapshot`: bytes and counts by node type and constructor (self sizes, the
 * nodes' own bytes), so an idle worker's memory says what holds it. Strings are grouped apart by
 * their first characters, which name what they are (JSON of a manifest, a path, a log line); only
 * prefixes shared by many strings are reported, so no single value (a token) reaches the results.
 */
import { readFile } from 'node:fs/promises';

interface Snapshot {
  snapshot: { meta: { node_fields: string[]; node_types: [string[], ...unknown[]] } };
  nodes: number[];
  strings: string[];
}

export interface HeapSummary {
  file: string;
  totalMB: number;
  nodes: number;
  byConstructor: { name: string; type: string; count: number; MB: number }[];
  stringsByPrefix: { prefix: string; count: number; MB: number }[];
}

/** Strings reported by prefix only when at least this many share it. */
const MIN_SHARED = 50;

const MB = (bytes: number) => Math.round((bytes / 2 ** 20) * 10) / 10;

export async function summarizeHeapSnapshot(file: string, n = 25): Promise<HeapSummary> {
  const snap = JSON.parse(await readFile(file, 'utf8')) as Snapshot;
  const fields = snap.snapshot.meta.node_fields;
  const types = snap.snapshot.meta.node_types[0];
  const width = fields.length;
  const [typeAt, nameAt, sizeAt] = ['type', 'name', 'self_size'].map((f) => fields.indexOf(f)) as [
    number,
    number,
    number,
  ];
  const groups = new Map<string, { name: string; type: string; count: number; bytes: number }>();
  const strings = new Map<string, { count: number; bytes: number }>();
  let total = 0;
  for (let i = 0; i < snap.nodes.length; i += width) {
    const type = types[snap.nodes[i + typeAt] ?? 0] ?? '?';
    const name = snap.strings[snap.nodes[i + nameAt] ?? 0] ?? '?';
    const bytes = snap.nodes[i + sizeAt] ?? 0;
    total += bytes;
    const key = type === 'string' || type === 'concatenated string' || type === 'sliced string' ? type : name;
    const group = groups.get(`${type}\u0000${key}`) ?? { name: key, type, count: 0, bytes: 0 };
    group.count += 1;
    group.bytes += bytes;
    groups.set(`${type}\u0000${key}`, group);
    if (type === 'string') {
      const prefix = name.slice(0, 16).replace(/\s+/g, ' ');
      const s = strings.get(prefix) ?? { count: 0, bytes: 0 };
      s.count += 1;
      s.bytes += bytes;
      strings.set(prefix, s);
    }
  }
  const top = <T extends { bytes: number }>(m: Iterable<T>) =>
    [...m].sort((a, b) => b.bytes - a.bytes).slice(0, n);
  return {
    file,
    totalMB: MB(total),
    nodes: snap.nodes.length / width,
    byConstructor: top(groups.values()).map((g) => ({
      name: g.name,
      type: g.type,
      count: g.count,
      MB: MB(g.bytes),
    })),
    stringsByPrefix: top(
      [...strings].filter(([, s]) => s.count >= MIN_SHARED).map(([prefix, s]) => ({ prefix, ...s })),
    ).map((s) => ({
      prefix: s.prefix,
      count: s.count,
      MB: MB(s.bytes),
    })),
  };
}
