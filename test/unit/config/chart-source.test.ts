import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseApplications } from '../../../config/index.js';
import { chartConstraint, chartRepoUrlProblem, sourceProblem } from '../../../config/chart-source.js';

const app = (source: string) => `apiVersion: mooring.dev/v1
kind: Application
metadata: { name: web }
spec:
  source: ${source}
  destination: { namespace: web }
`;
const argo = (source: string) => `apiVersion: argoproj.io/v1alpha1
kind: Application
metadata: { name: web }
spec:
  source: ${source}
  destination: { server: https://kubernetes.default.svc, namespace: web }
`;

test('parseApplications reads a native chart source with an empty path', () => {
  const { apps } = parseApplications(
    app('{ repoURL: oci://registry.example.com/charts, chart: web, targetRevision: "1.2.*" }'),
    'a.yaml',
  );
  assert.deepEqual(apps[0]?.source, {
    repoURL: 'oci://registry.example.com/charts',
    chart: 'web',
    targetRevision: '1.2.*',
    path: '',
  });
});

test('parseApplications imports an Argo CD chart source with its helm block and no warning for chart', () => {
  const { apps, warnings } = parseApplications(
    argo(
      '{ repoURL: https://charts.example.com, chart: guestbook, targetRevision: ">=1.0 <2", helm: { releaseName: gb, valueFiles: [values-prod.yaml] } }',
    ),
    'a.yaml',
  );
  assert.deepEqual(warnings, []);
  assert.equal(apps[0]?.source.chart, 'guestbook');
  assert.equal(apps[0]?.source.path, '');
  assert.deepEqual(apps[0]?.source.helm, { releaseName: 'gb', valueFiles: ['values-prod.yaml'] });
});

test('parseApplications refuses a bad chart source, naming the field and what to do', () => {
  const cases: [string, RegExp][] = [
    [
      '{ repoURL: https://c.example.com, chart: ../web }',
      /spec\.source\.chart: must be a chart name, not a path/,
    ],
    [
      '{ repoURL: https://c.example.com, chart: a..b }',
      /spec\.source\.chart: must be a chart name \(letters/,
    ],
    [
      '{ repoURL: https://c.example.com, chart: web, path: deploy }',
      /spec\.source\.path: must be absent or empty when chart is set/,
    ],
    ['{ repoURL: git@github.com:acme/charts, chart: web }', /spec\.source\.repoURL: .*is not a URL/],
    ['{ repoURL: ssh://github.com/acme, chart: web }', /spec\.source\.repoURL: .*uses scheme "ssh"/],
    [
      '{ repoURL: "https://u:s3cret-pw@c.example.com", chart: web }',
      /credentials in a chart repository URL are refused: "https:\/\/c\.example\.com\/?".*MOORING_HELM_CREDENTIALS_FILE/,
    ],
    [
      '{ repoURL: https://c.example.com, chart: web, targetRevision: main }',
      /spec\.source\.targetRevision: must be a chart version or a semver range/,
    ],
    [
      '{ repoURL: https://c.example.com, chart: web, kustomize: {} }',
      /spec\.source\.kustomize: cannot be used with chart/,
    ],
    ['{ repoURL: https://example.com/web.git }', /spec\.source\.path: is required \(or chart/],
  ];
  for (const [source, expected] of cases) {
    const error = (() => {
      try {
        parseApplications(app(source), 'a.yaml');
      } catch (err) {
        return err as Error;
      }
      return undefined;
    })();
    assert.match(error?.message ?? 'no error', expected, source);
    assert.doesNotMatch(error?.message ?? '', /s3cret-pw/);
  }
});

test('chartConstraint reads versions, Helm ranges and "latest" spellings', () => {
  assert.equal(chartConstraint('1.2.3'), '1.2.3');
  assert.equal(chartConstraint('>= 1.0, < 2'), '>= 1.0 < 2');
  assert.equal(chartConstraint('^1.2.0'), '^1.2.0');
  assert.equal(chartConstraint('HEAD'), '*');
  assert.equal(chartConstraint(''), '*');
  assert.equal(chartConstraint('main'), undefined);
});

test('chartRepoUrlProblem accepts https, http and oci URLs and nothing else', () => {
  assert.equal(chartRepoUrlProblem('https://charts.example.com/stable'), undefined);
  assert.equal(chartRepoUrlProblem('http://127.0.0.1:8080'), undefined);
  assert.equal(chartRepoUrlProblem('oci://ghcr.io/acme/charts'), undefined);
  assert.match(chartRepoUrlProblem('https://c.example.com/?token=abc') ?? '', /query parameter "token"/);
  assert.match(chartRepoUrlProblem('oci://r.example.com/charts#x') ?? '', /fragment/);
  assert.match(chartRepoUrlProblem('file:///charts') ?? '', /scheme "file"/);
});

test('sourceProblem leaves Git sources to the Git rules', () => {
  assert.equal(sourceProblem({ repoURL: 'https://example.com/x.git', path: 'deploy' }), undefined);
});
