/**
 * One on-disk cache of the agent: the direct children of some directories (files or trees), each
 * an entry, evicted least recently used first when the cache is over its limits (`limits.ts`).
 *
 * - "Used" is the entry's mtime: writers create it, readers call `touch` (atime is unreliable).
 * - An entry leased in this process (`lease`, `pinFor`), or used within the grace period, is never
 *   evicted: a running activity keeps what it reads. The cache may stay over its limit meanwhile.
 * - Eviction renames the entry away first, then deletes it: a reader sees the whole entry or none,
 *   never part of it, and a missing entry only costs a fetch or a render.
 * - Sweeps run on a timer and on demand (`sweep`), and soon after writes (`noteWrite`) when the
 *   writes took the cache past a limit. Between sweeps the cache keeps the size of each entry it
 *   saw and measures only what was written since, so a write that leaves the cache within its
 *   limits costs one `lstat`, not one per entry: a registering fleet writes thousands of manifests,
 *   and listing the directories after each write was a sixth of the worker's main-thread CPU.
 */
import { randomUUID } from 'node:crypto';
import { chmod, lstat, readdir, rename, rm, utimes } from 'node:fs/promises';
import { join } from 'node:path';
import { cacheSettings, type CacheLimits, type CacheName } from './limits.js';

export interface CacheDirOptions {
  name: CacheName;
  /** Directories whose direct children are the entries (missing ones are empty). */
  dirs: readonly string[];
  /** Whether a child name is an entry; temporary files of interrupted writes are not. */
  isEntry: (name: string) => boolean;
  /**
   * Whether the entry at a path never changes once in place (a tree checked out at a commit): its
   * size is measured once, not at every sweep. A 10,000-file tree took 10,000 `lstat`s per sweep,
   * and sweeps follow writes: an eighth of a registering fleet's main-thread CPU.
   */
  isImmutable?: (path: string) => boolean;
  /** @default cacheSettings().limits[name] */
  limits?: Partial<CacheLimits>;
  /** Runs after an entry was deleted (e.g. to drop what belongs to it). */
  afterEvict?: (path: string) => Promise<void>;
  /** Extra cleanup at the end of each sweep. */
  afterSweep?: (now: number) => Promise<void>;
  /** Background sweep interval; 0 disables the timer. @default cacheSettings().sweepIntervalMs */
  sweepIntervalMs?: number;
}

export interface SweepResult {
  /** Entries and their bytes after the sweep. */
  entries: number;
  bytes: number;
  /** Paths of the entries evicted. */
  evicted: string[];
  /** Still over a limit, because the rest is leased or used within the grace period. */
  overLimit: boolean;
}

/** Leases of this process by path (a reference count), shared by every cache. */
const leases = new Map<string, number>();

/** Holds `path` against eviction until the returned function is called (once). */
export function lease(path: string): () => void {
  leases.set(path, (leases.get(path) ?? 0) + 1);
  let released = false;
  return () => {
    if (released) return;
    released = true;
    const left = (leases.get(path) ?? 1) - 1;
    if (left > 0) leases.set(path, left);
    else leases.delete(path);
  };
}

export function isLeased(path: string): boolean {
  return leases.has(path);
}

/** Runs `work` with `path` leased. */
export async function withLease<T>(path: string, work: () => Promise<T>): Promise<T> {
  const release = lease(path);
  try {
    return await work();
  } finally {
    release();
  }
}

/** Holds `path` for `ms` (a caller that returns a path and cannot say when it is done with it). */
export function pinFor(path: string, ms: number): void {
  setTimeout(lease(path), ms).unref();
}

/** Marks `path` as used now; a missing path is left missing. */
export async function touch(path: string): Promise<void> {
  const now = new Date();
  await utimes(path, now, now).catch((error: unknown) => {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  });
}

/** Bytes of a file, or of a tree (symlinks counted, never followed); 0 when gone. */
async function sizeOf(path: string): Promise<number> {
  try {
    const info = await lstat(path);
    if (!info.isDirectory()) return info.size;
    let total = info.size;
    for (const name of await readdir(path)) total += await sizeOf(join(path, name));
    return total;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 0;
    throw error;
  }
}

