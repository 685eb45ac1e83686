/**
 * Rendering of manifests: turns an app's source at a commit (plain directory, Kustomize or Helm)
 * into Kubernetes objects kept in a content-addressed store on the worker, and returns only a key
 * and counts. It decides the source type, hook mapping and what is a valid manifest; it never
 * writes to the checkout, never contacts a cluster and never puts objects or Secrets in results.
 */
export * from './annotations.js';
export { parseManifests, parseManifestEntries, type ParseManifestsOptions } from './parse-manifests.js';
export { validateObject } from './validate-object.js';
export { assertUniqueObjects } from './unique-objects.js';
export { compileDirectoryFilter, type DirectoryFilterOptions, type PathFilter } from './directory-glob.js';
export { renderDirectory, listManifestFiles, type RenderDirectoryOptions } from './render-directory.js';
export { renderKustomize, findKustomization, type RenderKustomizeOptions } from './render-kustomize.js';
export { kustomizeEditCommands, KUSTOMIZATION_FILES } from './kustomize-edits.js';
export { renderHelm, resolveValueFile, type RenderHelmOptions } from './render-helm.js';
export { helmTemplateArgs, escapeSetValue, type HelmTemplateArgsOptions } from './helm-args.js';
export { mapHelmHook, mapHelmHooks } from './helm-hooks.js';
export { detectSourceType } from './source-type.js';
export { renderSource, type RenderSourceOptions, type RenderedSource } from './render-source.js';
export { ManifestStore, defaultCacheDir, type ManifestStoreOptions } from './manifest-store.js';
export { RenderCache, renderCacheKey, RENDER_FORMAT_VERSION, type RenderCacheOptions } from './render-cache.js';
export { summarizeManifests, isHook } from './summarize-manifests.js';
export { createRenderActivities, type CheckoutFn, type RenderActivities, type RenderActivitiesOptions } from './render-activity.js';
export { toolBinary, type ToolName } from './run-tool.js';
export type { ManifestEntry, RenderInput, RenderSummary, SourceType } from './types.js';
