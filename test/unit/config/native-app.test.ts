import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseApplications, SpecError, type AppSpec } from '../../../config/index.js';

const GUESTBOOK = `apiVersion: mooring.dev/v1
kind: Application
metadata:
  name: guestbook
spec:
  source:
    repoURL: https://github.com/argoproj/argocd-example-apps
    targetRevision: main
    path: guestbook
  destination:
    cluster: local
    namespace: guestbook
  syncPolicy:
    automated: { prune: true, selfHeal: true }
    interval: 1m
    syncOptions: [CreateNamespace=true, PruneLast=true]
    retry: { limit: 3, backoff: { duration: 10s, factor: 2, maxDuration: 2m } }
  rollback: { automatic: false, healthTimeout: 10m }
  ignoreDifferences:
    - group: apps
      kind: Deployment
      jsonPointers: [/spec/replicas]
  autoscaling: { target: Deployment/web, min: 2, max: 10, query: 'sum(rate(http_requests_total[1m]))', targetValue: 100 }
`;

const MINIMAL = `apiVersion: mooring.dev/v1
kind: Application
metadata:
  name: web
spec:
  source:
    repoURL: https://example.com/web.git
    path: deploy
  destination:
    namespace: web
`;

/** Parses `text` expecting a SpecError and returns its message. */
function errorOf(text: string): string {
  try {
    parseApplications(text, 'apps/web.yaml');
  } catch (err) {
    assert.ok(err instanceof SpecError, `expected a SpecError, got ${String(err)}`);
    assert.ok(err instanceof TypeError);
    return err.message;
  }
  assert.fail('expected a SpecError');
}

test('nativeAppSpec reads every field of a complete Application', () => {
  const { apps, warnings } = parseApplications(GUESTBOOK, 'apps/guestbook.yaml');
  assert.deepEqual(warnings, []);
  const expected: AppSpec = {
    name: 'guestbook',
    source: {
      repoURL: 'https://github.com/argoproj/argocd-example-apps',
      targetRevision: 'main',
      path: 'guestbook',
    },
    destination: { cluster: 'local', namespace: 'guestbook' },
    syncPolicy: {
      automated: { prune: true, selfHeal: true, allowEmpty: false },
      interval: '1m',
      syncOptions: ['CreateNamespace=true', 'PruneLast=true'],
      retry: { limit: 3, backoff: { duration: '10s', factor: 2, maxDuration: '2m' } },
    },
    rollback: { automatic: false, healthTimeout: '10m' },
    ignoreDifferences: [{ group: 'apps', kind: 'Deployment', jsonPointers: ['/spec/replicas'] }],
    autoscaling: {
      target: 'Deployment/web',
      min: 2,
      max: 10,
      query: 'sum(rate(http_requests_total[1m]))',
      targetValue: 100,
      targetType: 'AverageValue',
      tolerance: 0.1,
      behavior: {
        scaleUp: { stabilizationWindowSeconds: 0 },
        scaleDown: { stabilizationWindowSeconds: 300 },
      },
    },
  };
  assert.deepEqual(apps, [expected]);
});

test('nativeAppSpec fills in the documented defaults', () => {
  const { apps } = parseApplications(MINIMAL, 'apps/web.yaml');
  assert.deepEqual(apps, [
    {
      name: 'web',
      source: { repoURL: 'https://example.com/web.git', path: 'deploy', targetRevision: 'HEAD' },
      destination: { cluster: 'local', namespace: 'web' },
      syncPolicy: { interval: '3m', syncOptions: [] },
      rollback: { automatic: true, healthTimeout: '5m' },
      ignoreDifferences: [],
    },
  ]);
});

