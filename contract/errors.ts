/**
 * Typed failures. Temporal turns a thrown Error into an ApplicationFailure whose `type` is the
 * error's `name` (the class name); workflows list the non-retryable names in their retry policies,
 * so the names below are part of the contract between activities and workflows, and recorded
 * workflow histories contain them: never rename a class.
 *
 * Each class decides its own retry (static `retryable`); `NON_RETRYABLE_ERRORS` is derived from
 * the classes, so a new permanent error cannot be forgotten there. Every Mooring error lives here.
 */
import type { ChangeEntry } from './activities.js';
import type { ObjectRef } from './object-ref.js';

export abstract class MooringError extends Error {
  /** Whether Temporal may retry the activity that threw it. Every subclass declares its own. */
  declare static readonly retryable: boolean;
  /**
   * Whether the failure says the revision itself is wrong (its content, or what it does once
   * applied): auto-sync must not deploy it again. Otherwise the environment failed (Git or the API
   * unreachable, credentials, an agent's store) and the app tries the revision again later.
   */
  static readonly revisionFault: boolean = false;

  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
  }

  /** The class's `retryable`. */
  get retryable(): boolean {
    return (this.constructor as typeof MooringError).retryable;
  }
}

/** A manifest cannot be parsed or is not a valid object; names file, document and field. */
export class ManifestInvalid extends MooringError {
  static override readonly retryable = false;
  static override readonly revisionFault = true;
}

/** The manifests of a sync are gone from this worker's store (a new worker, a wiped cache). */
export class ManifestsMissing extends MooringError {
  static override readonly retryable = false;
}

/** The Git repository does not exist (or the URL is not usable). */
export class RepoNotFound extends MooringError {
  static override readonly retryable = false;
}

/** The Git host refused the credentials configured for the URL (or there are none). */
export class AuthFailed extends MooringError {
  static override readonly retryable = false;
}

/** No branch, tag or commit of the repository has that name. */
export class RevisionNotFound extends MooringError {
  static override readonly retryable = false;
  static override readonly revisionFault = true;
}

/** A tree holds more directories than a listing may carry through Temporal (ApplicationSet git generators). */
export class TooManyDirectories extends MooringError {
  static override readonly retryable = false;
}

/** The remote could not be reached right now; worth retrying. */
export class Unreachable extends MooringError {
  static override readonly retryable = true;
}

/**
 * The agent refuses a repository URL before running git: a scheme its policy does not allow
 * (`git.allowedSchemes`), credentials written into the URL, or a local path inside Mooring's own
 * cache. Names the URL (redacted) and what the operator can change.
 */
export class RepoUrlRefused extends MooringError {
  static override readonly retryable = false;
}

/**
 * Commit signature verification is on for the app's project and the commit is unsigned, signed by
 * a key the project does not trust, or carries a bad signature: it is not deployed. Names repo,
 * short SHA, signer key when known, and why.
 */
export class CommitUnverified extends MooringError {
  static override readonly retryable = false;
  static override readonly revisionFault = true;
}

/** What an apply failure carries besides its message. */
export interface ApplyFailureOptions extends ErrorOptions {
  /** The object that failed; absent for a failure about several objects (the whole dry run). */
  ref?: ObjectRef;
  /** What was applied before the failure. @default [] */
  changes?: ChangeEntry[];
}

/** An apply that stopped part-way: names the object and keeps what was applied before it. */
abstract class ApplyFailure extends MooringError {
  /** The object that failed, when it is one object. */
  readonly ref?: ObjectRef;
  /** The change set so far: what was applied before the failure. */
  readonly changes: ChangeEntry[];
  constructor(message: string, options: ApplyFailureOptions = {}) {
    super(message, options);
    this.ref = options.ref;
    this.changes = options.changes ?? [];
  }
}

/** The API server rejected the desired state (validation, admission, dry-run). */
export class ApplyRejected extends ApplyFailure {
  static override readonly retryable = false;
  static override readonly revisionFault = true;
}

/**
 * An automatic sync with prune found an empty render while the app tracks live objects: applying it
 * would delete them all. Refused unless the spec sets `syncPolicy.automated.allowEmpty`. Raised by
 * the sync workflow itself.
 */
export class EmptyRender extends MooringError {
  static override readonly retryable = false;
  static override readonly revisionFault = true;
}

/** An apply failed for a reason that may pass (throttling, server error, network); worth retrying. */
export class ApplyFailed extends ApplyFailure {
  static override readonly retryable = true;
}

/** The app became Degraded (or a rollout exceeded its progress deadline) while waiting for health. */
export class HealthDegraded extends MooringError {
  static override readonly retryable = false;
  static override readonly revisionFault = true;
}

/** A sync hook (PreSync/Sync/PostSync) failed. */
export class HookFailed extends MooringError {
  static override readonly retryable = false;
  static override readonly revisionFault = true;
}

/**
 * The agent's policy refuses the app's source, destination or an object (project rules, another
 * app's object, a protected namespace). Names app, object, project and rule; nothing was written.
 */
export class PolicyViolation extends MooringError {
  static override readonly retryable = false;
  static override readonly revisionFault = true;
}

/** `spec.autoscaling.target` names no workload of this app (absent, or another app's object). */
export class InvalidAutoscalingTarget extends MooringError {
  static override readonly retryable = false;
}

/**
 * Every error class by its wire name (object keys survive bundling, class names need not).
 * Order: the names workflows already listed first, so the derived list only grew.
 */
const ERROR_CLASSES: Readonly<
  Record<string, { readonly retryable: boolean; readonly revisionFault: boolean }>
> = {
  ManifestInvalid,
  RepoNotFound,
  AuthFailed,
  RevisionNotFound,
  ApplyRejected,
  HealthDegraded,
  HookFailed,
  ManifestsMissing,
  Unreachable,
  ApplyFailed,
  TooManyDirectories,
  EmptyRender,
  PolicyViolation,
  RepoUrlRefused,
  CommitUnverified,
  InvalidAutoscalingTarget,
};

/** The names workflows must not retry: every class whose `retryable` is false. */
export const NON_RETRYABLE_ERRORS: readonly string[] = Object.freeze(
  Object.entries(ERROR_CLASSES)
    .filter(([, errorClass]) => !errorClass.retryable)
    .map(([name]) => name),
);

/** The names whose failure marks the revision bad: every class whose `revisionFault` is true. */
export const REVISION_FAULTS: readonly string[] = Object.freeze(
  Object.entries(ERROR_CLASSES)
    .filter(([, errorClass]) => errorClass.revisionFault)
    .map(([name]) => name),
);
