/**
 * Scheduled every 30 s (Temporal Schedule `autoscale`): measures every autoscaled app on its
 * cluster's agent (the target's replicas and the policy's PromQL value), computes the HPA-style
 * recommendation and signals the app with it. The app applies its stabilization windows and
 * scales; an app whose recommendation equals its replicas, with nothing pending, is not signalled
 * (no history grows while nothing changes).
 */
import { getExternalWorkflowHandle, patched, proxyActivities } from '@temporalio/workflow';
import { PATCHES } from './patches.js';
import type { ControlActivities, MetricsActivities } from '../contract/activities.js';
import type { ApplicationSummary } from '../contract/activities.js';
import { autoscaleSignal } from '../contract/messages.js';
import type { AutoscaleEvaluation } from '../contract/messages.js';
import type { AutoscaleResult } from '../contract/workflows.js';
import { recommendReplicas } from '../core/autoscale/recommend.js';
import { fleetListProfile, metricsProfile } from './activity-profiles.js';
import { listInPages, mapBounded } from './fleet.js';
import { failureMessage } from './sync-results.js';

const CONCURRENCY = 8;

export async function autoscaleWorkflow(): Promise<AutoscaleResult> {
  const control = proxyActivities<ControlActivities>(fleetListProfile());
  // The fleet's other apps stay out of this run's history (it runs every 30 s).
  const filter = patched(PATCHES.autoscaledOnActivity) ? { autoscaled: true } : undefined;
  const listed = patched(PATCHES.pagedFleetListing)
    ? await listInPages(control, filter)
    : await control.listApplications(filter);
  const apps = listed.filter((a) => a.autoscaling);
  const result: AutoscaleResult = { evaluated: apps.length, signalled: [], unchanged: [], errors: [] };
  await mapBounded(apps, CONCURRENCY, async (app) => {
    try {
      const evaluation = await evaluate(app);
      if (!worthSignalling(app, evaluation)) {
        result.unchanged.push(app.name);
        return;
      }
      await getExternalWorkflowHandle(app.workflowId).signal(autoscaleSignal, evaluation);
      result.signalled.push(app.name);
    } catch (err) {
      result.errors.push(`${app.name}: ${failureMessage(err)}`);
    }
  });
  return result;
}

async function evaluate(app: ApplicationSummary): Promise<AutoscaleEvaluation> {
  const { policy } = app.autoscaling as NonNullable<ApplicationSummary['autoscaling']>;
  const agent = proxyActivities<MetricsActivities>(metricsProfile(app.cluster));
  try {
    const measured = await agent.measureAutoscaling.executeWithOptions(
      { ...metricsProfile(app.cluster), summary: `measure ${app.name}: ${policy.target}` },
      [{ app: app.name, namespace: app.namespace, target: policy.target, query: policy.query }],
    );
    if (
      measured.problem !== undefined ||
      measured.value === undefined ||
      measured.currentReplicas === undefined
    )
      return {
        currentReplicas: measured.currentReplicas,
        reason: 'not measured',
        problem: measured.problem ?? 'no value',
      };
    const recommendation = recommendReplicas(policy, measured.currentReplicas, measured.value);
    return {
      currentReplicas: measured.currentReplicas,
      value: measured.value,
      recommendation: recommendation.replicas,
      reason: recommendation.reason,
    };
  } catch (err) {
    return { reason: 'not measured', problem: failureMessage(err) };
  }
}

/**
 * The app hears an evaluation when it could change something or something to report changed: a
 * recommendation other than its replicas, recommendations it remembers, replicas that moved
 * outside Mooring, or a measurement problem appearing or going away.
 */
function worthSignalling(app: ApplicationSummary, evaluation: AutoscaleEvaluation): boolean {
  const known = app.autoscaling as NonNullable<ApplicationSummary['autoscaling']>;
  if (evaluation.problem !== undefined) return evaluation.problem !== known.problem;
  return (
    known.problem !== undefined ||
    known.pending ||
    evaluation.currentReplicas !== known.replicas ||
    evaluation.recommendation !== evaluation.currentReplicas
  );
}
