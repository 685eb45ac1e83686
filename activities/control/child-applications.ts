/**
 * App of apps, the agent's half: the Application and ApplicationSet objects an app renders become
 * Mooring app specs (instead of cluster objects, as Argo CD's app-of-apps pattern expects), each
 * checked against the agent's policy. Nothing here talks to Temporal: the control plane registers
 * the specs (`register-child-applications.ts`).
 */
import { stringify } from 'yaml';
import { loadClusterRegistry } from '../../client/cluster-registry-file.js';
import { loadApplications } from '../../config/load-applications.js';
import type { ChildApplicationsResult } from '../../contract/activities.js';
import { PolicyViolation } from '../../contract/errors.js';
import type { KubeObject } from '../../contract/kube-object.js';
import { groupOf } from '../../contract/object-ref.js';
import type { PolicyGuard } from '../cluster/policy-guard.js';

const APP_KINDS = new Set([
  'argoproj.io/Application',
  'argoproj.io/ApplicationSet',
  'mooring.dev/Application',
]);

function isApplicationObject(obj: KubeObject): boolean {
  return APP_KINDS.has(`${groupOf(obj.apiVersion)}/${obj.kind}`);
}

/** `app apps @ a1b2c3d`: how messages name an app of apps at a revision. */
export function parentLabel(app: string, revision: string): string {
  return `app ${app} @ ${revision.slice(0, 7)}`;
}

/** The app of apps "<parent>" renders an Application of its own name. */
export function ownNameRefusal(source: string, parent: string): PolicyViolation {
  return new PolicyViolation(
    `${source}: app of apps "${parent}" renders an Application of its own name; refused`,
  );
}

/**
 * The child app specs among `objects` (ApplicationSets expanded with the agent's cluster registry).
 * Every child is checked, and one refused child fails the whole call: the parent's project must
 * allow the child's project (the agent's policy binds both by name), and no child may have the
 * parent's own name.
 * @throws {PolicyViolation} naming the parent, the child and the rule
 * @throws {SpecError} naming the object and field of an invalid Application
 */
export async function childApplications(
  objects: readonly KubeObject[],
  source: string,
  parent: { app: string; guard: PolicyGuard },
): Promise<ChildApplicationsResult> {
  const docs = objects.filter(isApplicationObject);
  if (docs.length === 0) return { specs: [], warnings: [] };
  const registry = await loadClusterRegistry();
  const result = await loadApplications(docs.map((d) => stringify(d)).join('---\n'), source, {
    clusterByServer: (server) => registry.byServer(server),
    clusters: () => registry.list(),
  });
  for (const spec of result.apps) {
    if (spec.name === parent.app) throw ownNameRefusal(source, parent.app);
    parent.guard.assertChild(parent.app, spec.name);
  }
  return { specs: result.apps, warnings: result.warnings.map((w) => w.message) };
}