/** Deletes a file or a tree, read-only trees (git checkouts) included. */
export async function removeEntry(path: string): Promise<void> {
  const writable = async (dir: string): Promise<void> => {
    await chmod(dir, 0o700);
    for (const entry of await readdir(dir, { withFileTypes: true }))
      if (entry.isDirectory()) await writable(join(dir, entry.name));
  };
  const info = await lstat(path).catch(() => undefined);
  if (info?.isDirectory()) await writable(path).catch(() => undefined);
  await rm(path, { recursive: true, force: true });
}

interface Entry {
  path: string;
  bytes: number;
  usedAt: number;
}

const EVICTING = '.evicting-';
/** Leftovers of a write that was interrupted (atomic-write, mirror and tree temporaries). */
const TEMPORARY = /\.tmp(?:$|[-.])|\.index$/;
/** A temporary younger than this may still be being written (the longest git or render step is minutes). */
const TEMPORARY_MIN_AGE_MS = 3_600_000;
/** Least time between two sweeps caused by writes. */
const WRITE_SWEEP_GAP_MS = 1_000;

export class CacheDir {
  readonly name: CacheName;
  readonly dirs: readonly string[];
  readonly limits: CacheLimits;
  readonly #options: CacheDirOptions;
  #running: Promise<SweepResult> | undefined;
  #again = false;
  #scheduled: Promise<void> | undefined;
  #timer: NodeJS.Timeout | undefined;
  #lastSweep = 0;
  /** Sizes of immutable entries, by path. */
  readonly #sizes = new Map<string, number>();
  /** Bytes of every entry as of the last sweep, with the writes measured since; none before a sweep. */
  #index: Map<string, number> | undefined;
  /** Entries written since they were last measured. */
  readonly #written = new Set<string>();

