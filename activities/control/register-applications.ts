/**
 * App of apps: Application and ApplicationSet objects found in an app's rendered manifests are
 * registered as Mooring applications (their own entity workflows) instead of being applied to
 * the cluster, as Argo CD's app-of-apps pattern expects.
 */
import type { Client } from '@temporalio/client';
import { stringify } from 'yaml';
import { loadClusterRegistry } from '../../client/cluster-registry-file.js';
import { loadApplications } from '../../config/load-applications.js';
import type { KubeObject } from '../../contract/kube-object.js';
import { groupOf } from '../../contract/object-ref.js';
import { applySpec } from '../../client/apply-spec.js';
import type { ApplyOutcome } from '../../client/apply-spec.js';

const APP_KINDS = new Set([
  'argoproj.io/Application',
  'argoproj.io/ApplicationSet',
  'mooring.dev/Application',
]);

function isApplicationObject(obj: KubeObject): boolean {
  return APP_KINDS.has(`${groupOf(obj.apiVersion)}/${obj.kind}`);
}

export interface RegisteredApplication {
  name: string;
  outcome: ApplyOutcome;
}

/** Registers every Application in `objects`; `source` names them in errors (e.g. `app apps @ a1b2c3d`). */
export async function registerApplications(
  client: Client,
  taskQueue: string,
  objects: readonly KubeObject[],
  source: string,
): Promise<{ registered: RegisteredApplication[]; warnings: string[] }> {
  const docs = objects.filter(isApplicationObject);
  if (docs.length === 0) return { registered: [], warnings: [] };
  const registry = await loadClusterRegistry();
  const result = await loadApplications(docs.map((d) => stringify(d)).join('---\n'), source, {
    clusterByServer: (server) => registry.byServer(server),
    clusters: () => registry.list(),
  });
  const registered: RegisteredApplication[] = [];
  for (const spec of result.apps)
    registered.push({ name: spec.name, outcome: await applySpec(client, spec, taskQueue) });
  return { registered, warnings: result.warnings.map((w) => w.message) };
}
