export { RepoCache } from './repo-cache.js';
export {
  DEFAULT_GIT_TIMEOUTS,
  type GitCallOptions,
  type GitTimeouts,
  type RepoCacheOptions,
  type RepoCacheStats,
} from './types.js';
export {
  CREDENTIALS_FILE_ENV,
  DEFAULT_TOKEN_USERNAME,
  GitCredentials,
  type GitCredentialEntry,
  type ResolvedGitCredentials,
} from './credentials.js';
export { REDACTED, redactText, redactUrl, type RedactOptions } from '../../core/git/redact.js';
export {
  classifyGitError,
  gitErrorKind,
  GIT_ERROR_RULES,
  type GitErrorKind,
  type GitFailureContext,
} from './classify.js';
export { normalizeRepoUrl, remoteUrl, repoHash } from './repo-url.js';
export {
  isFullSha,
  parseRefLines,
  parseRevision,
  pickRef,
  type ParsedRevision,
  type ResolvedRef,
  type RevisionKind,
} from './revision.js';
export {
  createGitActivities,
  listDirectories,
  DIRECTORY_LIMITS,
  type GitActivities,
  type GitActivityDeps,
} from './git-activities.js';
