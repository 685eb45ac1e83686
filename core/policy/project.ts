/**
 * Projects: what an app may deploy, from where and to where. The agent binds each app to one
 * project by the app's name, from its own policy file, and checks every source and object against
 * that project before anything is written. Nothing here trusts a workflow payload: the payload only
 * names the app, and the binding decides the rules.
 */
import picomatch from 'picomatch';
import type { AgentPolicy, AgentSettings, KindRule, Project } from '../../config/policy-types.js';

export type {
  AgentPolicy,
  AgentSettings,
  KindRule,
  Project,
  ProjectDestination,
  ProjectRenderPolicy,
  ProjectSignatureKeys,
  SyncWindow,
  SyncWindowKind,
} from '../../config/policy-types.js';

/** The cluster an agent serves, as destinations name it. */
export interface ClusterIdentity {
  name: string;
  server?: string;
}

/** Label keys that decide what pods of a namespace may do; no app may set or change them. */
export const POD_SECURITY_LABEL_PREFIX = 'pod-security.kubernetes.io/';

const DEFAULT_PROJECT = 'default';

/** Compiled globs: every object of every plan is checked against the same few patterns. */
const matchers = new Map<string, (value: string) => boolean>();

/** Whether `value` matches the glob `pattern` (`*` alone matches anything, slashes included). */
export function globMatch(pattern: string, value: string): boolean {
  // The core API group is the empty string, which picomatch does not take as a pattern.
  if (pattern === '') return value === '';
  // As in Argo CD, a lone "*" matches everything, slashes included (URLs).
  if (pattern === '*') return true;
  let matcher = matchers.get(pattern);
  if (!matcher) {
    matcher = picomatch(pattern, { dot: true, nocase: false });
    matchers.set(pattern, matcher);
  }
  return matcher(value);
}

/** Allow/deny glob list: matched by a positive pattern and by no `!` pattern. */
function allowedBy(patterns: readonly string[], value: string): boolean {
  const deny = patterns.filter((p) => p.startsWith('!')).map((p) => p.slice(1));
  const allow = patterns.filter((p) => !p.startsWith('!'));
  return allow.some((p) => globMatch(p, value)) && !deny.some((p) => globMatch(p, value));
}

function kindMatches(rules: readonly KindRule[], group: string, kind: string): boolean {
  return rules.some((r) => globMatch(r.group || '', group) && globMatch(r.kind, kind));
}

function groupOfApiVersion(apiVersion: string): string {
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? '' : apiVersion.slice(0, slash);
}

/** Why an app may not do something: the project and the rule it broke, in words. */
export interface PolicyViolationDetail {
  app: string;
  project: string;
  /** The object, e.g. `apps/Deployment team-b/web`, or the source URL. */
  subject: string;
  /** The rule, e.g. `destinations`, `clusterResourceWhitelist`. */
  rule: string;
  message: string;
}

/** The project an app is bound to, or why it has none. */
export function projectOf(policy: AgentPolicy, app: string): Project | { unbound: string } {
  const explicit = policy.projects.find((p) => p.applications.length > 0 && allowedBy(p.applications, app));
  if (explicit) return explicit;
  const fallback = policy.projects.find((p) => p.name === DEFAULT_PROJECT && p.applications.length === 0);
  if (fallback) return fallback;
  return {
    unbound:
      `app "${app}" is bound to no project in the agent's policy (${policy.source}): ` +
      `add the app's name to a project's "applications", or declare a "default" project`,
  };
}

/** True when a path segment is `.` or `..`, also percent-encoded (`%2e%2E`). */
function hasDotSegment(url: string): boolean {
  let decoded: string;
  try {
    decoded = decodeURIComponent(url);
  } catch {
    return true;
  }
  return decoded.split(/[/\\]/).some((segment) => segment === '.' || segment === '..');
}

/** Whether `repoURL` (already normalized) is one the project may deploy from. */
export function sourceAllowed(project: Project, normalizedRepoUrl: string): boolean {
  if (hasDotSegment(normalizedRepoUrl)) return false;
  return allowedBy(project.sourceRepos, normalizedRepoUrl);
}

/** Whether any project of the policy may deploy from `normalizedRepoUrl`. */
export function anyProjectAllowsSource(policy: AgentPolicy, normalizedRepoUrl: string): boolean {
  return policy.projects.some((p) => sourceAllowed(p, normalizedRepoUrl));
}

/** Whether the project may deploy into `namespace` on `cluster`. */
export function destinationAllowed(project: Project, cluster: ClusterIdentity, namespace: string): boolean {
  return project.destinations.some(
    (d) =>
      ((d.cluster !== undefined && globMatch(d.cluster, cluster.name)) ||
        (d.server !== undefined && cluster.server !== undefined && globMatch(d.server, cluster.server))) &&
      allowedBy([d.namespace], namespace),
  );
}

