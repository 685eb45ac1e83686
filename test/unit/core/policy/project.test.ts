import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  childProjectAllowed,
  destinationAllowed,
  formatViolations,
  objectViolations,
  projectOf,
  sourceAllowed,
  type AgentPolicy,
  type Project,
} from '../../../../core/policy/project.js';

function project(name: string, overrides: Partial<Project> = {}): Project {
  return {
    name,
    origin: `policy.yaml, Project/${name}`,
    applications: [],
    sourceRepos: [],
    destinations: [],
    clusterResourceWhitelist: [],
    clusterResourceBlacklist: [],
    namespaceResourceBlacklist: [],
    childProjects: [],
    render: { allowRemoteValueFiles: false, allowRemoteBases: false, allowPlugins: false },
    signatureKeys: { gpgPublicKeys: [], sshAllowedSigners: [] },
    ...overrides,
  };
}

const teamA = project('team-a', {
  applications: ['team-a-*'],
  sourceRepos: ['https://git.example.com/team-a/*', '!https://git.example.com/team-a/secrets'],
  destinations: [
    { cluster: 'prod-*', namespace: 'team-a-*' },
    { server: 'https://10.0.0.1:6443', namespace: 'shared' },
  ],
  namespaceResourceBlacklist: [{ group: '', kind: 'ResourceQuota' }],
});
const platform = project('platform', {
  applications: ['platform-*'],
  sourceRepos: ['*'],
  destinations: [{ cluster: '*', namespace: '*' }],
  clusterResourceWhitelist: [{ group: '', kind: 'Namespace' }],
  childProjects: ['team-*'],
});
const settings = { allowedRepoSchemes: ['https'], protectedNamespaces: ['mooring-system', 'kube-system'] };
const policy: AgentPolicy = { source: 'policy.yaml', projects: [teamA, platform], settings };
const cluster = { name: 'prod-eu', server: 'https://10.0.0.1:6443' };

test('an app is bound by its name to the first matching project, else to a default project without applications', () => {
  assert.equal((projectOf(policy, 'team-a-web') as Project).name, 'team-a');
  assert.equal((projectOf(policy, 'platform-apps') as Project).name, 'platform');
  const unbound = projectOf(policy, 'intruder');
  assert.ok('unbound' in unbound);
  assert.match(
    unbound.unbound,
    /app "intruder" is bound to no project in the agent's policy \(policy\.yaml\)/,
  );
  const withDefault = { ...policy, projects: [...policy.projects, project('default')] };
  assert.equal((projectOf(withDefault, 'intruder') as Project).name, 'default');
  // A default that lists applications binds only those.
  const narrowDefault = { ...policy, projects: [project('default', { applications: ['demo'] })] };
  assert.ok('unbound' in projectOf(narrowDefault, 'intruder'));
});

test('source repositories are globs on normalized URLs, with exclusions', () => {
  assert.ok(sourceAllowed(teamA, 'https://git.example.com/team-a/web'));
  assert.ok(!sourceAllowed(teamA, 'https://git.example.com/team-a/secrets'));
  assert.ok(!sourceAllowed(teamA, 'https://git.example.com/team-b/web'));
  // Dot segments (plain or percent-encoded) never match: git would resolve them elsewhere.
  assert.ok(!sourceAllowed(teamA, 'https://git.example.com/team-a/..'));
  assert.ok(!sourceAllowed(teamA, 'https://git.example.com/team-a/%2e%2E'));
  assert.ok(!sourceAllowed(platform, 'https://git.example.com/team-a/../../etc'));
  assert.ok(!sourceAllowed(project('none'), 'https://git.example.com/x'));
  // A lone "*" allows every URL; other globs do not cross "/".
  assert.ok(sourceAllowed(platform, 'ssh://git.example.com/any/deep/repo'));
  assert.ok(!sourceAllowed(teamA, 'https://git.example.com/team-a/group/repo'));
});

