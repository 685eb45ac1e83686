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
export { helmTemplateArgs, escapeSetValue, type HelmTemplateArgsOptions } from './helm-args.js';
export { mapHelmHook, mapHelmHooks } from './helm-hooks.js';
export { summarizeManifests } from './summarize-manifests.js';
export type { ManifestEntry, SourceType } from './types.js';