test('nativeAppSpec reads every autoscaling field, and defaults the HPA-like ones', () => {
  const autoscaling = (fields: string) =>
    parseApplications(
      `${MINIMAL}  autoscaling:\n    target: StatefulSet/db\n    min: 0\n    max: 3\n    query: up\n    targetValue: 0.5\n${fields}`,
      'apps/web.yaml',
    ).apps[0]?.autoscaling;
  assert.deepEqual(autoscaling(''), {
    target: 'StatefulSet/db',
    min: 0,
    max: 3,
    query: 'up',
    targetValue: 0.5,
    targetType: 'AverageValue',
    tolerance: 0.1,
    behavior: { scaleUp: { stabilizationWindowSeconds: 0 }, scaleDown: { stabilizationWindowSeconds: 300 } },
  });
  assert.deepEqual(
    autoscaling(
      '    targetType: Value\n    tolerance: 0\n    behavior:\n      scaleUp: { stabilizationWindowSeconds: 60 }\n',
    ),
    {
      target: 'StatefulSet/db',
      min: 0,
      max: 3,
      query: 'up',
      targetValue: 0.5,
      targetType: 'Value',
      tolerance: 0,
      behavior: {
        scaleUp: { stabilizationWindowSeconds: 60 },
        scaleDown: { stabilizationWindowSeconds: 300 },
      },
    },
  );
});

test('nativeAppSpec reads spec.analysis and fills in its defaults', () => {
  const text = `${MINIMAL}  analysis:
    checks:
      - name: error-rate
        query: sum(rate(http_errors_total[1m])) / sum(rate(http_requests_total[1m]))
        thresholdRange: { max: 0.05 }
      - name: latency
        query: histogram_quantile(0.99, sum by (le) (rate(http_duration_seconds_bucket[1m])))
        thresholdRange: { min: 0, max: 0.5 }
        interval: 1m
        count: 5
        failureLimit: 1
`;
  assert.deepEqual(parseApplications(text, 'apps/web.yaml').apps[0]?.analysis, {
    bakeTime: '0s',
    inconclusive: 'Rollback',
    checks: [
      {
        name: 'error-rate',
        query: 'sum(rate(http_errors_total[1m])) / sum(rate(http_requests_total[1m]))',
        thresholdRange: { max: 0.05 },
        interval: '30s',
        count: 3,
        failureLimit: 0,
      },
      {
        name: 'latency',
        query: 'histogram_quantile(0.99, sum by (le) (rate(http_duration_seconds_bucket[1m])))',
        thresholdRange: { min: 0, max: 0.5 },
        interval: '1m',
        count: 5,
        failureLimit: 1,
      },
    ],
  });
  const explicit = `${MINIMAL}  analysis:\n    bakeTime: 1h\n    inconclusive: Accept\n    checks: [{ name: up, query: up, thresholdRange: { min: 1 } }]\n`;
  const analysis = parseApplications(explicit, 'apps/web.yaml').apps[0]?.analysis;
  assert.equal(analysis?.bakeTime, '1h');
  assert.equal(analysis?.inconclusive, 'Accept');
  assert.equal(parseApplications(MINIMAL, 'apps/web.yaml').apps[0]?.analysis, undefined);
});