test('destinations match the cluster by name or by API server, and the namespace by glob', () => {
  assert.ok(destinationAllowed(teamA, cluster, 'team-a-prod'));
  assert.ok(destinationAllowed(teamA, cluster, 'shared'));
  assert.ok(!destinationAllowed(teamA, cluster, 'team-b-prod'));
  assert.ok(!destinationAllowed(teamA, { name: 'staging' }, 'team-a-prod'));
  const excluding = project('x', {
    destinations: [
      { cluster: '*', namespace: '!kube-*' },
      { cluster: '*', namespace: 'kube-*' },
    ],
  });
  // Each destination is one allow rule; an exclusion inside a rule only narrows that rule.
  assert.ok(destinationAllowed(excluding, cluster, 'kube-system'));
});

test('objects: namespaced ones need an allowed destination and a kind not blacklisted', () => {
  const ctx = { app: 'team-a-web', project: teamA, cluster, settings };
  const deployment = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'team-a-prod' },
  };
  assert.deepEqual(objectViolations(deployment, ctx), []);
  const elsewhere = { ...deployment, metadata: { name: 'web', namespace: 'team-b-prod' } };
  const [v] = objectViolations(elsewhere, ctx);
  assert.equal(v?.rule, 'destinations');
  assert.equal(v?.subject, 'apps/Deployment team-b-prod/web');
  assert.match(
    formatViolations(objectViolations(elsewhere, ctx)),
    /app "team-a-web" \(project "team-a"\): apps\/Deployment team-b-prod\/web: namespace "team-b-prod" on cluster "prod-eu" is not a destination of the project \[rule destinations\]/,
  );
  const quota = {
    apiVersion: 'v1',
    kind: 'ResourceQuota',
    metadata: { name: 'q', namespace: 'team-a-prod' },
  };
  assert.equal(objectViolations(quota, ctx)[0]?.rule, 'namespaceResourceBlacklist');
  const inAgentNs = { ...deployment, metadata: { name: 'web', namespace: 'mooring-system' } };
  assert.equal(objectViolations(inAgentNs, { ...ctx, project: platform })[0]?.rule, 'protectedNamespaces');
});

test('objects: cluster-scoped kinds need the whitelist; Namespaces need a destination and never pod-security labels', () => {
  const ctx = { app: 'team-a-web', project: teamA, cluster, settings };
  const role = {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRole',
    metadata: { name: 'admin-too' },
  };
  assert.equal(objectViolations(role, ctx)[0]?.rule, 'clusterResourceWhitelist');
  const ns = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team-a-new' } };
  assert.equal(objectViolations(ns, ctx)[0]?.rule, 'clusterResourceWhitelist');
  // CreateNamespace=true's own namespace needs no whitelist entry, only the destination.
  assert.deepEqual(objectViolations(ns, { ...ctx, createdNamespace: ns }), []);
  const privileged = {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name: 'team-a-new', labels: { 'pod-security.kubernetes.io/enforce': 'privileged' } },
  };
  assert.deepEqual(
    objectViolations(privileged, { ...ctx, project: platform }).map((v) => v.rule),
    ['podSecurityLabels'],
  );
  const kubeSystem = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'kube-system' } };
  assert.deepEqual(
    objectViolations(kubeSystem, { ...ctx, project: platform }).map((v) => v.rule),
    ['protectedNamespaces'],
  );
});

test('an app of apps may create children only in its own project or those it lists', () => {
  assert.ok(childProjectAllowed(platform, teamA));
  assert.ok(childProjectAllowed(teamA, teamA));
  assert.ok(!childProjectAllowed(teamA, platform));
});

test('formatViolations() lists at most ten and counts the rest', () => {
  const many = Array.from({ length: 12 }, (_, i) => ({
    app: 'a',
    project: 'p',
    subject: `s${i}`,
    rule: 'r',
    message: 'm',
  }));
  assert.match(formatViolations(many), /s9: m \[rule r\]; \.\.\. and 2 more$/);
});
