/**
 * Stable reasons attached to health results. Kubernetes' own reasons are reused where one exists
 * (`ProgressDeadlineExceeded`, `CrashLoopBackOff` stays in the message), kstatus names otherwise.
 */
export const HealthReason = {
  /** `metadata.deletionTimestamp` is set (Argo: "Pending deletion"). */
  PendingDeletion: 'PendingDeletion',
  /** No rule has an opinion about this kind; it counts as Healthy (Argo: nil health). */
  NoHealthCheck: 'NoHealthCheck',
  /** The rule does not know this apiVersion of its kind. */
  UnsupportedVersion: 'UnsupportedVersion',
  /** The object is malformed; the rule could not read it. */
  AssessmentFailed: 'AssessmentFailed',
  /** The controller has not observed the latest `metadata.generation` yet. */
  LatestGenerationNotObserved: 'LatestGenerationNotObserved',
  /** Deployment `spec.paused`, Job or CronJob `spec.suspend`. */
  Suspended: 'Suspended',
  ProgressDeadlineExceeded: 'ProgressDeadlineExceeded',
  /** Fewer replicas or pods run the new template than desired. */
  LessUpdated: 'LessUpdated',
  /** Pods of an old template are still terminating. */
  OldReplicasPending: 'OldReplicasPending',
  LessAvailable: 'LessAvailable',
  LessReady: 'LessReady',
  /** StatefulSet `updateRevision` differs from `currentRevision`. */
  RevisionPending: 'RevisionPending',
  /** ReplicaSet `ReplicaFailure=True`, for example a quota refusal. */
  ReplicaFailure: 'ReplicaFailure',
  /** A container waits with a reason like CrashLoopBackOff, ImagePullBackOff or ErrImagePull. */
  ContainerWaiting: 'ContainerWaiting',
  /** A running Pod is not ready and one of its containers has terminated before. */
  ContainerRestarted: 'ContainerRestarted',
  PodPending: 'PodPending',
  PodNotReady: 'PodNotReady',
  /** A running Pod with restart policy Never or OnFailure: healthy only once it succeeds. */
  PodRunningToCompletion: 'PodRunningToCompletion',
  PodFailed: 'PodFailed',
  /** Pod or PVC phase the rules do not recognise. */
  UnknownPhase: 'UnknownPhase',
  /** LoadBalancer Service or Ingress without an address yet. */
  AddressPending: 'AddressPending',
  ClaimPending: 'ClaimPending',
  ClaimLost: 'ClaimLost',
  JobRunning: 'JobRunning',
  JobFailed: 'JobFailed',
  /** CronJob whose last run finished without success. */
  LastRunFailed: 'LastRunFailed',
  WaitingToAutoscale: 'WaitingToAutoscale',
  AutoscalerFailing: 'AutoscalerFailing',
  /** APIService without `Available=True`. */
  NotAvailable: 'NotAvailable',
  /** CRD whose names are refused, not established or with a non-structural schema. */
  NotEstablished: 'NotEstablished',
  /** Custom resource with `Reconciling=True`. */
  Reconciling: 'Reconciling',
  /** Custom resource with `Stalled=True`. */
  Stalled: 'Stalled',
  /** Custom resource with `Ready=False` or `Ready=Unknown`. */
  NotReady: 'NotReady',
  /** Argo Workflow still running, or a CRD still terminating. */
  InProgress: 'InProgress',
  /** Argo Workflow `Failed` or `Error`. */
  Failed: 'Failed',
} as const;

/** One of the values of {@link HealthReason}. */
export type HealthReasonCode = (typeof HealthReason)[keyof typeof HealthReason];
