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
export { REDACTED, isSecretParam, redactText, redactUrl, type RedactOptions } from '../../core/git/redact.js';
export { GIT_SCHEMES, parseGitUrl, type GitScheme, type GitUrl } from '../../config/git-url.js';
export { CREDENTIALS_HINT, repoUrlProblem } from '../../config/repo-url-problem.js';
export { signingKeysProblem, type TrustedSigningKeys } from '../../config/signing-keys.js';
export {
  ALLOWED_SCHEMES_SETTING,
  DEFAULT_ALLOWED_SCHEMES,
  checkRepoUrl,
  parseAllowedSchemes,
  type RepoUrlPolicy,
} from './url-policy.js';
export {
  gpgVerdict,
  signatureFormat,
  sshVerdict,
  verifyCommitSignature,
  type CommitVerificationRequest,
  type VerifiedCommit,
} from './verify-commit.js';
export {
  classifyGitError,
  gitErrorKind,
  GIT_ERROR_RULES,
  type GitErrorKind,
  type GitFailureContext,
} from './classify.js';
export { normalizeRepoUrl, remoteUrl, repoHash, repoOrigin } from './repo-url.js';
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
