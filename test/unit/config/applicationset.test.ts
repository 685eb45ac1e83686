import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseApplications, SpecError, type AppSpec, type RegisteredCluster } from '../../../config/index.js';

const STAGING = 'https://staging.example.com:6443';
const IN_CLUSTER = 'https://kubernetes.default.svc';
const clusterByServer = (server: string) => (server === STAGING ? 'staging' : undefined);

const LEGACY_ELEMENTS = `      elements:
        - cluster: staging
          url: ${STAGING}
          values: { replicas: "1" }
        - cluster: prod
          url: ${IN_CLUSTER}
          values: { replicas: "3" }`;
const NEW_ELEMENTS = `      elements:
        - name: staging
          server: ${STAGING}
          replicas: "1"
        - name: prod
          server: ${IN_CLUSTER}
          replicas: "3"`;

function listAppSet(
  elements: string,
  template: { goTemplate: boolean; name: string; server: string; replicas: string },
): string {
  return `apiVersion: argoproj.io/v1alpha1
kind: ApplicationSet
metadata:
  name: guestbook
  namespace: argocd
spec:
  goTemplate: ${template.goTemplate}
  generators:
  - list:
${elements}
  template:
    metadata:
      name: 'guestbook-${template.name}'
    spec:
      project: default
      source:
        repoURL: https://github.com/argoproj/argocd-example-apps
        targetRevision: HEAD
        path: guestbook
        helm:
          valueFiles:
            - 'values-${template.replicas}.yaml'
      destination:
        server: '${template.server}'
        namespace: guestbook
`;
}

function guestbook(cluster: string, replicas: string, name: string): AppSpec {
  // Per-cluster Helm settings come from a values file in Git: inline values are refused.
  return {
    name: `guestbook-${name}`,
    source: {
      repoURL: 'https://github.com/argoproj/argocd-example-apps',
      targetRevision: 'HEAD',
      path: 'guestbook',
      helm: { valueFiles: [`values-${replicas}.yaml`] },
    },
    destination: { cluster, namespace: 'guestbook' },
    syncPolicy: { interval: '3m', syncOptions: [] },
    rollback: { automatic: true, healthTimeout: '5m' },
    ignoreDifferences: [],
  };
}

test('expandApplicationSet expands a list generator over two clusters in every element shape and template style', () => {
  const cases: [string, string, { goTemplate: boolean; name: string; server: string; replicas: string }][] = [
    [
      'legacy elements, {{param}} style',
      LEGACY_ELEMENTS,
      { goTemplate: false, name: '{{cluster}}', server: '{{url}}', replicas: '{{values.replicas}}' },
    ],
    [
      'legacy elements, Go template',
      LEGACY_ELEMENTS,
      { goTemplate: true, name: '{{.cluster}}', server: '{{ .url }}', replicas: '{{ .values.replicas }}' },
    ],
    [
      'new elements, {{param}} style',
      NEW_ELEMENTS,
      { goTemplate: false, name: '{{ name }}', server: '{{server}}', replicas: '{{replicas}}' },
    ],
    [
      'new elements, Go template',
      NEW_ELEMENTS,
      { goTemplate: true, name: '{{ .name | lower }}', server: '{{.server}}', replicas: '{{- .replicas -}}' },
    ],
  ];
  for (const [label, elements, template] of cases) {
    const { apps, warnings } = parseApplications(listAppSet(elements, template), 'appsets/guestbook.yaml', {
      clusterByServer,
    });
    assert.deepEqual(apps, [guestbook('staging', '1', 'staging'), guestbook('local', '3', 'prod')], label);
    assert.deepEqual(
      warnings.map((w) => w.message),
      [
        'appsets/guestbook.yaml:5: ApplicationSet/guestbook: metadata.namespace: has no meaning for Mooring (Argo CD reads Applications from its own namespace); ignored',
        'appsets/guestbook.yaml:21: ApplicationSet/guestbook: spec.template.spec.project: is not supported by Mooring (there are no projects); ignored',
      ],
      label,
    );
  }
});