test('nativeAppSpec refuses autoscaling and analysis mistakes, naming the field and what is allowed', () => {
  const auto = (fields: string) =>
    `${MINIMAL}  autoscaling: { target: Deployment/web, min: 1, max: 2, query: up, targetValue: 1${fields} }\n`;
  const check = (fields: string, more = '') =>
    `${MINIMAL}  analysis:${more}\n    checks:\n      - { name: errors, query: up, thresholdRange: { max: 1 }${fields} }\n`;
  const cases: [string, string, string][] = [
    [
      'target kind without replicas',
      auto('').replace('Deployment/web', 'DaemonSet/agent'),
      'apps/web.yaml:11: Application/web: spec.autoscaling.target: must be a "Kind/name" reference to a Deployment, StatefulSet or ReplicaSet of this app (the kinds with spec.replicas), such as "Deployment/web": current value is "DaemonSet/agent"',
    ],
    [
      'blank query',
      auto('').replace('query: up', 'query: " "'),
      'apps/web.yaml:11: Application/web: spec.autoscaling.query: must be a PromQL expression: current value is " "',
    ],
    [
      'query over 4 KiB',
      auto('').replace('query: up', `query: ${'a'.repeat(4097)}`),
      'apps/web.yaml:11: Application/web: spec.autoscaling.query: must have at most 4096 characters: current value is "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa...',
    ],
    [
      'zero targetValue',
      auto('').replace('targetValue: 1', 'targetValue: 0'),
      'apps/web.yaml:11: Application/web: spec.autoscaling.targetValue: must be > 0: current value is 0',
    ],
    [
      'unknown targetType',
      auto(', targetType: Utilization'),
      'apps/web.yaml:11: Application/web: spec.autoscaling.targetType: must be one of "AverageValue", "Value": current value is "Utilization"',
    ],
    [
      'tolerance above 1',
      auto(', tolerance: 10'),
      'apps/web.yaml:11: Application/web: spec.autoscaling.tolerance: must be <= 1: current value is 10',
    ],
    [
      'stabilization window over an hour',
      auto(', behavior: { scaleDown: { stabilizationWindowSeconds: 7200 } }'),
      'apps/web.yaml:11: Application/web: spec.autoscaling.behavior.scaleDown.stabilizationWindowSeconds: must be <= 3600: current value is 7200',
    ],
    [
      'no checks',
      `${MINIMAL}  analysis: { checks: [] }\n`,
      'apps/web.yaml:11: Application/web: spec.analysis.checks: must list at least one check (name, query, thresholdRange): current value is []',
    ],
    [
      'eleven checks',
      `${MINIMAL}  analysis:\n    checks:\n${Array.from({ length: 11 }, (_, i) => `      - { name: c${i}, query: up, thresholdRange: { max: 1 } }\n`).join('')}`,
      'apps/web.yaml:12: Application/web: spec.analysis.checks: must list at most 10 checks: current value has 11; combine or drop checks',
    ],
    [
      'duplicate check name',
      `${check('')}      - { name: errors, query: up, thresholdRange: { max: 2 } }\n`,
      'apps/web.yaml:14: Application/web: spec.analysis.checks[1].name: duplicate check name "errors": checks[0] has the same name; give each check its own name',
    ],
    [
      'empty thresholdRange',
      check('').replace('thresholdRange: { max: 1 }', 'thresholdRange: {}'),
      'apps/web.yaml:13: Application/web: spec.analysis.checks[0].thresholdRange: must have min, max or both (a measurement passes when min ≤ value ≤ max): current value is {}',
    ],
    [
      'inverted thresholdRange',
      check('').replace('thresholdRange: { max: 1 }', 'thresholdRange: { min: 2, max: 1 }'),
      'apps/web.yaml:13: Application/web: spec.analysis.checks[0].thresholdRange.max: must be at least min (2): current value is 1',
    ],
    [
      'failureLimit not below count',
      check(', count: 2, failureLimit: 2'),
      'apps/web.yaml:13: Application/web: spec.analysis.checks[0].failureLimit: must be less than count (2), otherwise the check can never fail: current value is 2',
    ],
    [
      'failureLimit not below the default count',
      check(', failureLimit: 3'),
      'apps/web.yaml:13: Application/web: spec.analysis.checks[0].failureLimit: must be less than count (3), otherwise the check can never fail: current value is 3',
    ],
    [
      'count above 60',
      check(', count: 61'),
      'apps/web.yaml:13: Application/web: spec.analysis.checks[0].count: must be <= 60: current value is 61',
    ],
    [
      'interval zero',
      check(', interval: 0s'),
      'apps/web.yaml:13: Application/web: spec.analysis.checks[0].interval: must be a duration from "1s" to "10m": current value is "0s"',
    ],
    [
      'check name not a label',
      check('').replace('name: errors', 'name: Error_Rate'),
      'apps/web.yaml:13: Application/web: spec.analysis.checks[0].name: must be a DNS-1123 label (lower-case letters, digits and "-", at most 63 characters): current value is "Error_Rate"',
    ],
    [
      'bakeTime over an hour',
      check('', '\n    bakeTime: 2h'),
      'apps/web.yaml:12: Application/web: spec.analysis.bakeTime: must be a duration from "0s" to "1h": current value is "2h"',
    ],
    [
      'unknown inconclusive policy',
      `${MINIMAL}  analysis:\n    inconclusive: Ignore\n    checks: [{ name: up, query: up, thresholdRange: { min: 1 } }]\n`,
      'apps/web.yaml:12: Application/web: spec.analysis.inconclusive: must be one of "Rollback", "Accept": current value is "Ignore"',
    ],
  ];
  for (const [name, text, message] of cases) assert.equal(errorOf(text), message, name);
});

