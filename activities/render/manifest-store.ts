/**
 * Content-addressed store of rendered manifests on the worker's disk. Manifests (Secrets included)
 * never travel through Temporal payloads: activities pass the key this store returns.
 *
 * The store is a cache, not state: it is limited (`activities/cache/limits.ts`, cache `manifests`)
 * and its least recently used entries are evicted; a step that finds its key missing throws
 * ManifestsMissing and the sync renders the same commit again.
 */
import { createHash } from 'node:crypto';
import { readFile, readdir, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { removeEntry, sharedCacheDir, touch, type CacheDir } from '../cache/cache-dir.js';
import type { CacheLimits } from '../cache/limits.js';
import type { KubeObject } from '../../contract/kube-object.js';
import { writeFileAtomic } from './atomic-write.js';
import { canonicalJson } from '../../core/manifests/canonical-json.js';

/** `$MOORING_CACHE`, or `~/.cache/mooring`. */
export function defaultCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.MOORING_CACHE || join(homedir(), '.cache', 'mooring');
}

/** Options of `ManifestStore`. */
export interface ManifestStoreOptions {
  /** Directory of the manifest files. @default `${MOORING_CACHE:-~/.cache/mooring}/manifests` */
  dir?: string;
  /** Overrides of the `manifests` cache limits. @default from the environment (`cacheSettings`) */
  limits?: Partial<CacheLimits>;
  /** Background sweep interval; 0 disables it. @default from the environment */
  sweepIntervalMs?: number;
}

const KEY = /^[0-9a-f]{64}$/;
const ENTRY = /^[0-9a-f]{64}\.json$/;

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** Rendered object sets by the sha256 of their canonical JSON. */
export class ManifestStore {
  /** Directory holding `<key>.json` files (mode 0600). */
  readonly dir: string;
  /** The size limit and eviction of the manifest files. */
  readonly cache: CacheDir;

  constructor(options: ManifestStoreOptions = {}) {
    const dir = options.dir ?? join(defaultCacheDir(), 'manifests');
    this.dir = dir;
    const records = join(dir, 'rendered-for');
    this.cache = sharedCacheDir({
      name: 'manifests',
      dirs: [dir],
      isEntry: (name) => ENTRY.test(name),
      limits: options.limits,
      sweepIntervalMs: options.sweepIntervalMs,
      // Which apps rendered a key (render-provenance.ts) goes with the manifests, never before them:
      // a manifest file without its record would be usable by any app.
      afterEvict: (path) => removeEntry(join(records, path.slice(dir.length + 1, -'.json'.length))),
      afterSweep: async (now) => {
        let keys: string[];
        try {
          keys = await readdir(records);
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
          throw error;
        }
        for (const key of keys) {
          if (!KEY.test(key) || (await this.has(key, { touch: false }))) continue;
          // A record younger than the grace period may belong to a render that is storing it now.
          const recorded = await stat(join(records, key)).catch(() => undefined);
          if (recorded && now - recorded.mtimeMs >= this.cache.limits.graceMs)
            await removeEntry(join(records, key));
        }
      },
    });
  }

  #file(key: string): string {
    if (!KEY.test(key))
      throw new TypeError(
        `Invalid manifest key "${key.slice(0, 80)}": expected 64 lowercase hexadecimal characters`,
      );
    return join(this.dir, `${key}.json`);
  }

  /** Stores `objects` (in their order) and returns their key; storing equal content twice is a no-op. */
  async put(objects: readonly KubeObject[]): Promise<string> {
    const content = canonicalJson(objects);
    const key = sha256(content);
    if (!(await this.has(key))) {
      await writeFileAtomic(this.#file(key), content);
      this.cache.noteWrite(this.#file(key));
    }
    return key;
  }

  /** The objects stored under `key`, or undefined when absent or corrupted (then re-render). */
  async get(key: string): Promise<KubeObject[] | undefined> {
    let content: string;
    try {
      content = await readFile(this.#file(key), 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
    if (sha256(content) !== key) return undefined;
    await touch(this.#file(key));
    return JSON.parse(content) as KubeObject[];
  }

  /**
   * Whether a manifest file exists for `key` (its content is checked only by `get`); a caller that
   * will use it marks it used (`touch`, the default), which keeps it for the grace period.
   */
  async has(key: string, options: { touch?: boolean } = {}): Promise<boolean> {
    try {
      const found = (await stat(this.#file(key))).isFile();
      if (found && options.touch !== false) await touch(this.#file(key));
      return found;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
      throw error;
    }
  }
}
