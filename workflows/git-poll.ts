/**
 * Scheduled every minute (Temporal Schedule `git-poll`): one remote check per distinct
 * (repository, target revision), however many apps share it, and a `refresh` signal only to the
 * apps whose target commit moved.
 */
import type { GitPollResult } from '../contract/workflows.js';
import { getExternalWorkflowHandle, proxyActivities } from '@temporalio/workflow';
import type { ClusterActivities, ControlActivities } from '../contract/activities.js';
import { fleetListProfile, remoteCheckProfile } from './activity-profiles.js';
import { groupByRevision, mapBounded } from './fleet.js';
import { refreshSignal } from '../contract/messages.js';

const CONCURRENCY = 8;

export async function gitPollWorkflow(): Promise<GitPollResult> {
  const control = proxyActivities<ControlActivities>(fleetListProfile());
  const apps = await control.listApplications();
  const groups = groupByRevision(apps);
  const refreshed: string[] = [];
  const errors: string[] = [];
  await mapBounded(groups, CONCURRENCY, async (group) => {
    const git = proxyActivities<ClusterActivities>(remoteCheckProfile(group.cluster));
    try {
      const { sha } = await git.checkRemote({ repoURL: group.repoURL, targetRevision: group.targetRevision });
      for (const app of group.apps) {
        if (app.headRevision === sha) continue;
        await getExternalWorkflowHandle(app.workflowId).signal(refreshSignal, { sha, reason: 'new commit' });
        refreshed.push(app.name);
      }
    } catch (err) {
      errors.push(
        `${group.repoURL}@${group.targetRevision}: ${err instanceof Error ? err.message : String(err)}`,
      );
    }
  });
  return { apps: apps.length, remoteChecks: groups.length, refreshed, errors };
}