test('nativeAppSpec reads automated.allowEmpty, off unless the spec turns it on', () => {
  const automated = (policy: string) =>
    parseApplications(`${MINIMAL}  syncPolicy:\n    automated: ${policy}\n`, 'apps/web.yaml').apps[0]
      ?.syncPolicy.automated;
  assert.deepEqual(automated('{ prune: true }'), { prune: true, selfHeal: false, allowEmpty: false });
  assert.deepEqual(automated('{}'), { prune: false, selfHeal: false, allowEmpty: false });
  assert.deepEqual(automated('{ prune: true, allowEmpty: true }'), {
    prune: true,
    selfHeal: false,
    allowEmpty: true,
  });
  assert.equal(
    errorOf(`${MINIMAL}  syncPolicy:\n    automated: { allowEmpty: "yes" }\n`),
    'apps/web.yaml:12: Application/web: spec.syncPolicy.automated.allowEmpty: must be a boolean: current value is "yes"',
  );
});

test('nativeAppSpec defaults the retry backoff and limit when retry is present', () => {
  const { apps } = parseApplications(`${MINIMAL}  syncPolicy:\n    retry: {}\n`, 'apps/web.yaml');
  assert.deepEqual(apps[0]?.syncPolicy.retry, {
    limit: 5,
    backoff: { duration: '5s', factor: 2, maxDuration: '3m' },
  });
});

test('nativeAppSpec errors name the file, line, object and field', () => {
  const cases: [string, string, string][] = [
    [
      'name not a DNS-1123 label',
      MINIMAL.replace('name: web', 'name: Web_App'),
      'apps/web.yaml:4: Application/Web_App: metadata.name: must be a DNS-1123 label (lower-case letters, digits and "-", at most 63 characters): current value is "Web_App"',
    ],
    [
      'missing namespace',
      MINIMAL.replace('    namespace: web\n', '    cluster: local\n'),
      'apps/web.yaml:9: Application/web: spec.destination.namespace: is required',
    ],
    [
      'missing repoURL',
      MINIMAL.replace('    repoURL: https://example.com/web.git\n', ''),
      'apps/web.yaml:6: Application/web: spec.source.repoURL: is required',
    ],
    [
      'bad interval',
      `${MINIMAL}  syncPolicy:\n    interval: soon\n`,
      'apps/web.yaml:12: Application/web: spec.syncPolicy.interval: must be a duration like "30s", "3m" or "1h": current value is "soon"',
    ],
    [
      'sync option without a value',
      `${MINIMAL}  syncPolicy:\n    syncOptions:\n      - CreateNamespace=true\n      - PruneLast\n`,
      'apps/web.yaml:14: Application/web: spec.syncPolicy.syncOptions[1]: must be a "Key=Value" option such as "CreateNamespace=true": current value is "PruneLast"',
    ],
    [
      'path with chart',
      MINIMAL.replace('    path: deploy\n', '    path: deploy\n    chart: web\n'),
      'apps/web.yaml:8: Application/web: spec.source.path: must be absent or empty when chart is set (the chart is the whole source): current value is "deploy"',
    ],
    [
      'wrong type',
      MINIMAL.replace('  destination:', '  rollback: { automatic: "yes" }\n  destination:'),
      'apps/web.yaml:9: Application/web: spec.rollback.automatic: must be a boolean: current value is "yes"',
    ],
    [
      'retry limit below zero',
      `${MINIMAL}  syncPolicy:\n    retry: { limit: -1 }\n`,
      'apps/web.yaml:12: Application/web: spec.syncPolicy.retry.limit: must be >= 0: current value is -1',
    ],
    [
      'autoscaling max below min',
      `${MINIMAL}  autoscaling: { target: Deployment/web, min: 5, max: 2, query: up, targetValue: 1 }\n`,
      'apps/web.yaml:11: Application/web: spec.autoscaling.max: must be at least min (5): current value is 2',
    ],
    [
      'backoff maxDuration below duration',
      `${MINIMAL}  syncPolicy:\n    retry: { backoff: { duration: 1m, maxDuration: 30s } }\n`,
      'apps/web.yaml:12: Application/web: spec.syncPolicy.retry.backoff.maxDuration: must be at least duration ("1m"): current value is "30s"',
    ],
  ];
  for (const [name, text, message] of cases) assert.equal(errorOf(text), message, name);
});

