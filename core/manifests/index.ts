/**
 * Manifests as data: parsing rendered YAML into validated objects, the annotation keys Mooring
 * and Argo CD share, Helm hook mapping, the arguments handed to helm and kustomize, and the
 * summary a render returns. Pure: it never reads files, runs tools or contacts a cluster.
 */
export * from './annotations.js';
export { parseManifests, parseManifestEntries, type ParseManifestsOptions } from './parse-manifests.js';
export { validateObject } from './validate-object.js';
export { assertUniqueObjects } from './unique-objects.js';
export { compileDirectoryFilter, type DirectoryFilterOptions, type PathFilter } from './directory-glob.js';
export { kustomizeEditCommands, KUSTOMIZATION_FILES } from './kustomize-edits.js';
export { helmTemplateArgs, type HelmTemplateArgsOptions } from './helm-args.js';
export { mapHelmHook, mapHelmHooks } from './helm-hooks.js';
export { summarizeManifests } from './summarize-manifests.js';
export type { ManifestEntry, SourceType } from './types.js';
export { DEFAULT_RENDER_POLICY, type RenderPolicy, type RenderPermission } from './render-policy.js';
export { DEFAULT_RENDER_LIMITS, assertObjectLimit, formatBytes, type RenderLimits } from './render-limits.js';
export { isRemoteValueFile, isRemoteKustomizeBase, isRemoteKustomizeFile } from './remote-refs.js';
export {
  kustomizationRefs,
  pluginConfigProblem,
  pluginConfigTextProblem,
  type KustomizationEntry,
  type KustomizationRefs,
} from './kustomization-refs.js';
export { renderToolEnv, CLOSED_PROXY, SANDBOX_DIRS, type RenderToolEnvOptions } from './tool-env.js';
export {
  symlinkProblem,
  specialFileProblem,
  isOutside,
  type PathKind,
  type SymlinkFacts,
} from './symlink-rule.js';
