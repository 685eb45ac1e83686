/**
 * The agent's Prometheus-backed activities (autoscaling and analysis) and how an apply leaves an
 * autoscaled target's replicas to the autoscaler. The agent queries its own Prometheus
 * (`MOORING_PROMETHEUS_URL`); a spec only gives the PromQL.
 */
import type {
  AutoscaledTarget,
  MetricsActivities,
  PlanInput,
  QueryMetricResult,
} from '../../contract/activities.js';
import type { IgnoreDifference } from '../../config/types.js';
import { InvalidAutoscalingTarget } from '../../contract/errors.js';
import type { KubeObject } from '../../contract/kube-object.js';
import {
  AUTOSCALER_FIELD_MANAGER,
  isTarget,
  ownsReplicas,
  parseTarget,
  replicasIgnoreRule,
  replicasOf,
  replicasPatch,
  withReplicas,
} from '../../core/autoscale/target.js';
import type { TargetRef } from '../../core/autoscale/target.js';
import { boundReplicas } from '../../core/autoscale/recommend.js';
import { applyStrategy } from '../../core/sync/apply-strategy.js';
import { appSyncOptions } from '../../core/sync/app-sync-options.js';
import { isTrackedBy } from '../../core/sync/tracking.js';
import { PrometheusUnavailableError, PromQueryError } from '../metrics/prometheus-client.js';
import type { PrometheusClient } from '../metrics/prometheus-client.js';
import type { KubeClient } from './kube-client.js';
import type { PolicyGuard } from './policy-guard.js';

export interface MetricsActivitiesOptions {
  client: KubeClient;
  guard: PolicyGuard;
  /** Undefined when the agent has no Prometheus configured: every measurement says so. */
  prometheus?: PrometheusClient;
  signal?: () => AbortSignal | undefined;
}

const NO_PROMETHEUS =
  'this agent has no Prometheus configured: set MOORING_PROMETHEUS_URL (or `mooring worker --prometheus-url`) on the agent of this cluster';

/** The ignore rules of a plan, with the autoscaled target's replicas added. */
export function ignoreRulesOf(input: PlanInput): IgnoreDifference[] {
  if (!input.autoscaled) return input.ignoreDifferences;
  return [
    ...input.ignoreDifferences,
    replicasIgnoreRule(parseTarget(input.autoscaled.target), input.namespace),
  ];
}

export function createMetricsActivities(options: MetricsActivitiesOptions): MetricsActivities {
  const { client, guard } = options;

  /** The live target, refused unless this app tracks it (an app never scales another's workload). */
  async function trackedTarget(
    app: string,
    namespace: string,
    target: string,
  ): Promise<KubeObject | undefined> {
    guard.assertDestination(app, namespace);
    const ref = parseTarget(target);
    const live = await client.get({ ...ref, namespace }, options.signal?.());
    if (live && !isTrackedBy(app, live))
      throw new InvalidAutoscalingTarget(
        `${target} in namespace ${namespace} is not an object of app ${app}: an app scales only a workload it deploys; fix spec.autoscaling.target`,
      );
    return live;
  }

  async function query(expr: string): Promise<QueryMetricResult> {
    if (!options.prometheus) return { noData: NO_PROMETHEUS };
    try {
      return await options.prometheus.query(expr, options.signal?.());
    } catch (err) {
      if (err instanceof PrometheusUnavailableError || err instanceof PromQueryError)
        return { noData: err.message };
      throw err;
    }
  }

  return {
    async measureAutoscaling(input) {
      const live = await trackedTarget(input.app, input.namespace, input.target);
      if (!live)
        return {
          problem: `${input.target} does not exist in namespace ${input.namespace} yet (not synced?)`,
        };
      const currentReplicas = replicasOf(live);
      const sample = await query(input.query);
      if ('noData' in sample)
        return { currentReplicas, problem: `query ${JSON.stringify(short(input.query))}: ${sample.noData}` };
      return { currentReplicas, value: sample.value };
    },

    async scaleTarget(input) {
      const live = await trackedTarget(input.app, input.namespace, input.target);
      if (!live)
        throw new InvalidAutoscalingTarget(
          `Cannot scale ${input.target}: it does not exist in namespace ${input.namespace}; sync the app first`,
        );
      await claimReplicas(
        client,
        parseTarget(input.target),
        input.namespace,
        input.replicas,
        options.signal?.(),
      );
      return { previousReplicas: replicasOf(live), replicas: input.replicas };
    },

    async queryMetric(input) {
      return await query(input.query);
    },
  };
}

function short(query: string): string {
  return query.length > 120 ? `${query.slice(0, 117)}...` : query;
}

/**
 * The objects of an apply step with the autoscaled target's replicas left to the autoscaler: an
 * existing target is applied without `spec.replicas` (after `mooring-autoscaler` claims the live
 * value, so dropping the field does not reset it); a new one is created with its Git replicas
 * bounded to [min, max], and `claim` then makes the autoscaler a co-owner.
 */
export async function leaveReplicasToAutoscaler(
  client: KubeClient,
  input: PlanInput,
  objects: KubeObject[],
  signal?: AbortSignal,
): Promise<{ objects: KubeObject[]; claim: () => Promise<void> }> {
  const autoscaled = input.autoscaled;
  if (!autoscaled) return { objects, claim: async () => undefined };
  const ref = parseTarget(autoscaled.target);
  const index = objects.findIndex((o) => isTarget(ref, input.namespace, o));
  const desired = objects[index];
  if (desired === undefined) return { objects, claim: async () => undefined };
  const live = await client.get({ ...ref, namespace: input.namespace }, signal);
  const result = [...objects];
  if (live) {
    // Only a server-side apply leaves a field it is not given alone; a client-side patch or a
    // replace (sync options) would reset it, so those write the live count back.
    if (applyStrategy(desired, appSyncOptions(input.syncOptions)).mode !== 'server-side') {
      result[index] = withReplicas(desired, replicasOf(live));
      return { objects: result, claim: async () => undefined };
    }
    if (!ownsReplicas(live, AUTOSCALER_FIELD_MANAGER))
      await claimReplicas(client, ref, input.namespace, replicasOf(live), signal);
    result[index] = withReplicas(desired, undefined);
    return { objects: result, claim: async () => undefined };
  }
  const initial = initialReplicas(autoscaled, desired);
  result[index] = withReplicas(desired, initial);
  return { objects: result, claim: () => claimReplicas(client, ref, input.namespace, initial, signal) };
}

function initialReplicas(autoscaled: AutoscaledTarget, desired: KubeObject): number {
  const fromGit = (desired as { spec?: { replicas?: unknown } }).spec?.replicas;
  return boundReplicas(autoscaled, typeof fromGit === 'number' ? fromGit : autoscaled.min);
}

async function claimReplicas(
  client: KubeClient,
  ref: TargetRef,
  namespace: string,
  replicas: number,
  signal?: AbortSignal,
): Promise<void> {
  await client.apply(replicasPatch(ref, namespace, replicas), {
    fieldManager: AUTOSCALER_FIELD_MANAGER,
    force: true,
    dryRun: false,
    signal,
  });
}
