/**
 * ApplicationSet generators Mooring supports: `list`, `clusters` and `git` directories. Each turns
 * one generator into parameter sets, in both shapes Argo CD offers: flat `{{key}}` strings and the
 * nested object that Go templates read (`{{ .path.basename }}`).
 */
import picomatch from 'picomatch';
import { renderFastTemplate } from './fast-template.js';
import { renderGoTemplate, TemplateError } from './go-template.js';
import { isRecord, type FieldPath, type SpecDocument } from './spec-document.js';
import type { SpecWarning } from './spec-error.js';

/** A cluster as the registry knows it. */
export interface RegisteredCluster {
  name: string;
  /** API server URL. */
  server: string;
  labels?: Record<string, string>;
}

/** Where generators read clusters and directories from; both are supplied by the caller. */
export interface GeneratorSources {
  /** The cluster registry, read by the `clusters` generator. */
  clusters?: () => readonly RegisteredCluster[];
  /** Directories of a repository at a revision (`apps/web`, "/"-separated, relative to the root). */
  directories?: (repoURL: string, revision: string) => readonly string[];
}

/** One parameter set: flat strings for `{{key}}` templates, a nested object for Go templates. */
export interface ParamSet {
  flat: Record<string, string>;
  nested: Record<string, unknown>;
}

/** The generators Argo CD has and Mooring does not support. */
export const UNSUPPORTED_GENERATORS = [
  'matrix',
  'merge',
  'scmProvider',
  'pullRequest',
  'clusterDecisionResource',
  'plugin',
] as const;

const GENERATOR_FIELDS: Readonly<Record<'list' | 'clusters' | 'git', readonly string[]>> = {
  list: ['elements', 'values'],
  clusters: ['selector', 'values'],
  git: ['repoURL', 'revision', 'directories', 'files', 'pathParamPrefix', 'values'],
};

/** Lowers a name and replaces characters not allowed in a DNS-1123 subdomain with "-", as Argo CD's `*Normalized`. */
export function normalizeName(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9.-]/g, '-');
}

function flatten(value: unknown, prefix: string, into: Record<string, string>): Record<string, string> {
  if (isRecord(value))
    for (const [k, v] of Object.entries(value)) flatten(v, prefix ? `${prefix}.${k}` : k, into);
  else if (value !== undefined && value !== null)
    into[prefix] = typeof value === 'object' ? JSON.stringify(value) : String(value);
  return into;
}

/** Renders a generator's `values` with the set's own parameters, as Argo CD does. */
function withValues(
  doc: SpecDocument,
  path: FieldPath,
  set: ParamSet,
  values: unknown,
  goTemplate: boolean,
): ParamSet {
  if (!isRecord(values)) return set;
  const rendered: Record<string, string> = {};
  for (const [key, text] of Object.entries(values)) {
    try {
      rendered[key] = goTemplate
        ? renderGoTemplate(String(text), set.nested)
        : renderFastTemplate(String(text), set.flat).text;
    } catch (err) {
      if (err instanceof TemplateError) throw doc.error([...path, 'values', key], err.message);
      throw err;
    }
  }
  return {
    flat: { ...set.flat, ...flatten(rendered, 'values', {}) },
    nested: { ...set.nested, values: rendered },
  };
}

function listParams(doc: SpecDocument, path: FieldPath, gen: Record<string, unknown>): ParamSet[] {
  const elements = gen.elements;
  if (!Array.isArray(elements)) throw doc.error([...path, 'elements'], 'must be a list of mappings');
  return elements.map((element, i) => {
    if (!isRecord(element))
      throw doc.error(
        [...path, 'elements', i],
        `must be a mapping: current value is ${JSON.stringify(element)}`,
      );
    for (const [key, value] of Object.entries(element)) {
      if (key !== 'values' && typeof value === 'object' && value !== null) {
        throw doc.error(
          [...path, 'elements', i, key],
          'must be a string, number or boolean (only "values" may hold a mapping)',
        );
      }
    }
    return { flat: flatten(element, '', {}), nested: { ...element } };
  });
}

function matchesSelector(
  doc: SpecDocument,
  path: FieldPath,
  labels: Record<string, string>,
  selector: unknown,
): boolean {
  if (selector === undefined) return true;
  if (!isRecord(selector)) throw doc.error(path, 'must be a mapping with matchLabels or matchExpressions');
  const matchLabels = isRecord(selector.matchLabels) ? selector.matchLabels : {};
  if (!Object.entries(matchLabels).every(([k, v]) => labels[k] === String(v))) return false;
  const expressions = Array.isArray(selector.matchExpressions) ? selector.matchExpressions : [];
  return expressions.every((expr: unknown, i) => {
    const e = isRecord(expr) ? expr : {};
    const key = String(e.key);
    const values = Array.isArray(e.values) ? e.values.map(String) : [];
    switch (e.operator) {
      case 'In':
        return Object.hasOwn(labels, key) && values.includes(labels[key] ?? '');
      case 'NotIn':
        return !values.includes(labels[key] ?? '\u0000');
      case 'Exists':
        return Object.hasOwn(labels, key);
      case 'DoesNotExist':
        return !Object.hasOwn(labels, key);
      default:
        throw doc.error(
          [...path, 'matchExpressions', i, 'operator'],
          `must be one of "In", "NotIn", "Exists", "DoesNotExist": current value is ${JSON.stringify(e.operator)}`,
        );
    }
  });
}

