/**
 * Applications with several sources (Argo CD's `spec.sources`), pure: what makes the list valid and
 * how a `$<ref>/<path>` value file names a file of another source.
 *
 * Rules, as in Argo CD: each source is a Git source or a chart source (config/chart-source.ts); a
 * source may carry `ref`, a name other sources' `helm.valueFiles` use as `$<ref>/<path>` (a path
 * from the root of that source's repository at its revision). A Git source with a `ref` and no
 * `path` only provides files: it is not rendered. A `ref` is a Git source's (a chart archive has no
 * repository root to read from), names are unique, and every `$<ref>` names one of them. At least
 * one source is rendered; all rendered sources are deployed together, as one app.
 */
import type { AppSource } from './types.js';
import { sourceProblem, type SourceProblem } from './chart-source.js';

/** Most sources one app may have. */
export const MAX_SOURCES = 10;

/** A `ref` name: letters, digits, "_" and "-". */
const REF_NAME = /^[A-Za-z0-9_-]{1,63}$/;
/** `$<ref>/<path>` in `helm.valueFiles`. */
const REF_FILE = /^\$([^/]+)\/(.*)$/;

/** A problem of one source of `spec.sources`. */
export interface SourcesProblem extends SourceProblem {
  /** Index in `spec.sources`. */
  index: number;
}

/** The ref name and path of a `$<ref>/<path>` value file; undefined for any other file. */
export function valueFileRef(file: string): { ref: string; path: string } | undefined {
  const match = REF_FILE.exec(file);
  return match?.[1] !== undefined && match[2] !== undefined ? { ref: match[1], path: match[2] } : undefined;
}

/** True for a source that only provides files to the others (a `ref` and no path). */
export function isRefOnly(source: Partial<Pick<AppSource, 'ref' | 'path' | 'chart'>>): boolean {
  return source.ref !== undefined && source.chart === undefined && (source.path ?? '') === '';
}

/** The first problem of `sources`, or undefined (see the module comment). */
export function sourcesProblem(sources: readonly Partial<AppSource>[]): SourcesProblem | undefined {
  if (sources.length > MAX_SOURCES)
    return {
      index: MAX_SOURCES,
      field: 'repoURL',
      problem: `is one source too many: an app has at most ${MAX_SOURCES} sources (current list has ${sources.length})`,
    };
  const refs = new Map<string, number>();
  for (const [index, source] of sources.entries()) {
    if (source.ref === undefined) continue;
    if (!REF_NAME.test(source.ref))
      return {
        index,
        field: 'ref',
        problem: `must be a name of letters, digits, "_" and "-" (at most 63): current value is ${JSON.stringify(source.ref)}`,
      };
    if (source.chart !== undefined)
      return {
        index,
        field: 'ref',
        problem: 'cannot be set on a chart source: only a Git source provides files to the others',
      };
    const earlier = refs.get(source.ref);
    if (earlier !== undefined)
      return { index, field: 'ref', problem: `"${source.ref}" is already the ref of source ${earlier}` };
    refs.set(source.ref, index);
  }
  for (const [index, source] of sources.entries()) {
    if (isRefOnly(source)) {
      for (const field of ['helm', 'kustomize', 'directory'] as const)
        if (source[field] !== undefined)
          return {
            index,
            field,
            problem: `has no effect on a source that only provides files (ref without path): set path to render it, or remove ${field}`,
          };
      continue;
    }
    const bad = sourceProblem(source);
    if (bad) return { index, ...bad };
    for (const file of source.helm?.valueFiles ?? []) {
      const named = valueFileRef(file);
      if (named && !refs.has(named.ref))
        return {
          index,
          field: 'helm',
          problem: `valueFiles entry ${JSON.stringify(file)} names $${named.ref}, which is the ref of no source (known: ${[...refs.keys()].map((r) => `$${r}`).join(', ') || 'none'})`,
        };
      if (named && (named.path === '' || named.path.split('/').includes('..')))
        return {
          index,
          field: 'helm',
          problem: `valueFiles entry ${JSON.stringify(file)} must name a file inside the repository of $${named.ref}, without ".."`,
        };
    }
  }
  if (sources.every((s) => isRefOnly(s)))
    return {
      index: 0,
      field: 'path',
      problem:
        'is required in at least one source: every source only provides files (ref without path), so nothing would be rendered',
    };
  return undefined;
}
