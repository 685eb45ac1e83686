/**
 * The agent's enforcement point: every cluster activity asks the guard before it reads a repository,
 * renders or writes. The guard holds the policy the agent loaded from its own file; an activity input
 * only names the app, and the app's name alone decides its project.
 */
import { PolicyViolation } from '../../contract/errors.js';
import type { KubeObject } from '../../contract/kube-object.js';
import {
  anyProjectAllowsSource,
  childProjectAllowed,
  formatViolations,
  namespaceRefusal,
  objectViolations,
  projectOf,
  sourceAllowed,
  type AgentPolicy,
  type ClusterIdentity,
  type PolicyViolationDetail,
  type Project,
  type ProjectRenderPolicy,
  type ProjectSignatureKeys,
} from '../../core/policy/project.js';
import { normalizeRepoUrl } from '../git/repo-url.js';
import { redactUrl } from '../../core/git/redact.js';

export class PolicyGuard {
  readonly policy: AgentPolicy;
  readonly cluster: ClusterIdentity;

  constructor(policy: AgentPolicy, cluster: ClusterIdentity) {
    this.policy = policy;
    this.cluster = cluster;
  }

  /** The app's project. @throws {PolicyViolation} when the policy binds the app to none */
  projectFor(app: string): Project {
    const bound = projectOf(this.policy, app);
    if ('unbound' in bound)
      throw new PolicyViolation(`Refused by the agent of cluster "${this.cluster.name}": ${bound.unbound}`);
    return bound;
  }

  #refuse(violations: PolicyViolationDetail[], what: string): never {
    throw new PolicyViolation(
      `Refused by the agent of cluster "${this.cluster.name}" before anything was written (${what}): ` +
        `${formatViolations(violations)}. Change the app, or the project in ${this.policy.source}`,
    );
  }

  /** @throws {PolicyViolation} unless the app's project allows `repoURL` */
  assertSource(app: string, repoURL: string): Project {
    const project = this.projectFor(app);
    if (!sourceAllowed(project, normalizeRepoUrl(repoURL)))
      this.#refuse(
        [
          {
            app,
            project: project.name,
            subject: `source ${redactUrl(repoURL)}`,
            rule: 'sourceRepos',
            message: `the repository is not in the project's sourceRepos (${project.sourceRepos.join(', ') || 'none'})`,
          },
        ],
        'source',
      );
    return project;
  }

  /** Git reads that name no app (revision checks, directory listings) must be for some project's repo. */
  assertRepoKnown(repoURL: string): void {
    if (!anyProjectAllowsSource(this.policy, normalizeRepoUrl(repoURL)))
      throw new PolicyViolation(
        `Refused by the agent of cluster "${this.cluster.name}": repository ${redactUrl(repoURL)} is in no project's sourceRepos (${this.policy.source})`,
      );
  }

  /** @throws {PolicyViolation} unless the app's project may deploy into `namespace` on this cluster */
  assertDestination(app: string, namespace: string): Project {
    const project = this.projectFor(app);
    const refused = namespaceRefusal(project, this.cluster, this.policy.settings, namespace);
    if (refused)
      this.#refuse(
        [
          {
            app,
            project: project.name,
            subject: `destination ${this.cluster.name}/${namespace}`,
            ...refused,
          },
        ],
        'destination',
      );
    return project;
  }

  /**
   * Checks every object an activity is about to dry-run, apply, hook or delete.
   * @throws {PolicyViolation} listing every object and rule that fails
   */
  assertObjects(app: string, objects: readonly KubeObject[], createdNamespace?: KubeObject): void {
    const project = this.projectFor(app);
    const violations = objects.flatMap((obj) =>
      objectViolations(obj, {
        app,
        project,
        cluster: this.cluster,
        settings: this.policy.settings,
        createdNamespace,
      }),
    );
    if (violations.length > 0) this.#refuse(violations, 'objects');
  }

  /** Splits live objects into those the app's project may delete and the rest (kept, with why). */
  deletable(
    app: string,
    objects: readonly KubeObject[],
  ): { allowed: KubeObject[]; refused: { obj: KubeObject; reason: string }[] } {
    const project = this.projectFor(app);
    const allowed: KubeObject[] = [];
    const refused: { obj: KubeObject; reason: string }[] = [];
    for (const obj of objects) {
      const found = objectViolations(obj, {
        app,
        project,
        cluster: this.cluster,
        settings: this.policy.settings,
      });
      if (found.length === 0) allowed.push(obj);
      else
        refused.push({
          obj,
          reason: `kept: ${found[0]?.message ?? 'outside the project'} (project "${project.name}")`,
        });
    }
    return { allowed, refused };
  }

  /** @throws {PolicyViolation} unless an app of apps `parent` may create or update the child app `child` */
  assertChild(parent: string, child: string): void {
    const parentProject = this.projectFor(parent);
    const childProject = this.projectFor(child);
    if (!childProjectAllowed(parentProject, childProject))
      this.#refuse(
        [
          {
            app: parent,
            project: parentProject.name,
            subject: `child app "${child}" (project "${childProject.name}")`,
            rule: 'childProjects',
            message: `an app of apps in project "${parentProject.name}" may not create apps in project "${childProject.name}"`,
          },
        ],
        'app of apps',
      );
  }

  renderPolicy(app: string): ProjectRenderPolicy {
    return this.projectFor(app).render;
  }

  signatureKeys(app: string): ProjectSignatureKeys {
    return this.projectFor(app).signatureKeys;
  }
}