function clusterParams(
  doc: SpecDocument,
  path: FieldPath,
  gen: Record<string, unknown>,
  sources: GeneratorSources,
): ParamSet[] {
  if (!sources.clusters)
    throw doc.error(path, 'the clusters generator needs the cluster registry, and none was given');
  return sources
    .clusters()
    .filter((c) => matchesSelector(doc, [...path, 'selector'], c.labels ?? {}, gen.selector))
    .map((c) => {
      const nested = {
        name: c.name,
        nameNormalized: normalizeName(c.name),
        server: c.server,
        project: '',
        metadata: { labels: { ...c.labels }, annotations: {} },
      };
      return { flat: flatten(nested, '', {}), nested };
    });
}

function gitParams(
  doc: SpecDocument,
  path: FieldPath,
  gen: Record<string, unknown>,
  sources: GeneratorSources,
): ParamSet[] {
  if (gen.files !== undefined)
    throw doc.error(
      [...path, 'files'],
      'the git files generator is not supported by Mooring: only directories are',
    );
  const { repoURL, revision = 'HEAD', directories, pathParamPrefix = '' } = gen;
  if (typeof repoURL !== 'string' || !repoURL) throw doc.error([...path, 'repoURL'], 'is required');
  if (typeof revision !== 'string')
    throw doc.error([...path, 'revision'], `must be a string: current value is ${JSON.stringify(revision)}`);
  if (!Array.isArray(directories) || directories.length === 0)
    throw doc.error([...path, 'directories'], 'must be a non-empty list of {path, exclude}');
  if (!sources.directories)
    throw doc.error(path, 'the git generator needs the directory list of the repository, and none was given');
  const include: picomatch.Matcher[] = [];
  const exclude: picomatch.Matcher[] = [];
  directories.forEach((d: unknown, i) => {
    if (!isRecord(d) || typeof d.path !== 'string')
      throw doc.error([...path, 'directories', i, 'path'], 'is required');
    (d.exclude === true ? exclude : include).push(picomatch(d.path, { dot: true }));
  });
  const prefix = String(pathParamPrefix);
  return sources
    .directories(repoURL, revision)
    .filter((dir) => include.some((m) => m(dir)) && !exclude.some((m) => m(dir)))
    .map((dir) => {
      const segments = dir.split('/');
      const basename = segments.at(-1) ?? dir;
      const info = { path: dir, basename, basenameNormalized: normalizeName(basename), segments };
      const key = prefix ? `${prefix}.path` : 'path';
      const flat: Record<string, string> = {
        [key]: dir,
        [`${key}.basename`]: basename,
        [`${key}.basenameNormalized`]: info.basenameNormalized,
      };
      segments.forEach((s, i) => (flat[`${key}[${i}]`] = s));
      return { flat, nested: prefix ? { [prefix]: { path: info } } : { path: info } };
    });
}

/**
 * The parameter sets of generator number `index` of an ApplicationSet document; warnings about
 * ignored generator fields are appended to `options.warnings`.
 *
 * @throws {SpecError} for an unsupported generator or a malformed one
 */
export function generatorParams(
  doc: SpecDocument,
  index: number,
  sources: GeneratorSources,
  options: { goTemplate: boolean; warnings: SpecWarning[] },
): ParamSet[] {
  const { goTemplate, warnings } = options;
  const path: FieldPath = ['spec', 'generators', index];
  const spec = (doc.value as { spec: { generators: unknown[] } }).spec;
  const generator = spec.generators[index];
  if (!isRecord(generator)) throw doc.error(path, 'must be a mapping with one generator');
  const kinds = Object.keys(generator);
  for (const kind of kinds) {
    if ((UNSUPPORTED_GENERATORS as readonly string[]).includes(kind))
      throw doc.error(
        [...path, kind],
        `the ${kind} generator is not supported by Mooring: supported generators are list, clusters and git (directories)`,
      );
    if (!['list', 'clusters', 'git'].includes(kind))
      throw doc.error(
        [...path, kind],
        `is not supported by Mooring: generators may only hold list, clusters or git`,
      );
  }
  if (kinds.length !== 1)
    throw doc.error(path, `must hold exactly one generator: current keys are ${kinds.join(', ') || 'none'}`);
  const kind = kinds[0] as 'list' | 'clusters' | 'git';
  const gen = generator[kind];
  if (!isRecord(gen)) throw doc.error([...path, kind], 'must be a mapping');
  for (const key of Object.keys(gen)) {
    if (key === 'requeueAfterSeconds')
      warnings.push(
        doc.warning(
          [...path, kind, key],
          'is not supported by Mooring (generators run when the file is read); ignored',
        ),
      );
    else if (!GENERATOR_FIELDS[kind].includes(key))
      throw doc.error(
        [...path, kind, key],
        `is not supported by Mooring in a ${kind} generator: supported fields are ${GENERATOR_FIELDS[kind].join(', ')}`,
      );
  }
  const genPath = [...path, kind];
  const sets =
    kind === 'list'
      ? listParams(doc, genPath, gen)
      : kind === 'clusters'
        ? clusterParams(doc, genPath, gen, sources)
        : gitParams(doc, genPath, gen, sources);
  return sets.map((set) => withValues(doc, genPath, set, gen.values, goTemplate));
}
