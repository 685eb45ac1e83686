export { parseApplications, type ParseApplicationsOptions } from './parse-application.js';
export { loadApplications, gitDirectorySources, type LoadApplicationsOptions } from './load-applications.js';
export {
  nativeAppSpec,
  NATIVE_API_VERSION,
  type AppSpecResult,
  type NativeAppOptions,
} from './native-app.js';
export {
  importArgoApplication,
  ARGO_API_VERSION,
  IN_CLUSTER_SERVER,
  IN_CLUSTER_NAME,
  type ArgoImportOptions,
} from './argocd-import.js';
export {
  expandApplicationSet,
  APPLICATION_SET_SCHEMA,
  type ApplicationSetOptions,
  type SpecResult,
} from './applicationset.js';
export {
  generatorParams,
  normalizeName,
  UNSUPPORTED_GENERATORS,
  type RegisteredCluster,
  type GeneratorSources,
  type ParamSet,
} from './appset-generators.js';
export { APP_SCHEMA, IMPORTED_APP_SCHEMA, DNS1123_LABEL, DNS1123_SUBDOMAIN } from './app-schema.js';
export { ARGO_APPLICATION_SCHEMA } from './argocd-schema.js';
export { parseDuration, DURATION_PATTERN } from './duration.js';
export { renderGoTemplate, TemplateError, GO_TEMPLATE_FUNCTIONS } from './go-template.js';
export { renderFastTemplate, type FastTemplateResult } from './fast-template.js';
export {
  SpecError,
  SpecSyntaxError,
  formatSpecMessage,
  type SpecLocation,
  type SpecWarning,
} from './spec-error.js';
export { SpecDocument, readSpecDocuments, formatPath, type FieldPath } from './spec-document.js';
export { SYNC_OPTIONS, checkSyncOptions } from './sync-options.js';
export type * from './types.js';