test('nativeAppSpec refuses unknown sync options and values, naming the field', () => {
  assert.equal(
    errorOf(`${MINIMAL}  syncPolicy:\n    syncOptions: [CreateNamespace=true, Turbo=true]\n`),
    'apps/web.yaml:12: Application/web: spec.syncPolicy.syncOptions[1]: unknown sync option "Turbo": known options are CreateNamespace, PruneLast, PrunePropagationPolicy, ApplyOutOfSyncOnly, ServerSideApply, Replace, Validate, RespectIgnoreDifferences, FailOnSharedResource, AllowSharedResource, SkipDryRunOnMissingResource',
  );
  assert.equal(
    errorOf(`${MINIMAL}  syncPolicy:\n    syncOptions: [PrunePropagationPolicy=sideways]\n`),
    'apps/web.yaml:12: Application/web: spec.syncPolicy.syncOptions[0]: sync option PrunePropagationPolicy does not accept "sideways": allowed values are foreground, background, orphan',
  );
});

test('nativeAppSpec warns about a sync option given twice: the last value wins', () => {
  const text = `${MINIMAL}  syncPolicy:\n    syncOptions: [Validate=true, Validate=false]\n`;
  const { apps, warnings } = parseApplications(text, 'apps/web.yaml');
  assert.deepEqual(apps[0]?.syncPolicy.syncOptions, ['Validate=true', 'Validate=false']);
  assert.deepEqual(
    warnings.map((w) => `${w.field}: ${w.problem}`),
    ['spec.syncPolicy.syncOptions[1]: sync option Validate is also set at index 0: the last value wins'],
  );
});

/** GUESTBOOK with a `helm:` block (YAML lines, indented under it) added to its source. */
const withHelm = (lines: string) =>
  GUESTBOOK.replace('    path: guestbook\n', `    path: guestbook\n    helm:\n${lines}`);

test('nativeAppSpec reads helm.valuesFrom Secret references', () => {
  const { apps } = parseApplications(
    withHelm(
      '      valueFiles: [values-prod.yaml]\n      valuesFrom:\n        - secretRef: { name: web-values }\n        - secretRef: { name: web-extra, key: prod.yaml }\n          optional: true\n',
    ),
    'apps/web.yaml',
  );
  assert.deepEqual(apps[0]?.source.helm, {
    valueFiles: ['values-prod.yaml'],
    valuesFrom: [
      { secretRef: { name: 'web-values' } },
      { secretRef: { name: 'web-extra', key: 'prod.yaml' }, optional: true },
    ],
  });
  assert.throws(
    () =>
      parseApplications(
        withHelm('      valuesFrom: [{ secretRef: { key: values.yaml } }]\n'),
        'apps/web.yaml',
      ),
    (err) =>
      err instanceof SpecError &&
      /spec\.source\.helm\.valuesFrom\[0\]\.secretRef\.name: is required/.test(err.message),
  );
});

