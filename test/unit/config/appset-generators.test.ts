import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseApplications, SpecError } from '../../../config/index.js';

const REPO = 'https://github.com/argoproj/argocd-example-apps';
const DIRS = [
  'apps',
  'apps/guestbook',
  'apps/helm-guestbook',
  'apps/Kustomize_Guestbook',
  'apps/guestbook/base',
  'apps/experimental',
  'docs',
];

function gitAppSet(goTemplate: boolean, name: string, path: string, extra = ''): string {
  return `apiVersion: argoproj.io/v1alpha1
kind: ApplicationSet
metadata: { name: examples }
spec:
  goTemplate: ${goTemplate}
  generators:
    - git:
        repoURL: ${REPO}
        revision: master
        directories:
          - path: 'apps/*'
          - path: apps/experimental
            exclude: true
${extra}  template:
    metadata: { name: '${name}' }
    spec:
      source: { repoURL: ${REPO}, targetRevision: master, path: '${path}' }
      destination: { name: in-cluster, namespace: '${name}' }
`;
}

test('generatorParams lists git directories matching the patterns, minus excluded ones', () => {
  const seen: string[] = [];
  const directories = (repoURL: string, revision: string) => {
    seen.push(`${repoURL}@${revision}`);
    return DIRS;
  };
  for (const [goTemplate, name, path] of [
    [false, '{{path.basenameNormalized}}', '{{path}}'],
    [true, '{{ .path.basenameNormalized }}', '{{ .path.path }}'],
  ] as const) {
    const { apps, warnings } = parseApplications(gitAppSet(goTemplate, name, path), 'a.yaml', {
      directories,
    });
    assert.deepEqual(
      apps.map((a) => [a.name, a.source.path, a.destination.namespace]),
      [
        ['guestbook', 'apps/guestbook', 'guestbook'],
        ['helm-guestbook', 'apps/helm-guestbook', 'helm-guestbook'],
        ['kustomize-guestbook', 'apps/Kustomize_Guestbook', 'kustomize-guestbook'],
      ],
    );
    assert.deepEqual(warnings, []);
  }
  assert.deepEqual(seen, [`${REPO}@master`, `${REPO}@master`]);
});

test('generatorParams offers path segments, basenames and a path prefix', () => {
  const fast = gitAppSet(false, '{{path[0]}}-{{path.basename}}', '{{path}}').replace(
    "'apps/*'",
    'apps/guestbook',
  );
  assert.deepEqual(
    parseApplications(fast, 'a.yaml', { directories: () => DIRS }).apps.map((a) => a.name),
    ['apps-guestbook'],
  );
  const go = gitAppSet(
    true,
    '{{ index .app.path.segments 0 }}-{{ .app.path.basename }}',
    '{{ .app.path.path }}',
    '        pathParamPrefix: app\n',
  ).replace("'apps/*'", 'apps/guestbook');
  assert.deepEqual(
    parseApplications(go, 'a.yaml', { directories: () => DIRS }).apps.map((a) => a.name),
    ['apps-guestbook'],
  );
  const prefixed = gitAppSet(
    false,
    '{{app.path.basename}}',
    '{{app.path}}',
    '        pathParamPrefix: app\n',
  ).replace("'apps/*'", 'apps/guestbook');
  assert.deepEqual(
    parseApplications(prefixed, 'a.yaml', { directories: () => DIRS }).apps.map((a) => a.source.path),
    ['apps/guestbook'],
  );
});

test('generatorParams needs the directory list for git generators', () => {
  assert.throws(
    () => parseApplications(gitAppSet(false, '{{path.basename}}', '{{path}}'), 'a.yaml'),
    (err) =>
      err instanceof SpecError &&
      err.message ===
        'a.yaml:7: ApplicationSet/examples: spec.generators[0].git: the git generator needs the directory list of the repository, and none was given',
  );
});

test('generatorParams warns about requeueAfterSeconds and refuses other unknown generator fields', () => {
  const list = (extra: string) => `apiVersion: argoproj.io/v1alpha1
kind: ApplicationSet
metadata: { name: web }
spec:
  generators:
    - list: { elements: [{ name: a }], ${extra} }
  template:
    metadata: { name: 'web-{{name}}' }
    spec:
      source: { repoURL: https://example.com/web.git, path: deploy }
      destination: { name: in-cluster, namespace: web }
`;
  assert.deepEqual(
    parseApplications(list('requeueAfterSeconds: 30'), 'a.yaml').warnings.map((w) => w.message),
    [
      'a.yaml:6: ApplicationSet/web: spec.generators[0].list.requeueAfterSeconds: is not supported by Mooring (generators run when the file is read); ignored',
    ],
  );
  assert.throws(() => parseApplications(list("elementsYaml: '- name: b'"), 'a.yaml'), {
    message:
      'a.yaml:6: ApplicationSet/web: spec.generators[0].list.elementsYaml: is not supported by Mooring in a list generator: supported fields are elements, values',
  });
});