/** Why the project may not deploy into `namespace` on `cluster` (protected or no destination), if so. */
export function namespaceRefusal(
  project: Project,
  cluster: ClusterIdentity,
  settings: AgentSettings,
  namespace: string,
): { rule: string; message: string } | undefined {
  if (settings.protectedNamespaces.includes(namespace))
    return {
      rule: 'protectedNamespaces',
      message: `namespace "${namespace}" is protected by the agent's policy`,
    };
  if (!destinationAllowed(project, cluster, namespace))
    return {
      rule: 'destinations',
      message: `namespace "${namespace}" on cluster "${cluster.name}" is not a destination of the project`,
    };
  return undefined;
}

/** The minimal object shape the checks read. */
export interface PolicyObject {
  apiVersion: string;
  kind: string;
  metadata: { name?: string; namespace?: string; labels?: Record<string, string> };
}

function describe(obj: PolicyObject): string {
  const group = groupOfApiVersion(obj.apiVersion);
  const where = obj.metadata.namespace ? `${obj.metadata.namespace}/` : '';
  return `${group ? `${group}/` : ''}${obj.kind} ${where}${obj.metadata.name ?? '(generated name)'}`;
}

export interface ObjectCheckContext {
  app: string;
  project: Project;
  cluster: ClusterIdentity;
  settings: AgentSettings;
  /**
   * The Namespace object CreateNamespace=true adds for the destination: allowed without a
   * `Namespace` entry in clusterResourceWhitelist, as the destination itself is checked.
   */
  createdNamespace?: PolicyObject;
}

/**
 * Every rule the object breaks, in the project's terms. A cluster-scoped object is one without a
 * namespace (the caller has applied the namespace default with the API's scope).
 */
export function objectViolations(obj: PolicyObject, ctx: ObjectCheckContext): PolicyViolationDetail[] {
  const { app, project, cluster, settings } = ctx;
  const group = groupOfApiVersion(obj.apiVersion);
  const subject = describe(obj);
  const found: PolicyViolationDetail[] = [];
  const violation = (rule: string, message: string) =>
    found.push({ app, project: project.name, subject, rule, message });
  const namespace = obj.metadata.namespace;

  if (namespace === undefined) {
    const isNamespaceObject = group === '' && obj.kind === 'Namespace';
    const exempt = isNamespaceObject && obj === ctx.createdNamespace;
    if (!exempt && !kindMatches(project.clusterResourceWhitelist, group, obj.kind))
      violation(
        'clusterResourceWhitelist',
        `cluster-scoped kind ${group || 'core'}/${obj.kind} is not in the project's clusterResourceWhitelist`,
      );
    if (kindMatches(project.clusterResourceBlacklist, group, obj.kind))
      violation(
        'clusterResourceBlacklist',
        `cluster-scoped kind ${group || 'core'}/${obj.kind} is in the project's clusterResourceBlacklist`,
      );
    if (isNamespaceObject) {
      const refused = namespaceRefusal(project, cluster, settings, obj.metadata.name ?? '');
      if (refused) violation(refused.rule, refused.message);
      const podSecurity = Object.keys(obj.metadata.labels ?? {}).filter((k) =>
        k.startsWith(POD_SECURITY_LABEL_PREFIX),
      );
      if (podSecurity.length > 0)
        violation(
          'podSecurityLabels',
          `sets ${podSecurity.join(', ')}: pod-security labels are never managed by apps`,
        );
    }
    return found;
  }

  const refused = namespaceRefusal(project, cluster, settings, namespace);
  if (refused) violation(refused.rule, refused.message);
  if (kindMatches(project.namespaceResourceBlacklist, group, obj.kind))
    violation(
      'namespaceResourceBlacklist',
      `kind ${group || 'core'}/${obj.kind} is in the project's namespaceResourceBlacklist`,
    );
  if (project.namespaceResourceWhitelist && !kindMatches(project.namespaceResourceWhitelist, group, obj.kind))
    violation(
      'namespaceResourceWhitelist',
      `kind ${group || 'core'}/${obj.kind} is not in the project's namespaceResourceWhitelist`,
    );
  return found;
}

/** Whether an app of apps in `parent` may create a child app bound to `child`. */
export function childProjectAllowed(parent: Project, child: Project): boolean {
  if (parent.name === child.name) return true;
  return allowedBy(parent.childProjects, child.name);
}

/** One line per violation: `app "a" (project "p"): apps/Deployment x/y: <message> [rule]`. */
export function formatViolations(violations: readonly PolicyViolationDetail[], limit = 10): string {
  const lines = violations
    .slice(0, limit)
    .map((v) => `app "${v.app}" (project "${v.project}"): ${v.subject}: ${v.message} [rule ${v.rule}]`);
  if (violations.length > limit) lines.push(`... and ${violations.length - limit} more`);
  return lines.join('; ');
}
