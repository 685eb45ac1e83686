/** The native application spec (`mooring.dev/v1` Application), after validation and defaults. */
import type { AppNotifications } from './notifications-types.js';

/** A Kubernetes Secret holding Helm values, in the app's destination namespace. */
export interface HelmValuesFrom {
  /** The Secret and its data key (`values.yaml` when not set). */
  secretRef: { name: string; key?: string };
  /** Render without it when the Secret or key is missing. @default false */
  optional?: boolean;
}

/**
 * Helm options. Values come only from files in Git (`valueFiles`) or Secrets the agent reads at
 * render time (`valuesFrom`), never inline: a spec travels in Temporal payloads.
 */
export interface HelmSource {
  releaseName?: string;
  valueFiles?: string[];
  /** Secrets whose values are applied after `valueFiles`, in order. */
  valuesFrom?: HelmValuesFrom[];
  skipCrds?: boolean;
}

export interface KustomizeSource {
  namePrefix?: string;
  nameSuffix?: string;
  images?: string[];
  commonLabels?: Record<string, string>;
  commonAnnotations?: Record<string, string>;
  namespace?: string;
}

export interface DirectorySource {
  recurse?: boolean;
  include?: string;
  exclude?: string;
}

export interface AppSource {
  repoURL: string;
  /**
   * Branch, tag, full or short SHA, or HEAD; with `chart`, a chart version or semver range
   * (config/chart-source.ts).
   */
  targetRevision: string;
  /** Directory in the repository; "" for a chart source. */
  path: string;
  /** A Helm chart in the chart repository or OCI registry `repoURL` (docs/HELM-SOURCES.md). */
  chart?: string;
  helm?: HelmSource;
  kustomize?: KustomizeSource;
  directory?: DirectorySource;
  /**
   * With several sources: the name other sources' `helm.valueFiles` use as `$<ref>/<path>` for a
   * file of this one (config/multi-source.ts).
   */
  ref?: string;
}

export interface AppDestination {
  cluster: string;
  namespace: string;
}

export interface RetryPolicy {
  limit: number;
  backoff: { duration: string; factor: number; maxDuration: string };
}

export interface AutomatedSync {
  prune: boolean;
  selfHeal: boolean;
  /**
   * Let an automatic sync with prune apply an empty render, deleting every object the app tracks.
   * Off by default, as in Argo CD: an empty render is far more often a mistake than an intent.
   */
  allowEmpty: boolean;
}

export interface SyncPolicy {
  automated?: AutomatedSync;
  /** Git poll interval, e.g. "3m". */
  interval: string;
  syncOptions: string[];
  retry?: RetryPolicy;
}

export interface RollbackPolicy {
  automatic: boolean;
  healthTimeout: string;
}

export interface IgnoreDifference {
  group?: string;
  kind: string;
  name?: string;
  namespace?: string;
  jsonPointers?: string[];
  jqPathExpressions?: string[];
  managedFieldsManagers?: string[];
}

/** The HPA's `behavior.<direction>.stabilizationWindowSeconds`. */
export interface ScalingRules {
  stabilizationWindowSeconds: number;
}

/**
 * `spec.autoscaling`: the app scales one of its workloads on a Prometheus query, HPA-style. The
 * agent queries its own Prometheus (never an address from the spec).
 */
export interface AutoscalingPolicy {
  /** `Kind/name` of a workload of this app with `spec.replicas` (Deployment, StatefulSet, ReplicaSet). */
  target: string;
  min: number;
  max: number;
  /** PromQL returning one number (a scalar or a single-series vector). */
  query: string;
  targetValue: number;
  /**
   * `AverageValue` (default, KEDA's Prometheus trigger): desired = ceil(value / targetValue).
   * `Value` (the HPA's Object metric): desired = ceil(current × value / targetValue).
   */
  targetType: 'AverageValue' | 'Value';
  /** No change while |ratio − 1| ≤ tolerance (the HPA's 0.1). */
  tolerance: number;
  /** Defaults as the HPA: scale up at once (0 s), scale down on the highest recommendation of 300 s. */
  behavior: { scaleUp: ScalingRules; scaleDown: ScalingRules };
}

/** One PromQL check of `spec.analysis` (Flagger's `thresholdRange` wording). */
export interface AnalysisCheck {
  name: string;
  query: string;
  /** A measurement passes when min ≤ value ≤ max (either bound may be absent, not both). */
  thresholdRange: { min?: number; max?: number };
  /** Time between measurements, a duration ("30s"). */
  interval: string;
  /** Measurements taken. */
  count: number;
  /** Failed measurements tolerated; one more fails the check. */
  failureLimit: number;
}

/**
 * `spec.analysis`: after a new revision is Healthy and has run for `bakeTime`, every check is
 * measured; a failed check rolls back like a failed health check. `inconclusive` says what a check
 * without enough data does.
 */
export interface AnalysisPolicy {
  bakeTime: string;
  inconclusive: 'Rollback' | 'Accept';
  checks: AnalysisCheck[];
}

export interface AppSpec {
  name: string;
  /** The app's source; with `sources`, the first of them (what one-line summaries show). */
  source: AppSource;
  /**
   * Several sources deployed together (Argo CD `spec.sources`), at least two; absent for an app
   * with one source. Each has its own revision; the app's revision lists them (contract/revision.ts).
   */
  sources?: AppSource[];
  destination: AppDestination;
  syncPolicy: SyncPolicy;
  rollback: RollbackPolicy;
  ignoreDifferences: IgnoreDifference[];
  autoscaling?: AutoscalingPolicy;
  analysis?: AnalysisPolicy;
  /** Who is told what (names of the worker's notification services only; docs/NOTIFICATIONS.md). */
  notifications?: AppNotifications;
}
