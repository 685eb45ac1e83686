/**
 * Helm charts from a real chart repository (`helm package` + `helm repo index` served over HTTP,
 * with and without Basic auth) and a real OCI registry (CNCF distribution, htpasswd auth, charts
 * pushed with `helm push`), rendered through `renderSource` as the agent does: version ranges
 * resolved to an exact version and digest, credentials from a credentials file, dependencies
 * built with `helm dependency build`, and a second render served by the chart cache with no
 * network at all.
 */
import assert from 'node:assert/strict';
import { mkdtemp, realpath, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { AuthFailed, ManifestInvalid, RepoUrlRefused } from '../../contract/errors.js';
import type { KubeObject } from '../../contract/kube-object.js';
import { ChartCredentials, ChartSource, type ChartRef } from '../../activities/render/chart-source/index.js';
import { renderSource } from '../../activities/render/render-source.js';
import { serveChartRepo, writeTestChart, type ChartRepoServer } from '../support/chart-repo.js';
import { registryBinary, startOciRegistry, type OciRegistry } from '../support/oci-registry.js';
import { binaryMissing, helmMissing } from '../support/requirements.js';

const STACK = 'put the stack on PATH: eval "$(scripts/stack env)" (scripts/stack install builds it)';
const missing = helmMissing() ?? binaryMissing(registryBinary(), STACK);

const REPO_USER = { username: 'chart-reader', password: 'repo-pw-7f3c9a' };
const REGISTRY_USER = { username: 'robot', password: 'registry-pw-51be02' };

let tmp: string;
let privateRepo: ChartRepoServer;
let openRepo: ChartRepoServer;
let registry: OciRegistry;
let charts: ChartSource;
let ociURL: string;

/** A ChartSource over the test servers with `credentials`, its own cache under `tmp`. */
function chartSource(name: string, credentials: ChartCredentials): ChartSource {
  const hosts = [privateRepo, openRepo].map((r) => new URL(r.url).host);
  return new ChartSource({
    dir: join(tmp, `cache-${name}`),
    credentials,
    policy: { plainHttpHosts: [...hosts, registry.host] },
    sweepIntervalMs: 0,
  });
}

async function render(ref: ChartRef, source = charts, valueFiles?: string[]): Promise<KubeObject[]> {
  const { type, objects } = await renderSource({
    chart: ref,
    charts: source,
    path: '',
    appName: 'demo',
    namespace: 'shop',
    ...(valueFiles ? { helm: { valueFiles } } : {}),
  });
  assert.equal(type, 'Helm');
  return objects;
}

const data = (objects: KubeObject[]) => objects.map((o) => [o.metadata.name, (o as { data?: unknown }).data]);

describe('Helm chart sources', { skip: missing }, () => {
  before(async () => {
    tmp = await realpath(await mkdtemp(join(tmpdir(), 'mooring-chart-sources-')));
    privateRepo = await serveChartRepo({ auth: REPO_USER });
    openRepo = await serveChartRepo();
    registry = await startOciRegistry({ auth: REGISTRY_USER });
    ociURL = `oci://${registry.host}/charts`;
    const prod = { 'values-prod.yaml': 'message: from values-prod\n' };
    for (const version of ['1.0.0', '1.3.0', '1.4.0-rc.1', '2.0.0'])
      await privateRepo.add({ name: 'web', version, files: prod });
    await privateRepo.add({ name: 'sub', version: '0.1.0' });
    await openRepo.add({ name: 'guestbook', version: '0.2.0' });
    await registry.push(join(privateRepo.dir, 'web-1.3.0.tgz'));
    await registry.push(join(privateRepo.dir, 'web-2.0.0.tgz'));
    const passwordFile = join(tmp, 'repo-password');
    await writeFile(passwordFile, `${REPO_USER.password}\n`, { mode: 0o600 });
    charts = chartSource(
      'main',
      new ChartCredentials([
        { urlPrefix: privateRepo.url, username: REPO_USER.username, passwordFile },
        { urlPrefix: ociURL, ...REGISTRY_USER },
      ]),
    );
  });
  after(async () => {
    await privateRepo?.close();
    await openRepo?.close();
    await registry?.close();
    if (tmp) await rm(tmp, { recursive: true, force: true });
  });

  it('resolves "1.*" to the highest stable 1.x of a repository with Basic auth and renders it', async () => {
    const pin = await charts.resolve({ repoURL: privateRepo.url, chart: 'web', targetRevision: '1.*' });
    assert.equal(pin.version, '1.3.0');
    assert.match(pin.digest, /^sha256:[0-9a-f]{64}$/);
    const objects = await render({ repoURL: privateRepo.url, chart: 'web', ...pin });
    assert.deepEqual(data(objects), [['demo-web', { message: 'web 1.3.0', chartVersion: '1.3.0' }]]);
  });

  it('renders from a repository without auth, sending no credentials', async () => {
    const pin = await charts.resolve({ repoURL: openRepo.url, chart: 'guestbook', targetRevision: 'HEAD' });
    assert.equal(pin.version, '0.2.0');
    const objects = await render({ repoURL: openRepo.url, chart: 'guestbook', ...pin });
    assert.deepEqual(data(objects), [
      ['demo-guestbook', { message: 'guestbook 0.2.0', chartVersion: '0.2.0' }],
    ]);
    assert.equal(openRepo.unauthorized(), 0);
  });

  it('names the repository but never the password when the credentials are wrong', async () => {
    const wrong = chartSource(
      'wrong',
      new ChartCredentials([
        { urlPrefix: privateRepo.url, username: REPO_USER.username, password: 'wrong-pw-0d9e' },
      ]),
    );
    await assert.rejects(
      wrong.resolve({ repoURL: privateRepo.url, chart: 'web', targetRevision: '1.*' }),
      (error: Error) => {
        assert.ok(error instanceof AuthFailed, `${error.name}: ${error.message}`);
        assert.ok(error.message.includes(privateRepo.url), error.message);
        assert.match(error.message, /refused the credentials configured for .*MOORING_HELM_CREDENTIALS_FILE/);
        assert.ok(!error.message.includes('wrong-pw-0d9e') && !error.message.includes(REPO_USER.password));
        return true;
      },
    );
    const none = chartSource('none', new ChartCredentials([]));
    await assert.rejects(
      none.resolve({ repoURL: ociURL, chart: 'web', targetRevision: '1.*' }),
      /requires credentials \(HTTP 401\) and none are configured for it/,
    );
  });

  it('refuses plain HTTP to a host the agent did not list', async () => {
    const strict = new ChartSource({
      dir: join(tmp, 'cache-strict'),
      credentials: new ChartCredentials([]),
      policy: { plainHttpHosts: [] },
      sweepIntervalMs: 0,
    });
    await assert.rejects(
      strict.resolve({ repoURL: openRepo.url, chart: 'guestbook', targetRevision: '*' }),
      (error: Error) =>
        error instanceof RepoUrlRefused && /MOORING_HELM_PLAIN_HTTP_HOSTS/.test(error.message),
    );
  });

  it('renders a Git chart whose dependency is served by the chart repository (helm dependency build)', async () => {
    const checkout = join(tmp, 'checkout');
    await writeTestChart(checkout, {
      name: 'shop',
      version: '1.0.0',
      dependencies: [{ name: 'sub', version: '0.1.*', repository: privateRepo.url }],
    });
    const { objects } = await renderSource({
      root: checkout,
      path: 'shop',
      charts,
      appName: 'demo',
      namespace: 'shop',
    });
    assert.deepEqual(
      objects.map((o) => o.metadata.name),
      ['demo-sub', 'demo-shop'],
    );
  });

  it('renders a chart from the OCI registry with auth, pinned by manifest digest, value files from the chart', async () => {
    const pin = await charts.resolve({ repoURL: ociURL, chart: 'web', targetRevision: '^1.0.0' });
    assert.equal(pin.version, '1.3.0');
    const httpPin = await charts.resolve({ repoURL: privateRepo.url, chart: 'web', targetRevision: '1.3.0' });
    assert.notEqual(pin.digest, httpPin.digest, 'an OCI pin is the manifest digest, not the archive digest');
    const objects = await render({ repoURL: ociURL, chart: 'web', ...pin }, charts, ['values-prod.yaml']);
    assert.deepEqual(data(objects), [['demo-web', { message: 'from values-prod', chartVersion: '1.3.0' }]]);
  });

  it('renders a pinned chart again from the cache without a single request', async () => {
    const pin = await charts.resolve({ repoURL: privateRepo.url, chart: 'web', targetRevision: '1.0.0' });
    const ref = { repoURL: privateRepo.url, chart: 'web', ...pin };
    await render(ref);
    const before = privateRepo.requests().length;
    assert.deepEqual(data(await render(ref)), [
      ['demo-web', { message: 'web 1.0.0', chartVersion: '1.0.0' }],
    ]);
    assert.equal(privateRepo.requests().length, before, 'no request reached the repository');
  });

  it('refuses a pinned version whose content changed (a rollback renders the same bytes or nothing)', async () => {
    const pin = await charts.resolve({ repoURL: privateRepo.url, chart: 'web', targetRevision: '2.0.0' });
    const forged = {
      repoURL: privateRepo.url,
      chart: 'web',
      version: '2.0.0',
      digest: `sha256:${'0'.repeat(64)}`,
    };
    await assert.rejects(render(forged), (error: Error) => {
      assert.ok(error instanceof ManifestInvalid, `${error.name}: ${error.message}`);
      assert.match(
        error.message,
        new RegExp(`has digest ${pin.digest}, expected sha256:0{64}; the version was republished`),
      );
      return true;
    });
  });

  it('renders a cached OCI chart with the registry stopped', async () => {
    const pin = await charts.resolve({ repoURL: ociURL, chart: 'web', targetRevision: '2.0.0' });
    const ref = { repoURL: ociURL, chart: 'web', ...pin };
    await render(ref);
    await registry.stop();
    assert.deepEqual(data(await render(ref)), [
      ['demo-web', { message: 'web 2.0.0', chartVersion: '2.0.0' }],
    ]);
  });
});