test('expandApplicationSet evaluates Go template functions and values', () => {
  const text = listAppSet(
    `      elements:
        - cluster: Staging_EU
          url: ${STAGING}
      values:
        suffix: '{{ .cluster | lower | replace "_" "-" }}'`,
    {
      goTemplate: true,
      name: '{{ trunc 10 .values.suffix }}',
      server: '{{ .url }}',
      replicas: '{{ default "2" .values.replicas }}{{ upper "x" }}',
    },
  );
  const { apps } = parseApplications(text, 'a.yaml', { clusterByServer });
  assert.deepEqual(apps, [guestbook('staging', '2X', 'staging-eu')]);
});

test('expandApplicationSet reads the cluster registry with a label selector', () => {
  const clusters: RegisteredCluster[] = [
    { name: 'local', server: IN_CLUSTER, labels: { env: 'dev' } },
    { name: 'prod-eu', server: 'https://eu.example.com', labels: { env: 'prod', region: 'eu' } },
    { name: 'prod-us', server: 'https://us.example.com', labels: { env: 'prod', region: 'us' } },
  ];
  const byServer = (server: string) => clusters.find((c) => c.server === server)?.name;
  for (const goTemplate of [false, true]) {
    const [name, server, region] = goTemplate
      ? ['{{.name}}', '{{.server}}', '{{.metadata.labels.region}}']
      : ['{{name}}', '{{server}}', '{{metadata.labels.region}}'];
    const text = `apiVersion: argoproj.io/v1alpha1
kind: ApplicationSet
metadata: { name: web }
spec:
  goTemplate: ${goTemplate}
  generators:
    - clusters: { selector: { matchLabels: { env: prod } } }
  template:
    metadata: { name: 'web-${name}' }
    spec:
      source: { repoURL: https://example.com/web.git, path: 'regions/${region}' }
      destination: { server: '${server}', namespace: web }
`;
    const { apps, warnings } = parseApplications(text, 'a.yaml', {
      clusters: () => clusters,
      clusterByServer: byServer,
    });
    assert.deepEqual(
      apps.map((a) => [a.name, a.destination.cluster, a.source.path]),
      [
        ['web-prod-eu', 'prod-eu', 'regions/eu'],
        ['web-prod-us', 'prod-us', 'regions/us'],
      ],
    );
    assert.deepEqual(warnings, []);
  }
});

test('expandApplicationSet refuses unsupported generators, template syntax and duplicate names', () => {
  const appSet = (
    generator: string,
    name = 'web-{{name}}',
    goTemplate = false,
  ) => `apiVersion: argoproj.io/v1alpha1
kind: ApplicationSet
metadata: { name: web }
spec:
  goTemplate: ${goTemplate}
  generators:
${generator}
  template:
    metadata: { name: '${name}' }
    spec:
      source: { repoURL: https://example.com/web.git, path: deploy }
      destination: { name: in-cluster, namespace: web }
`;
  const list = '    - list: { elements: [{ name: a }, { name: b }] }';
  const cases: [string, string][] = [
    [
      appSet('    - matrix: { generators: [] }'),
      'a.yaml:7: ApplicationSet/web: spec.generators[0].matrix: the matrix generator is not supported by Mooring: supported generators are list, clusters and git (directories)',
    ],
    [
      appSet('    - pullRequest: {}'),
      'a.yaml:7: ApplicationSet/web: spec.generators[0].pullRequest: the pullRequest generator is not supported by Mooring: supported generators are list, clusters and git (directories)',
    ],
    [
      appSet('    - git: { repoURL: https://example.com/x.git, files: [{ path: a.json }] }'),
      'a.yaml:7: ApplicationSet/web: spec.generators[0].git.files: the git files generator is not supported by Mooring: only directories are',
    ],
    [
      appSet(list, 'web-{{ if .name }}x{{ end }}', true),
      'a.yaml:9: ApplicationSet/web: spec.template.metadata.name: unsupported template syntax "{{ if .name }}": "if" blocks are not supported',
    ],
    [
      appSet(list, 'web-{{ $x := .name }}', true),
      'a.yaml:9: ApplicationSet/web: spec.template.metadata.name: unsupported template syntax at "$x := .name }}": variables, comments and assignments are not supported',
    ],
    [
      appSet(list, 'web-{{ .name | sha256sum }}', true),
      'a.yaml:9: ApplicationSet/web: spec.template.metadata.name: unsupported function "sha256sum": supported functions are lower, upper, trim, trimPrefix, trimSuffix, replace, trunc, default, quote, join, index, printf',
    ],
    [
      appSet(list, 'web-{{ .cluster }}', true),
      'a.yaml:9: ApplicationSet/web: spec.template.metadata.name: {{ .cluster }} has no value',
    ],
    [
      appSet(list, 'web'),
      'a.yaml:9: ApplicationSet/web: spec.template.metadata.name: generates the Application name "web" more than once: make the name depend on a parameter that differs',
    ],
    [
      appSet(list, 'Web-{{name}}'),
      'a.yaml:9: ApplicationSet/web: spec.template.metadata.name: must be a DNS-1123 subdomain of at most 63 characters: current value is "Web-a" (in the Application generated as "Web-a")',
    ],
  ];
  for (const [text, message] of cases) {
    assert.throws(
      () => parseApplications(text, 'a.yaml'),
      (err) => err instanceof SpecError && err.message === message,
      message,
    );
  }
});