test('nativeAppSpec refuses inline Helm values and parameters, naming the field and the fix, never the value', () => {
  for (const [field, lines] of [
    ['values', '      values: |\n        password: s3cr3t-marker\n'],
    ['values', '      values: { password: s3cr3t-marker }\n'],
    ['parameters', '      parameters: [{ name: password, value: s3cr3t-marker }]\n'],
  ] as const) {
    assert.throws(
      () => parseApplications(withHelm(lines), 'apps/web.yaml'),
      (err) =>
        err instanceof SpecError &&
        err.message.startsWith(`apps/web.yaml:11: Application/guestbook: spec.source.helm.${field}: `) &&
        /not accepted: the spec travels in Temporal workflow payloads, where values would be stored in plain text; put them in a values file in Git listed in helm\.valueFiles, or in a Kubernetes Secret in the destination namespace named by helm\.valuesFrom/.test(
          err.message,
        ) &&
        !err.message.includes('s3cr3t-marker'),
      lines,
    );
  }
});

test('spec.sources: each source checked, with refs, ref-only sources and the first as source', () => {
  const doc = (sources: string, extra = '') => `apiVersion: mooring.dev/v1
kind: Application
metadata:
  name: web
spec:
${extra}  sources:
${sources}
  destination:
    namespace: web
`;
  const good = doc(`    - repoURL: https://example.com/web.git
      path: chart
      helm: { valueFiles: [$values/web/prod.yaml] }
    - repoURL: https://example.com/values.git
      targetRevision: main
      ref: values`);
  const app = parseApplications(good, 'a.yaml').apps[0];
  assert.equal(app?.sources?.length, 2);
  assert.equal(app?.source.path, 'chart');
  assert.deepEqual(app?.sources?.[1], {
    repoURL: 'https://example.com/values.git',
    targetRevision: 'main',
    path: '',
    ref: 'values',
  });
  const one = parseApplications(
    doc('    - { repoURL: https://example.com/web.git, path: deploy }'),
    'a.yaml',
  );
  assert.equal(one.apps[0]?.sources, undefined, 'one source is just source');

  const refused = (text: string, message: RegExp) =>
    assert.throws(
      () => parseApplications(text, 'a.yaml'),
      (err: unknown) => {
        assert.ok(err instanceof SpecError);
        assert.match(err.message, message);
        return true;
      },
    );
  refused(
    doc(
      '    - { repoURL: https://example.com/web.git, path: deploy }',
      '  source: { repoURL: https://x.example/a.git, path: a }\n',
    ),
    /spec\.sources: cannot be set with spec\.source/,
  );
  refused(
    doc('    - { repoURL: https://example.com/values.git, ref: values }'),
    /spec\.sources\[0\]\.path: is required in at least one source: every source only provides files/,
  );
  refused(
    doc(`    - { repoURL: "oci://r.example/charts", chart: web, ref: web }
    - { repoURL: https://example.com/web.git, path: deploy }`),
    /spec\.sources\[0\]\.ref: cannot be set on a chart source/,
  );
  refused(
    doc(`    - { repoURL: https://example.com/a.git, path: a, ref: x }
    - { repoURL: https://example.com/b.git, path: b, ref: x }`),
    /spec\.sources\[1\]\.ref: "x" is already the ref of source 0/,
  );
  refused(
    doc(`    - { repoURL: https://example.com/a.git, path: a, helm: { valueFiles: [$v/../secret.yaml] } }
    - { repoURL: https://example.com/b.git, ref: v }`),
    /must name a file inside the repository of \$v, without "\.\."/,
  );
});
