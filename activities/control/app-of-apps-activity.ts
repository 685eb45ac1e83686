/** The activity behind app-of-apps: runs on the cluster's queue, where the rendered manifests are. */
import type { Client } from '@temporalio/client';
import type { RegisterApplicationsInput, RegisterApplicationsResult } from '../../contract/activities.js';
import { ManifestStore } from '../render/manifest-store.js';
import { registerApplications } from './register-applications.js';
import type { PolicyGuard } from '../cluster/policy-guard.js';

export function createAppOfAppsActivities(deps: {
  client: Client;
  taskQueue: string;
  /** The agent's policy: the parent's project decides which child apps it may create. */
  guard: PolicyGuard;
  store?: ManifestStore;
}) {
  const store = deps.store ?? new ManifestStore();
  return {
    async registerApplications(input: RegisterApplicationsInput): Promise<RegisterApplicationsResult> {
      const objects = await store.get(input.manifestKey);
      if (!objects)
        throw new Error(
          `Rendered manifests ${input.manifestKey.slice(0, 12)} are not in this worker's store`,
        );
      return await registerApplications(
        deps.client,
        deps.taskQueue,
        objects,
        `app ${input.app} @ ${input.revision.slice(0, 7)}`,
        { app: input.app, guard: deps.guard },
      );
    },
  };
}
