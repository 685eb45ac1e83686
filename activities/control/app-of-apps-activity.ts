/**
 * App of apps on the cluster's queue, where the rendered manifests are. `childApplications` reads
 * and checks the child specs and needs no Temporal client (an agent's credential may only poll and
 * complete its tasks); the control plane registers them. `registerApplications`, which does both in
 * one call with a client, is kept for syncs started before that split (see workflows/patches.ts).
 */
import type { Client } from '@temporalio/client';
import type {
  AppOfAppsActivities,
  ChildApplicationsInput,
  ChildApplicationsResult,
  LegacyAppOfAppsActivities,
  RegisterApplicationsInput,
  RegisterApplicationsResult,
} from '../../contract/activities.js';
import { ManifestsMissing } from '../../contract/errors.js';
import { assertRenderedFor } from '../cluster/render-provenance.js';
import { ManifestStore } from '../render/manifest-store.js';
import type { PolicyGuard } from '../cluster/policy-guard.js';
import { childApplications, parentLabel } from './child-applications.js';
import { registerChildApplications } from './register-child-applications.js';

export interface AppOfAppsDeps {
  /** The agent's policy: the parent's project decides which child apps it may create. */
  guard: PolicyGuard;
  store?: ManifestStore;
  /**
   * A Temporal client and the workflow queue its apps run on. Only a worker holding one (the
   * combined worker) serves the older `registerApplications`; an agent has none.
   */
  client?: Client;
  /** The workflow task queue; required with `client`. */
  taskQueue?: string;
}

export function createAppOfAppsActivities(
  deps: AppOfAppsDeps,
): AppOfAppsActivities & Partial<LegacyAppOfAppsActivities> {
  const store = deps.store ?? new ManifestStore();

  async function readChildren(input: ChildApplicationsInput): Promise<ChildApplicationsResult> {
    deps.guard.projectFor(input.app);
    await assertRenderedFor(store.dir, input.manifestKey, input.app);
    const objects = await store.get(input.manifestKey);
    if (!objects)
      throw new ManifestsMissing(
        `Rendered manifests ${input.manifestKey.slice(0, 12)} of app of apps "${input.app}" are not in this worker's store; the sync must render again`,
      );
    return await childApplications(objects, parentLabel(input.app, input.revision), {
      app: input.app,
      guard: deps.guard,
    });
  }

  const activities: AppOfAppsActivities = { childApplications: readChildren };
  const { client, taskQueue } = deps;
  if (!client) return activities;
  if (taskQueue === undefined)
    throw new TypeError('createAppOfAppsActivities: a client needs the workflow taskQueue its apps run on');
  return {
    ...activities,
    async registerApplications(input: RegisterApplicationsInput): Promise<RegisterApplicationsResult> {
      const children = await readChildren(input);
      if (children.specs.length === 0) return { registered: [], warnings: [] };
      const { registered } = await registerChildApplications(client, taskQueue, {
        parent: input.app,
        revision: input.revision,
        specs: children.specs,
      });
      return { registered, warnings: children.warnings };
    },
  };
}
