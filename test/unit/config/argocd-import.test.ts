import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { parseApplications, SpecError, type AppSpec } from '../../../config/index.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const CHART = join(HERE, '../../../../shared/examples/argocd-example-apps/apps');
const REPO = 'https://github.com/argoproj/argocd-example-apps';

function argoApp(spec: string, metadata = '  name: web\n'): string {
  return `apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n${metadata}spec:\n${spec}`;
}

const BASE = `  source:
    repoURL: https://example.com/web.git
    path: deploy
  destination:
    server: https://kubernetes.default.svc
    namespace: web
`;

test('importArgoApplication imports every Application the shared apps chart renders', () => {
  const text = readFileSync(join(HERE, 'fixtures/apps-chart-rendered.yaml'), 'utf8');
  const { apps, warnings } = parseApplications(text, 'apps-chart.yaml');
  const tools: Record<string, AppSpec['source']['helm']> = {
    'blue-green': { releaseName: 'blue-green' },
    'helm-dependency': { releaseName: 'helm-dependency' },
    'helm-guestbook': { releaseName: 'helm-guestbook' },
  };
  const paths: Record<string, string> = {
    'plugin-kasane': 'plugins/kasane',
    'plugin-kustomized-helm': 'plugins/kustomized-helm',
    'plugin-nix': 'plugins/nix',
  };
  assert.equal(apps.length, 14);
  for (const app of apps) {
    const short = app.name.replace(/^example\./, '');
    const source: AppSpec['source'] = {
      repoURL: REPO,
      path: paths[short] ?? short,
      targetRevision: 'master',
    };
    if (tools[short]) source.helm = tools[short];
    assert.deepEqual(app, {
      name: `example.${short}`,
      source,
      destination: { cluster: 'local', namespace: short },
      syncPolicy: {
        automated: { prune: true, selfHeal: true, allowEmpty: false },
        interval: '3m',
        syncOptions: ['CreateNamespace=true'],
      },
      rollback: { automatic: true, healthTimeout: '5m' },
      ignoreDifferences: [],
    });
  }
  const perField = new Map<string, number>();
  for (const w of warnings) perField.set(w.field, (perField.get(w.field) ?? 0) + 1);
  assert.deepEqual(Object.fromEntries(perField), {
    'metadata.namespace': 14,
    'metadata.finalizers': 14,
    'spec.project': 14,
    'spec.source.plugin': 3,
  });
  assert.equal(
    warnings[0]?.message,
    'apps-chart.yaml:9: Application/example.blue-green: metadata.namespace: has no meaning for Mooring (Argo CD reads Applications from its own namespace); ignored',
  );
});

test('the apps chart fixture lists exactly the applications of the chart values', (t) => {
  if (!existsSync(CHART)) return t.skip(`shared examples not found at ${CHART}`);
  const values = parse(readFileSync(join(CHART, 'values.yaml'), 'utf8')) as {
    applications: { name: string }[];
  };
  const { apps } = parseApplications(
    readFileSync(join(HERE, 'fixtures/apps-chart-rendered.yaml'), 'utf8'),
    'apps-chart.yaml',
  );
  assert.deepEqual(
    apps.map((a) => a.name),
    values.applications.map((a) => `example.${a.name}`),
  );
});

test('importArgoApplication maps helm, kustomize and directory sources', () => {
  const helm = argoApp(
    BASE.replace(
      '    path: deploy\n',
      `    path: chart
    helm:
      releaseName: web
      valueFiles: [values-prod.yaml]
      skipCrds: true
`,
    ),
  );
  assert.deepEqual(parseApplications(helm, 'a.yaml').apps[0]?.source.helm, {
    releaseName: 'web',
    valueFiles: ['values-prod.yaml'],
    skipCrds: true,
  });
  const kustomize = argoApp(
    BASE.replace(
      '    path: deploy\n',
      `    path: overlays/prod
    kustomize:
      namePrefix: prod-
      nameSuffix: -v1
      images: [nginx:1.27]
      commonLabels: { team: web }
      commonAnnotations: { owner: ops }
      namespace: web-prod
      patches: [{ path: patch.yaml }]
`,
    ),
  );
  const imported = parseApplications(kustomize, 'a.yaml');
  assert.deepEqual(imported.apps[0]?.source.kustomize, {
    namePrefix: 'prod-',
    nameSuffix: '-v1',
    images: ['nginx:1.27'],
    commonLabels: { team: 'web' },
    commonAnnotations: { owner: 'ops' },
    namespace: 'web-prod',
  });
  assert.deepEqual(
    imported.warnings.map((w) => w.message),
    ['a.yaml:16: Application/web: spec.source.kustomize.patches: is not supported by Mooring; ignored'],
  );
  const directory = argoApp(
    BASE.replace(
      '    path: deploy\n',
      `    path: manifests
    directory: { recurse: true, include: '*.yaml', exclude: 'test-*', jsonnet: { tlas: [] } }
`,
    ),
  );
  const { apps, warnings } = parseApplications(directory, 'a.yaml');
  assert.deepEqual(apps[0]?.source.directory, { recurse: true, include: '*.yaml', exclude: 'test-*' });
  assert.deepEqual(
    warnings.map((w) => w.message),
    [
      'a.yaml:9: Application/web: spec.source.directory.jsonnet: is not supported by Mooring (no Jsonnet rendering); ignored',
    ],
  );
});

