/**
 * Argo CD `directory.include` / `directory.exclude` matching. Argo CD matches the path relative
 * to the app directory with gobwas/glob and no separators, so `*` also crosses `/`; picomatch's
 * `bash` mode gives the same, and `{a.yaml,b.yaml}` brace lists work in both.
 */
import picomatch from 'picomatch';

/** Decides whether a file (path relative to the app directory, `/`-separated) is rendered. */
export type PathFilter = (relativePath: string) => boolean;

/** Options of `compileDirectoryFilter`, as in Argo CD's `spec.source.directory`. */
export interface DirectoryFilterOptions {
  /** Only matching files are rendered. @default every manifest file */
  include?: string;
  /** Matching files are never rendered; wins over include. @default none */
  exclude?: string;
}

const MATCH_OPTIONS = { bash: true, dot: true } as const;

function compile(pattern: string | undefined): PathFilter | undefined {
  const trimmed = pattern?.trim();
  if (!trimmed) return undefined;
  return picomatch(trimmed, MATCH_OPTIONS);
}

/** Builds the include/exclude filter; an empty pattern means "no restriction". */
export function compileDirectoryFilter(options: DirectoryFilterOptions): PathFilter {
  const include = compile(options.include);
  const exclude = compile(options.exclude);
  return (relativePath) => {
    if (exclude?.(relativePath)) return false;
    return include ? include(relativePath) : true;
  };
}
