/**
 * Content-addressed store of rendered manifests on the worker's disk. Manifests (Secrets included)
 * never travel through Temporal payloads: activities pass the key this store returns.
 */
import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
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
}

const KEY = /^[0-9a-f]{64}$/;

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** Rendered object sets by the sha256 of their canonical JSON. */
export class ManifestStore {
  /** Directory holding `<key>.json` files (mode 0600). */
  readonly dir: string;

  constructor(options: ManifestStoreOptions = {}) {
    this.dir = options.dir ?? join(defaultCacheDir(), 'manifests');
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
    if (!(await this.has(key))) await writeFileAtomic(this.#file(key), content);
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
    return JSON.parse(content) as KubeObject[];
  }

  /** Whether a manifest file exists for `key` (its content is checked only by `get`). */
  async has(key: string): Promise<boolean> {
    try {
      return (await stat(this.#file(key))).isFile();
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
      throw error;
    }
  }
}
