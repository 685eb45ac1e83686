/**
 * Stored diffs of apps: the full per-object diff stays on the worker's disk (next to the rendered
 * manifests, `<manifest store>/diffs/<key>.json`, mode 0600); its key and its readable text,
 * capped at MAX_DIFF_TEXT_BYTES, travel through Temporal. Secret values are masked before a diff
 * is made, so none is ever written here or sent. Stored diffs are a cache (limits:
 * `activities/cache/limits.ts`, cache `diffs`), evicted least recently used first.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ObjectRef } from '../../contract/object-ref.js';
import { writeFileAtomic } from '../render/atomic-write.js';
import { sharedCacheDir, touch, type CacheDir } from '../cache/cache-dir.js';
import type { CacheLimits } from '../cache/limits.js';
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

const ENTRY = /^[0-9a-f]{64}\.json$/;

/**
 * The size limit and eviction of the diffs in `dir` (one per directory and process; `options`
 * count only on the first call for a directory).
 */
export function diffCache(
  dir: string,
  options: { limits?: Partial<CacheLimits>; sweepIntervalMs?: number } = {},
): CacheDir {
  return sharedCacheDir({ name: 'diffs', dirs: [dir], isEntry: (name) => ENTRY.test(name), ...options });
}

/** Writes a diff and returns its key (the sha256 of its content). */
export async function storeDiff(dir: string, diff: StoredDiff): Promise<string> {
  const content = JSON.stringify(diff);
  const key = createHash('sha256').update(content).digest('hex');
  const file = join(dir, `${key}.json`);
  await writeFileAtomic(file, content);
  diffCache(dir).noteWrite(file);
  return key;
}

/**
 * Reads a stored diff by key, or undefined when this machine does not hold it (another agent
 * replica made it, or it was evicted: `mooring app diff` makes a new one).
 * @param dir the diff directory; @default diffDir() of `$MOORING_CACHE`
 */
export async function readStoredDiff(key: string, dir: string = diffDir()): Promise<StoredDiff | undefined> {
  if (!KEY.test(key))
    throw new TypeError(
      `Invalid diff key "${key.slice(0, 80)}": expected 64 lowercase hexadecimal characters`,
    );
  const file = join(dir, `${key}.json`);
  try {
    const diff = JSON.parse(await readFile(file, 'utf8')) as StoredDiff;
    await touch(file);
    return diff;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/** Most bytes of diff text an activity result carries (`DiffApplicationResult.text`). */
export const MAX_DIFF_TEXT_BYTES = 256 * 1024;

/** The readable text of a diff: one section per changed object, then a summary line. */
export function formatDiff(diff: StoredDiff): string {
  return formatDiffCapped(diff, Infinity).text;
}

/**
 * {@link formatDiff} in at most about `maxBytes` (UTF-8): whole sections while they fit, then as
 * many whole lines of the next one as fit, then a line saying the text is truncated and how many
 * changed objects it leaves out. The warnings and the summary line are always kept. Object diffs
 * are made from Secret-masked objects, so no Secret value can appear here.
 */
export function formatDiffCapped(diff: StoredDiff, maxBytes: number): { text: string; truncated: boolean } {
  const counts = (['create', 'update', 'delete'] as const).map(
    (a) => `${diff.objects.filter((o) => o.action === a).length} to ${a}`,
  );
  const tail = [
    ...diff.warnings.map((w) => `warning: ${w}`),
    `${counts.join(', ')}, ${diff.unchanged} unchanged`,
  ];
  const sections = diff.objects.map((o) => `=== ${o.action} ${formatRef(o)}\n${o.diff}`);
  const full = [...sections, ...tail].join('\n');
  if (Buffer.byteLength(full) <= maxBytes) return { text: full, truncated: false };

  // Room for the sections: the budget less the tail and the truncation note (its counts take a few digits).
  let room =
    maxBytes -
    Buffer.byteLength(tail.join('\n')) -
    Buffer.byteLength(truncationNote(diff.objects.length, diff.objects.length, maxBytes, true)) -
    2;
  const shown: string[] = [];
  let cut = false;
  for (const section of sections) {
    const size = Buffer.byteLength(section) + 1;
    if (size <= room) {
      shown.push(section);
      room -= size;
      continue;
    }
    const lines = fittingLines(section, room);
    if (lines) {
      shown.push(lines);
      cut = true;
    }
    break;
  }
  const left = diff.objects.length - shown.length;
  return {
    text: [...shown, truncationNote(left, diff.objects.length, maxBytes, cut), ...tail].join('\n'),
    truncated: true,
  };
}

/** The leading whole lines of `text` that fit in `room` bytes (with the newline that ends them), or "". */
function fittingLines(text: string, room: number): string {
  let end = 0;
  let used = 0;
  for (const line of text.split('\n')) {
    const size = Buffer.byteLength(line) + 1;
    if (used + size > room) break;
    used += size;
    end += line.length + 1;
  }
  return text.slice(0, Math.max(0, end - 1));
}

function truncationNote(notShown: number, total: number, maxBytes: number, cut: boolean): string {
  const limit = maxBytes % 1024 === 0 ? `${maxBytes / 1024} KiB` : `${maxBytes} bytes`;
  return `... diff truncated at ${limit}: ${notShown} of ${total} changed objects not shown${cut ? ' (the last one shown is cut short)' : ''}`;
}
