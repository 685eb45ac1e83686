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
import { applySpec, creatorOf } from '../../client/apply-spec.js';
import { PolicyViolation } from '../../contract/errors.js';
import type { PolicyGuard } from '../cluster/policy-guard.js';
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

/**
 * Registers every Application in `objects`; `source` names them in errors (e.g. `app apps @ a1b2c3d`).
 * Every child is checked first, and one refused child registers none: the parent's project must allow
 * the child's project (the agent's policy binds both by name), and an app that already runs must
 * have been created by this parent (an app of apps never overwrites an app it did not create).
 * @throws {PolicyViolation} naming the parent, the child and the rule
 */
export async function registerApplications(
  client: Client,
  taskQueue: string,
  objects: readonly KubeObject[],
  source: string,
  parent: { app: string; guard: PolicyGuard },
): Promise<{ registered: RegisteredApplication[]; warnings: string[] }> {
  const docs = objects.filter(isApplicationObject);
  if (docs.length === 0) return { registered: [], warnings: [] };
  const registry = await loadClusterRegistry();
  const result = await loadApplications(docs.map((d) => stringify(d)).join('---\n'), source, {
    clusterByServer: (server) => registry.byServer(server),
    clusters: () => registry.list(),
  });
  for (const spec of result.apps) {
    if (spec.name === parent.app)
      throw new PolicyViolation(
        `${source}: app of apps "${parent.app}" renders an Application of its own name; refused`,
      );
    parent.guard.assertChild(parent.app, spec.name);
    const creator = await creatorOf(client, spec.name);
    if (creator !== undefined && creator !== parent.app)
      throw new PolicyViolation(
        `${source}: app of apps "${parent.app}" may not overwrite app "${spec.name}": it was ` +
          (creator === null ? 'applied by an operator' : `created by app of apps "${creator}"`) +
          '; nothing was registered. Rename the child, or delete the existing app first',
      );
  }
  const registered: RegisteredApplication[] = [];
  for (const spec of result.apps)
    registered.push({ name: spec.name, outcome: await applySpec(client, spec, taskQueue, parent.app) });
  return { registered, warnings: result.warnings.map((w) => w.message) };
}