test('expandApplicationSet leaves unknown {{param}} tags in place and warns', () => {
  const text = `apiVersion: argoproj.io/v1alpha1
kind: ApplicationSet
metadata: { name: web }
spec:
  generators:
    - list: { elements: [{ name: a }] }
  template:
    metadata: { name: 'web-{{name}}' }
    spec:
      source: { repoURL: https://example.com/web.git, path: 'deploy/{{flavour}}' }
      destination: { name: in-cluster, namespace: web }
`;
  const { apps, warnings } = parseApplications(text, 'a.yaml');
  assert.equal(apps[0]?.source.path, 'deploy/{{flavour}}');
  assert.deepEqual(
    warnings.map((w) => w.message),
    [
      'a.yaml:10: ApplicationSet/web: spec.template.spec.source.path: no generator sets the parameter "{{flavour}}": left as it is',
    ],
  );
});

test('expandApplicationSet refuses a template with inline Helm parameters, naming the template field', () => {
  const text = listAppSet(NEW_ELEMENTS, {
    goTemplate: false,
    name: '{{name}}',
    server: '{{server}}',
    replicas: '{{replicas}}',
  }).replace(
    "          valueFiles:\n            - 'values-{{replicas}}.yaml'\n",
    "          parameters:\n            - name: replicaCount\n              value: 'secret-{{replicas}}'\n",
  );
  assert.throws(
    () => parseApplications(text, 'appsets/guestbook.yaml', { clusterByServer }),
    (err) =>
      err instanceof SpecError &&
      err.message.startsWith(
        'appsets/guestbook.yaml:27: ApplicationSet/guestbook: spec.template.spec.source.helm.parameters: Helm parameters are not accepted',
      ) &&
      /helm\.valueFiles/.test(err.message) &&
      !err.message.includes('secret-'),
  );
});

test('expandApplicationSet refuses generators that yield more than MAX_GENERATED_APPS Applications', () => {
  const elements = Array.from({ length: 1001 }, (_, i) => `      - {n: "${i}"}`).join('\n');
  const text = `apiVersion: argoproj.io/v1alpha1
kind: ApplicationSet
metadata: {name: many}
spec:
  generators:
  - list:
      elements:
${elements}
  template:
    metadata: {name: 'app-{{n}}'}
    spec:
      source: {repoURL: https://example.com/web.git, path: web}
      destination: {server: https://kubernetes.default.svc, namespace: web}
`;
  assert.throws(() => parseApplications(text, 'many.yaml'), {
    name: 'SpecError',
    message:
      'many.yaml:5: ApplicationSet/many: spec.generators: generate 1001 Applications, more than the 1000 one ApplicationSet may generate: split it into several ApplicationSets or narrow its generators',
  });
});
