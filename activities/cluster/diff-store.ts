/**
 * Stored diffs of apps: the full per-object diff stays on the worker's disk (next to the rendered
 * manifests, `<manifest store>/diffs/<key>.json`, mode 0600) and only its key travels through
 * Temporal. Secret values are masked before a diff is made, so none is ever written here.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ObjectRef } from '../../contract/object-ref.js';
import { writeFileAtomic } from '../render/atomic-write.js';
import { defaultCacheDir } from '../render/manifest-store.js';
import { formatRef } from '../../contract/object-ref.js';
import type { DiffAction } from '../../core/diff/diff.js';

export interface StoredObjectDiff extends ObjectRef {
  action: DiffAction;
  diff: string;
}

export interface StoredDiff {
  app: string;
  manifestKey: string;
  /** Changed objects only (create / update / delete), in plan order. */
  objects: StoredObjectDiff[];
  unchanged: number;
  warnings: string[];
}

const KEY = /^[0-9a-f]{64}$/;

/** The diff directory of a manifest store directory (default: the worker's). */
export function diffDir(manifestDir: string = join(defaultCacheDir(), 'manifests')): string {
  return join(manifestDir, 'diffs');
}

/** Writes a diff and returns its key (the sha256 of its content). */
export async function storeDiff(dir: string, diff: StoredDiff): Promise<string> {
  const content = JSON.stringify(diff);
  const key = createHash('sha256').update(content).digest('hex');
  await writeFileAtomic(join(dir, `${key}.json`), content);
  return key;
}

/**
 * Reads a stored diff by key, or undefined when this machine does not hold it.
 * @param dir the diff directory; @default diffDir() of `$MOORING_CACHE`
 */
export async function readStoredDiff(key: string, dir: string = diffDir()): Promise<StoredDiff | undefined> {
  if (!KEY.test(key)) throw new TypeError(`Invalid diff key "${key.slice(0, 80)}": expected 64 lowercase hexadecimal characters`);
  try {
    return JSON.parse(await readFile(join(dir, `${key}.json`), 'utf8')) as StoredDiff;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/** The readable text of a diff: one section per changed object, then a summary line. */
export function formatDiff(diff: StoredDiff): string {
  const sections = diff.objects.map((o) => `=== ${o.action} ${formatRef(o)}\n${o.diff}`);
  const counts = (['create', 'update', 'delete'] as const).map((a) => `${diff.objects.filter((o) => o.action === a).length} to ${a}`);
  return [...sections, ...diff.warnings.map((w) => `warning: ${w}`), `${counts.join(', ')}, ${diff.unchanged} unchanged`].join('\n');
}
