/**
 * Rendering adapters: turn an app's source at a commit (plain directory, Kustomize or Helm) into
 * Kubernetes objects kept in a content-addressed store on the worker, and return only a key and
 * counts. They read the checkout and run helm and kustomize; what the output means (parsing,
 * hooks, validity) is decided in `core/manifests`. They never write to the checkout, never contact
 * a cluster and never put objects or Secrets in results.
 */
export { renderDirectory, listManifestFiles, type RenderDirectoryOptions } from './render-directory.js';
export { renderKustomize, findKustomization, type RenderKustomizeOptions } from './render-kustomize.js';
export { renderHelm, resolveValueFile, type RenderHelmOptions } from './render-helm.js';
export { detectSourceType } from './source-type.js';
export { renderSource, type RenderSourceOptions, type RenderedSource } from './render-source.js';
export { ManifestStore, defaultCacheDir, type ManifestStoreOptions } from './manifest-store.js';
export {
  RenderCache,
  renderCacheKey,
  RENDER_FORMAT_VERSION,
  type RenderCacheOptions,
} from './render-cache.js';
export {
  createRenderActivities,
  type CheckoutFn,
  type RenderActivities,
  type RenderActivitiesOptions,
} from './render-activity.js';
export { toolBinary, type ToolName } from './run-tool.js';