test('importArgoApplication maps syncPolicy, retry and ignoreDifferences', () => {
  const text = argoApp(`${BASE}  syncPolicy:
    automated: { prune: true, allowEmpty: true }
    syncOptions: [ServerSideApply=true, ServerSideApply=false]
    retry: { limit: 2, backoff: { duration: '10', factor: 3, maxDuration: 5m } }
  ignoreDifferences:
    - kind: Secret
      jqPathExpressions: [.data.token]
      comment: tokens rotate
`);
  const { apps, warnings } = parseApplications(text, 'a.yaml');
  assert.deepEqual(apps[0]?.syncPolicy, {
    automated: { prune: true, selfHeal: false, allowEmpty: true },
    interval: '3m',
    syncOptions: ['ServerSideApply=true', 'ServerSideApply=false'],
    retry: { limit: 2, backoff: { duration: '10s', factor: 3, maxDuration: '5m' } },
  });
  assert.deepEqual(apps[0]?.ignoreDifferences, [{ kind: 'Secret', jqPathExpressions: ['.data.token'] }]);
  assert.deepEqual(
    warnings.map((w) => `${w.line} ${w.field}`),
    ['19 spec.ignoreDifferences[0].comment', '14 spec.syncPolicy.syncOptions[1]'],
  );
});

test('importArgoApplication keeps automated.allowEmpty, false when Argo CD leaves it out', () => {
  const imported = (automated: string) =>
    parseApplications(argoApp(`${BASE}  syncPolicy:\n    automated: ${automated}\n`), 'a.yaml');
  const on = imported('{ prune: true, allowEmpty: true }');
  assert.deepEqual(on.apps[0]?.syncPolicy.automated, { prune: true, selfHeal: false, allowEmpty: true });
  assert.deepEqual(on.warnings, [], 'allowEmpty is honoured, not ignored with a warning');
  assert.deepEqual(imported('{ prune: true, allowEmpty: false }').apps[0]?.syncPolicy.automated, {
    prune: true,
    selfHeal: false,
    allowEmpty: false,
  });
  assert.deepEqual(imported('{ selfHeal: true }').apps[0]?.syncPolicy.automated, {
    prune: false,
    selfHeal: true,
    allowEmpty: false,
  });
  assert.equal(
    parseApplications(argoApp(BASE), 'a.yaml').apps[0]?.syncPolicy.automated,
    undefined,
    'no automated policy: no allowEmpty either',
  );
});

test('importArgoApplication maps destinations to registered clusters', () => {
  const withDest = (dest: string) =>
    argoApp(BASE.replace('    server: https://kubernetes.default.svc\n', dest));
  const cluster = (dest: string, byServer?: (s: string) => string | undefined) =>
    parseApplications(withDest(dest), 'a.yaml', { clusterByServer: byServer });
  assert.equal(cluster('    name: in-cluster\n').apps[0]?.destination.cluster, 'local');
  assert.equal(cluster('    name: prod-eu\n').apps[0]?.destination.cluster, 'prod-eu');
  assert.equal(
    cluster('    server: https://kubernetes.default.svc/\n').apps[0]?.destination.cluster,
    'local',
  );
  const registered = cluster('    server: https://10.0.0.1:6443\n', (s) =>
    s === 'https://10.0.0.1:6443' ? 'edge' : undefined,
  );
  assert.deepEqual([registered.apps[0]?.destination.cluster, registered.warnings], ['edge', []]);
  const unknown = cluster('    server: https://prod.example.com:6443\n');
  assert.equal(unknown.apps[0]?.destination.cluster, 'prod.example.com');
  assert.deepEqual(
    unknown.warnings.map((w) => w.message),
    [
      'a.yaml:10: Application/web: spec.destination.server: no cluster is registered for "https://prod.example.com:6443": using cluster "prod.example.com"; register the cluster under that name or map its URL',
    ],
  );
  assert.throws(() => cluster('    server: https://a.example.com\n    name: a\n'), {
    message:
      'a.yaml:9: Application/web: spec.destination: must set server or name, not both: current values are "https://a.example.com" and "a"',
  });
});

test('importArgoApplication keeps every source of spec.sources, with refs and $ref value files', () => {
  const text = argoApp(`  sources:
    - repoURL: oci://registry.example.com/charts
      chart: web
      targetRevision: ^1.2.0
      helm:
        valueFiles: [$values/web/values-prod.yaml]
    - repoURL: https://example.com/values.git
      ref: values
  destination: { name: in-cluster, namespace: web }
`);
  const { apps, warnings } = parseApplications(text, 'a.yaml');
  const web = {
    repoURL: 'oci://registry.example.com/charts',
    chart: 'web',
    path: '',
    targetRevision: '^1.2.0',
    helm: { valueFiles: ['$values/web/values-prod.yaml'] },
  };
  const values = {
    repoURL: 'https://example.com/values.git',
    path: '',
    targetRevision: 'HEAD',
    ref: 'values',
  };
  assert.deepEqual(apps[0]?.sources, [web, values]);
  assert.deepEqual(apps[0]?.source, web, 'source is the first of sources');
  assert.deepEqual(warnings, []);
});

