/**
 * The dependencies a chart declares (Chart.yaml `dependencies`, or requirements.yaml for
 * apiVersion v1 charts), where each comes from, and whether `helm dependency build` must run:
 * only when a declared dependency is missing from `charts/`. Reads the chart directory only.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { ManifestInvalid } from '../../../contract/errors.js';

/** Where a dependency comes from. */
export type DependencySource = 'vendored' | 'file' | 'http' | 'oci' | 'alias';

/** One declared dependency. */
export interface ChartDependency {
  name: string;
  version: string;
  /** As written (`https://...`, `oci://...`, `file://../common`, `@stable`, or empty). */
  repository: string;
  source: DependencySource;
}

/** The most dependencies a chart may declare. */
export const MAX_DEPENDENCIES = 100;

/** The source of a `repository` value. */
export function dependencySource(repository: string): DependencySource {
  const text = repository.trim();
  if (text === '') return 'vendored';
  if (/^file:\/\//i.test(text)) return 'file';
  if (/^oci:\/\//i.test(text)) return 'oci';
  if (/^https?:\/\//i.test(text)) return 'http';
  return 'alias'; // "@name" or "alias:name": a repository added with `helm repo add`
}

async function readYaml(file: string, what: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  try {
    return parseYaml(text, { maxAliasCount: 100 });
  } catch (error) {
    throw new ManifestInvalid(`Cannot parse ${what}: ${(error as Error).message.split('\n')[0]}`);
  }
}

/**
 * The dependencies `chartDir` declares. `what` names the chart in messages.
 * @throws {ManifestInvalid} for an unparsable file or a dependency without name
 */
export async function chartDependencies(chartDir: string, what: string): Promise<ChartDependency[]> {
  const chart = (await readYaml(join(chartDir, 'Chart.yaml'), `Chart.yaml of ${what}`)) as
    { dependencies?: unknown } | undefined;
  let list = chart?.dependencies;
  if (list === undefined || list === null) {
    const requirements = (await readYaml(
      join(chartDir, 'requirements.yaml'),
      `requirements.yaml of ${what}`,
    )) as { dependencies?: unknown } | undefined;
    list = requirements?.dependencies;
  }
  if (list === undefined || list === null) return [];
  if (!Array.isArray(list))
    throw new ManifestInvalid(`Cannot read the dependencies of ${what}: expected a list`);
  if (list.length > MAX_DEPENDENCIES)
    throw new ManifestInvalid(
      `Cannot use ${what}: it declares ${list.length} dependencies, more than ${MAX_DEPENDENCIES}`,
    );
  return list.map((item: unknown, index) => {
    const dep = (item ?? {}) as { name?: unknown; version?: unknown; repository?: unknown };
    if (typeof dep.name !== 'string' || !/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(dep.name))
      throw new ManifestInvalid(
        `Cannot use dependency ${index + 1} of ${what}: its name must be a chart name`,
      );
    const repository = typeof dep.repository === 'string' ? dep.repository : '';
    return {
      name: dep.name,
      version: dep.version === undefined || dep.version === null ? '' : String(dep.version),
      repository,
      source: dependencySource(repository),
    };
  });
}

/**
 * The dependencies with nothing in `charts/` for them: no `<name>` directory and no
 * `<name>-<version>.tgz`. `helm dependency build` runs only when this is not empty.
 */
export async function missingDependencies(
  chartDir: string,
  dependencies: readonly ChartDependency[],
): Promise<ChartDependency[]> {
  if (dependencies.length === 0) return [];
  const present = await readdir(join(chartDir, 'charts')).catch(() => [] as string[]);
  return dependencies.filter(
    (dep) =>
      !present.some(
        (name) =>
          name === dep.name ||
          (name.startsWith(`${dep.name}-`) &&
            /^\d/.test(name.slice(dep.name.length + 1)) &&
            name.endsWith('.tgz')),
      ),
  );
}
