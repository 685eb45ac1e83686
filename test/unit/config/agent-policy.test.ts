import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { parsePolicy } from '../../../config/agent-policy.js';

const root = join(import.meta.dirname, '..', '..', '..');
const noFiles = (path: string): string => {
  throw new Error(`unexpected read of ${path}`);
};

test('the shipped example policies parse', () => {
  for (const name of ['policy-local.yaml', 'policy-multitenant.yaml']) {
    const file = join(root, 'config', 'examples', name);
    const { policy, warnings } = parsePolicy(readFileSync(file, 'utf8'), file, noFiles);
    assert.ok(policy.projects.length > 0, name);
    assert.deepEqual(warnings, [], name);
  }
  const local = join(root, 'config', 'examples', 'policy-local.yaml');
  const { policy } = parsePolicy(readFileSync(local, 'utf8'), local, noFiles);
  assert.deepEqual(policy.settings.allowedRepoSchemes, ['https', 'ssh', 'file', 'git']);
});

test('a native Project gets defaults; without AgentPolicy only https and ssh are allowed', () => {
  const { policy } = parsePolicy(
    'apiVersion: mooring.dev/v1\nkind: Project\nmetadata: {name: web}\nspec:\n  applications: [web-*]\n  destinations: [{cluster: local, namespace: web}]\n',
    'p.yaml',
    noFiles,
  );
  const [p] = policy.projects;
  assert.equal(p?.name, 'web');
  assert.deepEqual(p?.sourceRepos, []);
  assert.deepEqual(p?.clusterResourceWhitelist, []);
  assert.deepEqual(p?.render, { allowRemoteValueFiles: false, allowRemoteBases: false, allowPlugins: false });
  assert.deepEqual(policy.settings.allowedRepoSchemes, ['https', 'ssh']);
  assert.ok(policy.settings.protectedNamespaces.includes('mooring-system'));
});

test('an Argo CD AppProject is imported; its apps are bound by annotation; unsupported fields warn', () => {
  const text = `apiVersion: argoproj.io/v1alpha1
kind: AppProject
metadata:
  name: team-b
  annotations:
    mooring.dev/applications: "team-b-*, b-legacy"
    mooring.dev/child-projects: team-c
spec:
  sourceRepos: ['https://git.example.com/team-b/*']
  destinations:
    - server: https://kubernetes.default.svc
      namespace: team-b
  clusterResourceWhitelist: [{group: '', kind: Namespace}]
  namespaceResourceBlacklist: [{kind: ResourceQuota}]
  roles: []
`;
  const { policy, warnings } = parsePolicy(text, 'appproject.yaml', noFiles);
  const [p] = policy.projects;
  assert.deepEqual(p?.applications, ['team-b-*', 'b-legacy']);
  assert.deepEqual(p?.childProjects, ['team-c']);
  assert.deepEqual(p?.destinations, [
    { cluster: undefined, server: 'https://kubernetes.default.svc', namespace: 'team-b' },
  ]);
  assert.deepEqual(p?.namespaceResourceBlacklist, [{ group: '', kind: 'ResourceQuota' }]);
  assert.deepEqual(
    warnings.map((w) => w.message),
    ['appproject.yaml:15: AppProject/team-b: spec.roles: is not enforced by Mooring; ignored'],
  );
});

test('bad policies fail naming file, line, object and field', () => {
  const cases: [string, RegExp][] = [
    [
      'apiVersion: mooring.dev/v1\nkind: Project\nmetadata: {name: Web}\nspec: {}\n',
      /p\.yaml:3: Project\/Web: metadata\.name: must be a DNS-1123 label/,
    ],
    [
      'apiVersion: mooring.dev/v1\nkind: Project\nmetadata: {name: web}\nspec:\n  destinations: [{cluster: x}]\n',
      /p\.yaml:5: Project\/web: spec\.destinations\[0\]\.namespace: is required/,
    ],
    [
      'apiVersion: mooring.dev/v1\nkind: Project\nmetadata: {name: web}\nspec:\n  sourceRepo: ["*"]\n',
      /spec\.sourceRepo: unknown field/,
    ],
    [
      'apiVersion: mooring.dev/v1\nkind: AgentPolicy\nspec:\n  git: {allowedSchemes: [ftp]}\n',
      /spec\.git\.allowedSchemes\[0\]: must be one of "https", "ssh", "http", "git", "file"/,
    ],
    [
      'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n',
      /kind: must be mooring\.dev\/v1 Project, argoproj\.io\/v1alpha1 AppProject or mooring\.dev\/v1 AgentPolicy/,
    ],
    ['apiVersion: mooring.dev/v1\nkind: AgentPolicy\nspec: {}\n', /declares no Project or AppProject/],
    [
      'apiVersion: mooring.dev/v1\nkind: Project\nmetadata: {name: a}\n---\napiVersion: mooring.dev/v1\nkind: Project\nmetadata: {name: a}\n',
      /p\.yaml:7: Project\/a: metadata\.name: project "a" is declared twice/,
    ],
    [
      'apiVersion: argoproj.io/v1alpha1\nkind: AppProject\nmetadata: {name: a}\nspec:\n  signatureKeys: [{keyID: 4AEE18F83AFDEB23}]\n',
      /spec\.signatureKeys: Argo CD key IDs refer to keys Mooring does not hold/,
    ],
    [
      'apiVersion: mooring.dev/v1\nkind: Project\nmetadata: {name: a}\nspec:\n  signatureKeys: [{sshPublicKey: "not a key"}]\n',
      /spec\.signatureKeys\[0\]\.sshPublicKey: must be an SSH public key/,
    ],
  ];
  for (const [text, expected] of cases)
    assert.throws(() => parsePolicy(text, 'p.yaml', noFiles), expected, text);
});

test('GPG keys are read from files next to the policy', () => {
  const reads: string[] = [];
  const { policy } = parsePolicy(
    'apiVersion: mooring.dev/v1\nkind: Project\nmetadata: {name: a}\nspec:\n  signatureKeys: [{gpgPublicKeyFile: keys/release.asc}]\n',
    '/etc/mooring/policy.yaml',
    (path) => {
      reads.push(path);
      return '-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nmDMEZ0example\n-----END PGP PUBLIC KEY BLOCK-----\n';
    },
  );
  assert.deepEqual(reads, ['/etc/mooring/keys/release.asc']);
  assert.equal(policy.projects[0]?.signatureKeys.gpgPublicKeys.length, 1);
});
