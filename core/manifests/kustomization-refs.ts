/**
 * What one kustomization refers to, sorted by what the render policy must decide about it. Pure:
 * takes the file's text, never reads the entries it names; the render activity follows the local
 * directories (recursively) and stops at the first remote or plugin entry the policy refuses.
 *
 * Fields read: `resources`, `bases`, `components` (bases: local or remote), `generators`,
 * `transformers`, `validators` (plugin configs: a path, or an inline object), every field naming
 * a file (patches, generator files, `crds`, `configurations`, `replacements`, `openapi`), and
 * `helmCharts` / `helmChartInflationGenerator`, which need kustomize's Helm plugin.
 */
import { parseAllDocuments } from 'yaml';
import { isRemoteKustomizeBase, isRemoteKustomizeFile } from './remote-refs.js';

/** One entry of a kustomization: its field (`resources[2]`) and its text. */
export interface KustomizationEntry {
  field: string;
  entry: string;
}

/** The references of a kustomization by what must be decided about them. */
export interface KustomizationRefs {
  /** Local resources, bases and components (a file or a directory, relative to the kustomization). */
  local: KustomizationEntry[];
  /** Local files the kustomization reads: patches, generator files, CRDs, configurations. */
  localFiles: KustomizationEntry[];
  /** Local paths in generators/transformers/validators: plugin configs, or kustomizations of them. */
  pluginConfigs: KustomizationEntry[];
  /** Bases and files that kustomize would clone or download. */
  remote: KustomizationEntry[];
  /** Plugins: Helm charts, and inline configs of exec, container or non-builtin plugins. */
  plugins: KustomizationEntry[];
}

/** Kustomize's builtin generators and transformers, which run without any plugin flag. */
const BUILTIN_PLUGIN_KINDS = new Set([
  'AnnotationsTransformer',
  'ConfigMapGenerator',
  'HashTransformer',
  'IAMPolicyGenerator',
  'ImageTagTransformer',
  'LabelTransformer',
  'NamespaceTransformer',
  'PatchJson6902Transformer',
  'PatchStrategicMergeTransformer',
  'PatchTransformer',
  'PrefixSuffixTransformer',
  'PrefixTransformer',
  'ReplacementTransformer',
  'ReplicaCountTransformer',
  'SecretGenerator',
  'SortOrderTransformer',
  'SuffixTransformer',
  'ValueAddTransformer',
]);

const FUNCTION_ANNOTATIONS = ['config.kubernetes.io/function', 'config.k8s.io/function'];

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);

/**
 * Why a generator/transformer/validator config needs a plugin, or undefined for a builtin. Exec
 * and container functions carry a function annotation; legacy Go and exec plugins have a kind
 * kustomize does not build in; `HelmChartInflationGenerator` runs helm.
 */
export function pluginConfigProblem(config: unknown): string | undefined {
  if (!isObject(config)) return undefined;
  const kind = typeof config.kind === 'string' ? config.kind : '';
  const metadata = isObject(config.metadata) ? config.metadata : {};
  const annotations = isObject(metadata.annotations) ? metadata.annotations : {};
  if (FUNCTION_ANNOTATIONS.some((key) => key in annotations))
    return `${kind || 'config'} is a KRM function (exec or container plugin)`;
  if (kind === 'HelmChartInflationGenerator') return 'HelmChartInflationGenerator runs helm (Helm plugin)';
  if (!BUILTIN_PLUGIN_KINDS.has(kind)) return `${kind || 'a config without kind'} is not a builtin plugin`;
  return undefined;
}

/** Parses plugin config text (one or more YAML documents) and returns the first problem, if any. */
export function pluginConfigTextProblem(text: string): string | undefined {
  for (const doc of parseAllDocuments(text)) {
    if (doc.errors.length > 0) return undefined; // kustomize reports the YAML error itself
    const problem = pluginConfigProblem(doc.toJS({ maxAliasCount: 100 }));
    if (problem) return problem;
  }
  return undefined;
}

/** File-valued fields: `[field, entries]` for every path the kustomization names. */
function fileEntries(k: Json): KustomizationEntry[] {
  const out: KustomizationEntry[] = [];
  const add = (field: string, value: unknown): void => {
    if (typeof value === 'string') out.push({ field, entry: value });
  };
  list(k.crds).forEach((v, i) => add(`crds[${i}]`, v));
  list(k.configurations).forEach((v, i) => add(`configurations[${i}]`, v));
  list(k.patchesStrategicMerge).forEach((v, i) => add(`patchesStrategicMerge[${i}]`, v));
  for (const field of ['patches', 'patchesJson6902', 'replacements'] as const) {
    list(k[field]).forEach((v, i) => isObject(v) && add(`${field}[${i}].path`, v.path));
  }
  if (isObject(k.openapi)) add('openapi.path', k.openapi.path);
  for (const field of ['configMapGenerator', 'secretGenerator'] as const) {
    list(k[field]).forEach((g, i) => {
      if (!isObject(g)) return;
      list(g.files).forEach((v, j) => add(`${field}[${i}].files[${j}]`, v));
      list(g.envs).forEach((v, j) => add(`${field}[${i}].envs[${j}]`, v));
      add(`${field}[${i}].env`, g.env);
    });
  }
  return out;
}

/**
 * Sorts the references of the kustomization in `text`. Throws a SyntaxError-like Error with the
 * YAML problem when the text is not a YAML mapping (the caller names the file).
 */
export function kustomizationRefs(text: string): KustomizationRefs {
  const [doc] = parseAllDocuments(text);
  if (doc?.errors.length) throw new Error(doc.errors[0]?.message ?? 'invalid YAML');
  const value: unknown = doc?.toJS({ maxAliasCount: 100 }) ?? {};
  if (!isObject(value)) throw new Error('a kustomization must be a YAML mapping');
  const refs: KustomizationRefs = { local: [], localFiles: [], pluginConfigs: [], remote: [], plugins: [] };
  for (const field of ['resources', 'bases', 'components'] as const) {
    list(value[field]).forEach((v, i) => {
      if (typeof v !== 'string') return;
      const entry = { field: `${field}[${i}]`, entry: v };
      (isRemoteKustomizeBase(v) ? refs.remote : refs.local).push(entry);
    });
  }
  for (const field of ['generators', 'transformers', 'validators'] as const) {
    list(value[field]).forEach((v, i) => {
      const name = `${field}[${i}]`;
      if (typeof v === 'string') {
        // An inline config in a string (a YAML block) has a newline; a path has none.
        if (v.includes('\n')) {
          const problem = pluginConfigTextProblem(v);
          if (problem) refs.plugins.push({ field: name, entry: problem });
        } else if (isRemoteKustomizeBase(v)) refs.remote.push({ field: name, entry: v });
        else refs.pluginConfigs.push({ field: name, entry: v });
        return;
      }
      const problem = pluginConfigProblem(v);
      if (problem) refs.plugins.push({ field: name, entry: problem });
    });
  }
  for (const file of fileEntries(value))
    (isRemoteKustomizeFile(file.entry) ? refs.remote : refs.localFiles).push(file);
  list(value.helmCharts).forEach((v, i) => {
    const name = isObject(v) && typeof v.name === 'string' ? v.name : 'chart';
    refs.plugins.push({ field: `helmCharts[${i}]`, entry: `${name} (Helm chart inflation)` });
  });
  list(value.helmChartInflationGenerator).forEach((_, i) => {
    refs.plugins.push({ field: `helmChartInflationGenerator[${i}]`, entry: 'Helm chart inflation' });
  });
  return refs;
}
