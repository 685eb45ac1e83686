/**
 * Typed failures. Temporal turns a thrown Error into an ApplicationFailure whose `type` is the
 * error's `name`; workflows list the non-retryable names in their retry policies, so the names
 * below are part of the contract between activities and workflows.
 */

export abstract class MooringError extends Error {
  abstract readonly retryable: boolean;
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** A manifest cannot be parsed or is not a valid object; names file, document and field. */
export class ManifestInvalid extends MooringError {
  readonly retryable = false;
}

export class RepoNotFound extends MooringError {
  readonly retryable = false;
}

export class AuthFailed extends MooringError {
  readonly retryable = false;
}

export class RevisionNotFound extends MooringError {
  readonly retryable = false;
}

/** The remote could not be reached right now; worth retrying. */
export class Unreachable extends MooringError {
  readonly retryable = true;
}

/** The API server rejected the desired state (validation, admission, dry-run). */
export class ApplyRejected extends MooringError {
  readonly retryable = false;
}

/** The app became Degraded (or a rollout exceeded its progress deadline) while waiting for health. */
export class HealthDegraded extends MooringError {
  readonly retryable = false;
}

/** A sync hook (PreSync/Sync/PostSync) failed. */
export class HookFailed extends MooringError {
  readonly retryable = false;
}

/** The names workflows must not retry. */
export const NON_RETRYABLE_ERRORS = [
  'ManifestInvalid',
  'RepoNotFound',
  'AuthFailed',
  'RevisionNotFound',
  'ApplyRejected',
  'HealthDegraded',
  'HookFailed',
] as const;