test('importArgoApplication refuses a $ref value file that names no source, naming the field', () => {
  const text = argoApp(`  sources:
    - repoURL: https://example.com/web.git
      path: chart
      helm:
        valueFiles: [$vals/prod.yaml]
    - repoURL: https://example.com/values.git
      ref: values
  destination: { name: in-cluster, namespace: web }
`);
  assert.throws(() => parseApplications(text, 'a.yaml'), {
    message:
      'a.yaml:9: Application/web: spec.sources[0].helm: valueFiles entry "$vals/prod.yaml" names $vals, which is the ref of no source (known: $values)',
  });
});

test('importArgoApplication warns about every field it does not use', () => {
  const text = argoApp(
    `  project: team-a
  revisionHistoryLimit: 3
  info: [{ name: docs, value: https://example.com }]
  source:
    repoURL: https://charts.example.com
    chart: web
    targetRevision: 1.2.0
    helm: { passCredentials: true }
  destination: { name: in-cluster, namespace: web }
`,
    '  name: web\n  namespace: argocd\n  labels: { team: a }\n',
  );
  const { apps, warnings } = parseApplications(text, 'a.yaml');
  assert.equal(apps[0]?.source.path, '');
  assert.equal(apps[0]?.source.chart, 'web');
  assert.deepEqual(
    warnings.map((w) => `${w.line} ${w.field}`),
    [
      '5 metadata.namespace',
      '6 metadata.labels',
      '8 spec.project',
      '9 spec.revisionHistoryLimit',
      '10 spec.info',
      '15 spec.source.helm.passCredentials',
    ],
  );
});

test('importArgoApplication errors name the Argo field and line', () => {
  const cases: [string, string][] = [
    [
      argoApp(BASE.replace('    namespace: web\n', '')),
      'a.yaml:9: Application/web: spec.destination.namespace: is required',
    ],
    [
      argoApp(BASE.replace('    repoURL: https://example.com/web.git\n', '')),
      'a.yaml:6: Application/web: spec.source.repoURL: is required',
    ],
    [
      argoApp(`  destination: { name: in-cluster, namespace: web }\n`),
      'a.yaml:5: Application/web: spec.source: is required (or spec.sources)',
    ],
    [
      argoApp(BASE, '  name: Web\n'),
      'a.yaml:4: Application/Web: metadata.name: must be a DNS-1123 subdomain of at most 63 characters: current value is "Web"',
    ],
    [
      argoApp(`${BASE}  syncPolicy: { automated: { prune: "yes" } }\n`),
      'a.yaml:12: Application/web: spec.syncPolicy.automated.prune: must be a boolean: current value is "yes"',
    ],
  ];
  for (const [text, message] of cases)
    assert.throws(
      () => parseApplications(text, 'a.yaml'),
      (err) => err instanceof SpecError && err.message === message,
      message,
    );
});

test('importArgoApplication refuses inline Helm values and parameters without showing them', () => {
  const cases: [string, string][] = [
    ['values', "values: 'password: s3cr3t-marker'"],
    ['valuesObject', 'valuesObject: { password: s3cr3t-marker }'],
    ['parameters', '"parameters": [{ name: password, value: s3cr3t-marker }]'],
    ['fileParameters', 'fileParameters: [{ name: cert, path: s3cr3t-marker.pem }]'],
  ];
  for (const [field, line] of cases) {
    const text = argoApp(BASE.replace('    path: deploy\n', `    path: chart\n    helm:\n      ${line}\n`));
    assert.throws(
      () => parseApplications(text, 'a.yaml'),
      (err) =>
        err instanceof SpecError &&
        err.message.includes(`: Application/web: spec.source.helm.${field}: `) &&
        /are not accepted: the spec travels in Temporal workflow payloads/.test(err.message) &&
        /helm\.valueFiles/.test(err.message) &&
        /helm\.valuesFrom/.test(err.message) &&
        !err.message.includes('s3cr3t-marker'),
      field,
    );
  }
});

test('importArgoApplication refuses credentials in destination.server without showing them', () => {
  const text = argoApp(
    BASE.replace('https://kubernetes.default.svc', 'https://admin:s3cr3t-marker@prod.example.com'),
  );
  assert.throws(
    () => parseApplications(text, 'a.yaml'),
    (err) =>
      err instanceof SpecError &&
      /spec\.destination\.server: must not contain credentials/.test(err.message) &&
      err.message.includes('"https://prod.example.com"') &&
      !err.message.includes('s3cr3t-marker'),
  );
});