  constructor(options: CacheDirOptions) {
    this.#options = options;
    this.name = options.name;
    this.dirs = [...options.dirs];
    const settings = cacheSettings();
    this.limits = { ...settings.limits[options.name], ...options.limits };
    const interval = options.sweepIntervalMs ?? settings.sweepIntervalMs;
    if (interval > 0) setInterval(() => void this.#background(() => this.sweep()), interval).unref();
  }

  /**
   * Notes that the entry at `path` was written: soon after, it is measured, and the cache swept if
   * that took it past a limit. Returns at once.
   */
  noteWrite(path: string): void {
    this.#written.add(path);
    if (this.#scheduled) return;
    const wait = Math.max(0, this.#lastSweep + WRITE_SWEEP_GAP_MS - Date.now());
    this.#scheduled = new Promise<void>((resolve) => {
      this.#timer = setTimeout(() => {
        this.#scheduled = undefined;
        this.#timer = undefined;
        void this.#background(() => this.#afterWrites()).finally(resolve);
      }, wait).unref();
    });
  }

  /** Measures what was written; sweeps when the cache is over a limit, or was never swept. */
  async #afterWrites(): Promise<void> {
    await this.#running?.catch(() => undefined); // a sweep that listed the directories before the writes
    const index = this.#index;
    if (!index) {
      this.#written.clear();
      await this.sweep();
      return;
    }
    const written = [...this.#written];
    this.#written.clear();
    for (const path of written) {
      const info = await lstat(path).catch(() => undefined);
      if (info) index.set(path, await this.#sizeOf(path));
      else index.delete(path);
    }
    const { maxBytes, maxEntries } = this.limits;
    let bytes = 0;
    for (const size of index.values()) bytes += size;
    if (bytes > maxBytes || index.size > maxEntries) await this.sweep();
    else this.#lastSweep = Date.now();
  }

  /** Resolves when no sweep is scheduled or running. */
  async settled(): Promise<void> {
    this.#timer?.ref(); // a waiter keeps the process alive until the sweep ran
    while (this.#scheduled || this.#running) {
      await this.#scheduled;
      await this.#running?.catch(() => undefined);
    }
  }

  /** Evicts least recently used entries until the cache is within its limits (one sweep at a time). */
  async sweep(now?: number): Promise<SweepResult> {
    if (this.#running) {
      this.#again = true;
      return await this.#running;
    }
    this.#running = (async () => {
      try {
        let result = await this.#sweepOnce(now ?? Date.now());
        while (this.#again) {
          this.#again = false;
          const next = await this.#sweepOnce(now ?? Date.now());
          result = { ...next, evicted: [...result.evicted, ...next.evicted] };
        }
        return result;
      } finally {
        this.#lastSweep = Date.now();
        this.#running = undefined;
      }
    })();
    return await this.#running;
  }

  async #background(work: () => Promise<unknown>): Promise<void> {
    await work().catch((error: unknown) => {
      process.emitWarning(
        `Cannot clean the ${this.name} cache in ${this.dirs.join(', ')}: ${(error as Error).message}; ` +
          'it may grow past its limit until the next sweep (check the directory permissions and free space)',
        'MooringCacheWarning',
      );
    });
  }

  async #sweepOnce(now: number): Promise<SweepResult> {
    const { maxBytes, maxEntries, graceMs } = this.limits;
    const entries: Entry[] = [];
    for (const dir of this.dirs) {
      let names: string[];
      try {
        names = await readdir(dir);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') continue;
        throw error;
      }
      for (const name of names) {
        const path = join(dir, name);
        if (name.includes(EVICTING)) {
          await removeEntry(path);
          continue;
        }
        const info = await lstat(path).catch(() => undefined);
        if (!info) continue;
        if (!this.#options.isEntry(name)) {
          if (TEMPORARY.test(name) && now - info.mtimeMs >= Math.max(graceMs, TEMPORARY_MIN_AGE_MS))
            await removeEntry(path);
          continue;
        }
        entries.push({ path, bytes: await this.#sizeOf(path), usedAt: info.mtimeMs });
      }
    }
    const present = new Set(entries.map((e) => e.path));
    for (const path of this.#sizes.keys()) if (!present.has(path)) this.#sizes.delete(path);
    const index = new Map(entries.map((e) => [e.path, e.bytes]));
    entries.sort((a, b) => a.usedAt - b.usedAt);
    let bytes = entries.reduce((sum, e) => sum + e.bytes, 0);
    let count = entries.length;
    const evicted: string[] = [];
    for (const entry of entries) {
      if (bytes <= maxBytes && count <= maxEntries) break;
      if (await this.#evict(entry.path, now)) {
        evicted.push(entry.path);
        index.delete(entry.path);
        bytes -= entry.bytes;
        count -= 1;
      }
    }
    this.#index = index;
    await this.#options.afterSweep?.(now);
    return { entries: count, bytes, evicted, overLimit: bytes > maxBytes || count > maxEntries };
  }

  async #sizeOf(path: string): Promise<number> {
    if (!this.#options.isImmutable?.(path)) return await sizeOf(path);
    let bytes = this.#sizes.get(path);
    if (bytes === undefined) {
      bytes = await sizeOf(path);
      this.#sizes.set(path, bytes);
    }
    return bytes;
  }

  /** Evicts one entry unless it is leased or was used within the grace period. */
  async #evict(path: string, now: number): Promise<boolean> {
    const info = await lstat(path).catch(() => undefined);
    if (!info || now - info.mtimeMs < this.limits.graceMs) return false;
    // Checked right before the rename, in the same turn: a lease taken later sees the entry gone.
    if (isLeased(path)) return false;
    const away = `${path}${EVICTING}${randomUUID()}`;
    try {
      await rename(path, away);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
      throw error;
    }
    this.#sizes.delete(path);
    await removeEntry(away);
    await this.#options.afterEvict?.(path);
    return true;
  }
}

const shared = new Map<string, CacheDir>();

/**
 * The one `CacheDir` of this process for these directories: stores built twice over the same
 * directories (the agent's and a control activity's) share one sweeper and one timer.
 */
export function sharedCacheDir(options: CacheDirOptions): CacheDir {
  const key = `${options.name}\u0000${options.dirs.join('\u0000')}`;
  let cache = shared.get(key);
  if (!cache) {
    cache = new CacheDir(options);
    shared.set(key, cache);
  }
  return cache;
}
