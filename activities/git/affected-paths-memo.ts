/**
 * Remembered answers of `affectedAppPaths`: whether the commits `from..to` of a repository touched
 * an app path. Commits never change, so neither does the answer, and git-poll asks the same
 * question at every check of a monorepo while its untouched apps still record the commit before a
 * push: each time a `git diff` and a listing of the whole tree (10,000 files in the fleet bench),
 * for nothing new. Bounded by commit pairs, the oldest dropped first.
 */

export interface AffectedPathsMemoOptions {
  /** @default 256 */
  maxPairs?: number;
  /** Paths remembered per commit pair, beyond which new ones are not kept. @default 20000 */
  maxPathsPerPair?: number;
}

interface PairEntry {
  /** App path → touched. */
  verdicts: Map<string, boolean>;
  changedFiles: number;
}

export class AffectedPathsMemo {
  readonly #pairs = new Map<string, PairEntry>();
  readonly #maxPairs: number;
  readonly #maxPathsPerPair: number;

  constructor(options: AffectedPathsMemoOptions = {}) {
    this.#maxPairs = options.maxPairs ?? 256;
    this.#maxPathsPerPair = options.maxPathsPerPair ?? 20_000;
  }

  /** What is known of `paths` between `from` and `to` (full SHAs), and which paths are not. */
  lookup(
    repoURL: string,
    from: string,
    to: string,
    paths: readonly string[],
  ): { affected: string[]; unknown: string[]; changedFiles?: number } {
    const key = pairKey(repoURL, from, to);
    const entry = this.#pairs.get(key);
    if (!entry) return { affected: [], unknown: [...paths] };
    // Used again: keep it from being the oldest.
    this.#pairs.delete(key);
    this.#pairs.set(key, entry);
    const affected: string[] = [];
    const unknown: string[] = [];
    for (const path of paths) {
      const touched = entry.verdicts.get(path);
      if (touched === undefined) unknown.push(path);
      else if (touched) affected.push(path);
    }
    return { affected, unknown, changedFiles: entry.changedFiles };
  }

  /** Remembers the answer for `checked` paths, of which `affected` were touched. */
  record(
    repoURL: string,
    from: string,
    to: string,
    checked: readonly string[],
    affected: readonly string[],
    changedFiles: number,
  ): void {
    const key = pairKey(repoURL, from, to);
    let entry = this.#pairs.get(key);
    if (!entry) {
      entry = { verdicts: new Map(), changedFiles };
      this.#pairs.set(key, entry);
      for (const oldest of this.#pairs.keys()) {
        if (this.#pairs.size <= this.#maxPairs) break;
        this.#pairs.delete(oldest);
      }
    }
    const touched = new Set(affected);
    for (const path of checked) {
      if (entry.verdicts.size >= this.#maxPathsPerPair) break;
      entry.verdicts.set(path, touched.has(path));
    }
  }

  /** Commit pairs remembered. */
  get size(): number {
    return this.#pairs.size;
  }
}

function pairKey(repoURL: string, from: string, to: string): string {
  return `${repoURL}\u0000${from.toLowerCase()}\u0000${to.toLowerCase()}`;
}
