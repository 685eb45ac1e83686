/**
 * Rendering adapters: turn an app's source at a commit (plain directory, Kustomize or Helm) into
 * Kubernetes objects kept in a content-addressed store on the worker, and return only a key and
 * counts. They read the checkout and run helm and kustomize; what the output means (parsing,
 * hooks, validity) and what a render may reach (render policy, symlink rules, tool environment,
 * limits) is decided in `core/manifests`. They never write to the checkout, never contact a
 * cluster and never put objects or Secrets in results. Every symlink of the checkout is checked,
 * remote content and plugins are refused unless the app's render policy allows them, and the
 * tools run in a private sandbox with a minimal environment, a time limit and an output limit.
 */
export { renderDirectory, listManifestFiles, type RenderDirectoryOptions } from './render-directory.js';
export {
  renderKustomize,
  findKustomization,
  kustomizeBuildArgs,
  type RenderKustomizeOptions,
} from './render-kustomize.js';
export {
  renderHelm,
  resolveValueFile,
  readHelmValuesFrom,
  secretValuesDigest,
  DEFAULT_VALUES_KEY,
  type HelmSecretValues,
  type ReadSecretValue,
  type RenderHelmOptions,
} from './render-helm.js';
export { assertKustomizePolicy } from './kustomize-policy.js';
export { withToolSandbox, type ToolSandbox } from './tool-sandbox.js';
export { detectSourceType } from './source-type.js';
export { renderSource, type RenderSourceOptions, type RenderedSource } from './render-source.js';
export { ManifestStore, defaultCacheDir, type ManifestStoreOptions } from './manifest-store.js';
export {
  RenderCache,
  renderCacheKey,
  RENDER_FORMAT_VERSION,
  type RenderCacheOptions,
  type RenderContext,
} from './render-cache.js';
export {
  createRenderActivities,
  type CheckoutFn,
  type RenderActivities,
  type RenderActivitiesOptions,
} from './render-activity.js';
export { toolBinary, type ToolName } from './run-tool.js';
