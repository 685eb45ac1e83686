/**
 * A one-off diff (`mooring app diff`): resolve the revision, render it and compare it with the
 * cluster by server-side dry run. Writes nothing; the full diff stays in the agent's store and
 * only counts and its key come back.
 */
import { autoscaledTarget, renderInputOf, revisionQueryOf } from '../contract/activities.js';
import type { DiffWorkflowInput, DiffWorkflowResult } from '../contract/workflows.js';
import { proxyActivities } from '@temporalio/workflow';
import type { ClusterActivities } from '../contract/activities.js';
import { NON_RETRYABLE_ERRORS } from '../contract/errors.js';
import { clusterTaskQueue } from '../contract/ids.js';

export async function diffWorkflow(input: DiffWorkflowInput): Promise<DiffWorkflowResult> {
  const { spec } = input;
  const cluster = proxyActivities<ClusterActivities>({
    taskQueue: clusterTaskQueue(spec.destination.cluster),
    startToCloseTimeout: '2m',
    retry: { maximumAttempts: 3, nonRetryableErrorTypes: [...NON_RETRYABLE_ERRORS] },
  });
  const { sha } = await cluster.resolveRevision(revisionQueryOf(spec, input.revision));
  const source = renderInputOf(spec, sha);
  const rendered = await cluster.renderManifests(source);
  // With several agent replicas the diff may run on one that did not render: it renders again.
  const diff = await cluster.diffApplication({
    app: spec.name,
    manifestKey: rendered.manifestKey,
    namespace: spec.destination.namespace,
    syncOptions: spec.syncPolicy.syncOptions,
    ignoreDifferences: spec.ignoreDifferences,
    autoscaled: autoscaledTarget(spec.autoscaling),
    source,
  });
  return { ...diff, revision: sha };
}
