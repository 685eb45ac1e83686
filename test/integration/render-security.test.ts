/**
 * The render trust boundary with the real helm and kustomize binaries: symlinks leaving the
 * repository (hidden folders included), remote value files and bases (refused without a single
 * request reaching the server unless the render policy allows them), kustomize plugins, the
 * environment the tools see, and the output and object limits.
 */
import assert from 'node:assert/strict';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ManifestInvalid, PolicyViolation } from '../../contract/errors.js';
import { ManifestStore, createRenderActivities } from '../../activities/render/index.js';
import type { RenderActivitiesOptions } from '../../activities/render/index.js';
import type { RenderManifestsInput } from '../../contract/activities.js';
import type { KubeObject } from '../../contract/kube-object.js';
import type { RenderPolicy } from '../../core/manifests/render-policy.js';
import { helmMissing, kustomizeMissing } from '../support/requirements.js';
import { tempRepo, type TempRepo } from '../unit/activities/render/temp-repo.js';

const SHA = 'c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00';
const CLOSED: RenderPolicy = { allowRemoteValueFiles: false, allowRemoteBases: false, allowPlugins: false };
const OPEN: RenderPolicy = { allowRemoteValueFiles: true, allowRemoteBases: true, allowPlugins: true };

const CHART = {
  'chart/Chart.yaml': 'apiVersion: v2\nname: demo\nversion: 0.1.0\n',
  'chart/values.yaml': 'greeting: hello\ncount: 1\n',
  'chart/templates/cm.yaml':
    '{{- range until (int .Values.count) }}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm-{{ . }}\ndata:\n  greeting: {{ $.Values.greeting | quote }}\n  padding: {{ $.Values.padding | default "" | quote }}\n{{- end }}\n',
};
const CONFIG_MAP = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: remote\ndata:\n  from: server\n';

let server: Server;
let serverURL: string;
const requests: string[] = [];
let cacheDir: string;
const repos: TempRepo[] = [];

before(async () => {
  server = createServer((request, response) => {
    requests.push(request.url ?? '');
    response.end(request.url?.endsWith('values.yaml') ? 'greeting: from-the-server\n' : CONFIG_MAP);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  serverURL = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  cacheDir = await mkdtemp(join(tmpdir(), 'mooring-render-security-'));
});
after(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await rm(cacheDir, { recursive: true, force: true });
  for (const repo of repos) await repo.remove();
});

async function repoWith(files: Record<string, string>): Promise<TempRepo> {
  const repo = await tempRepo(files);
  repos.push(repo);
  return repo;
}

let renders = 0;
async function render(
  repo: TempRepo,
  input: Partial<RenderManifestsInput> & { path: string },
  options: Partial<RenderActivitiesOptions> & { policy?: RenderPolicy } = {},
): Promise<KubeObject[]> {
  renders += 1;
  const { policy = CLOSED, ...rest } = options;
  const store = new ManifestStore({ dir: join(cacheDir, `store-${renders}`) });
  const activities = createRenderActivities({
    store,
    checkout: async () => repo.root,
    renderPolicyFor: () => policy,
    ...rest,
  });
  const summary = await activities.renderManifests({
    appName: 'app',
    repoURL: 'https://example.com/repo.git',
    revision: SHA,
    namespace: 'demo',
    ...input,
  });
  const objects = await store.get(summary.manifestKey);
  assert.ok(objects);
  return objects;
}

/** Asserts a rejection of `kind` whose message matches `message` and shows no agent path. */
function rejection(kind: typeof ManifestInvalid | typeof PolicyViolation, message: RegExp) {
  return (error: unknown): boolean => {
    assert.ok(error instanceof kind, `expected ${kind.name}, got ${String(error)}`);
    assert.match(error.message, message);
    assert.doesNotMatch(error.message, /\/tmp\/|mooring-render-/);
    return true;
  };
}

describe('symlinks in the checkout', () => {
  const sources: [string, Record<string, string>, string | undefined][] = [
    ['a plain directory', { 'app/cm.yaml': CONFIG_MAP }, undefined],
    ['a Helm chart', CHART, helmMissing()],
    [
      'a kustomization',
      { 'app/kustomization.yaml': 'resources:\n- cm.yaml\n', 'app/cm.yaml': CONFIG_MAP },
      kustomizeMissing(),
    ],
  ];
  for (const [what, files, skip] of sources) {
    it(`refuses ${what} when a symlink in a hidden folder points at /etc/passwd`, { skip }, async () => {
      const repo = await repoWith(files);
      await repo.link('.secrets/passwd', '/etc/passwd');
      const path = what === 'a Helm chart' ? 'chart' : 'app';
      await assert.rejects(
        render(repo, { path }),
        rejection(
          ManifestInvalid,
          /^Symlink "\.secrets\/passwd" points outside the repository: link target is "\/etc\/passwd"$/,
        ),
      );
    });
  }

  it('refuses a link that leaves the repository through a chain of links', async () => {
    const repo = await repoWith({ 'app/cm.yaml': CONFIG_MAP });
    await repo.link('app/.hidden/up', '..');
    await repo.link('app/.hidden/escape', 'up/../../..');
    await assert.rejects(
      render(repo, { path: 'app' }),
      rejection(
        ManifestInvalid,
        /^Symlink "app\/\.hidden\/escape" \(link target "up\/\.\.\/\.\.\/\.\."\) resolves outside the repository through a chain of links$/,
      ),
    );
  });
});

describe('remote Helm value files', { skip: helmMissing() }, () => {
  it('refuses a URL value file by default, without any request', async () => {
    const repo = await repoWith(CHART);
    const before = requests.length;
    await assert.rejects(
      render(repo, { path: 'chart', helm: { valueFiles: [`${serverURL}/values.yaml`] } }),
      rejection(
        PolicyViolation,
        /^Value file "http:\/\/127\.0\.0\.1:\d+\/values\.yaml" of helm\.valueFiles is remote; .*\(allowRemoteValueFiles\)/,
      ),
    );
    assert.equal(requests.length, before, 'no request reached the server');
  });

  it('fetches it when the render policy allows remote value files', async () => {
    const repo = await repoWith(CHART);
    const objects = await render(
      repo,
      { path: 'chart', helm: { valueFiles: [`${serverURL}/values.yaml`] } },
      { policy: { ...CLOSED, allowRemoteValueFiles: true } },
    );
    assert.equal(objects[0]?.data && (objects[0].data as Record<string, string>).greeting, 'from-the-server');
  });
});

describe('remote kustomize bases', { skip: kustomizeMissing() }, () => {
  const files = (remote: string): Record<string, string> => ({
    'app/kustomization.yaml': 'resources:\n- ../base\n',
    'base/kustomization.yaml': `resources:\n- cm.yaml\n- ${remote}\n`,
    'base/cm.yaml': CONFIG_MAP.replace('remote', 'local'),
  });

  for (const remote of ['URL', 'github.com/org/repo//deploy?ref=v1', 'git@github.com:org/repo.git']) {
    it(`refuses a remote base reached through a local base (${remote}), without any request`, async () => {
      const repo = await repoWith(files(remote === 'URL' ? `${serverURL}/cm.yaml` : remote));
      const before = requests.length;
      await assert.rejects(
        render(repo, { path: 'app' }),
        rejection(
          PolicyViolation,
          /^Kustomization "base\/kustomization\.yaml" refers to remote ".+" in resources\[1\]; remote bases are off unless the app's project allows them \(allowRemoteBases\)/,
        ),
      );
      assert.equal(requests.length, before, 'no request reached the server');
    });
  }

  it('downloads a remote resource when the render policy allows remote bases', async () => {
    const repo = await repoWith(files(`${serverURL}/cm.yaml`));
    const objects = await render(repo, { path: 'app' }, { policy: { ...CLOSED, allowRemoteBases: true } });
    assert.deepEqual(objects.map((o) => o.metadata.name).sort(), ['local', 'remote']);
  });

  it('refuses helmCharts while plugins are off', async () => {
    const charts = await repoWith({
      'app/kustomization.yaml': 'helmCharts:\n- name: redis\n  repo: https://charts.example.com\n',
    });
    await assert.rejects(
      render(charts, { path: 'app' }),
      rejection(
        PolicyViolation,
        /^Kustomization "app\/kustomization\.yaml" uses a plugin in helmCharts\[0\]: redis/,
      ),
    );
  });
});

describe('the environment of the tools', { skip: kustomizeMissing() }, () => {
  const DUMP_ENV = `#!/bin/sh
cat >/dev/null
printf 'apiVersion: config.kubernetes.io/v1\\nkind: ResourceList\\nitems:\\n- apiVersion: v1\\n  kind: ConfigMap\\n  metadata:\\n    name: env\\n  data:\\n    names: |\\n'
env | cut -d= -f1 | sort | sed 's/^/      /'
`;
  const PLANTED = {
    KUBECONFIG: '/root/.kube/config',
    KUBERNETES_SERVICE_HOST: '10.0.0.1',
    TEMPORAL_ADDRESS: 'temporal:7233',
    MOORING_GIT_TOKEN: 'ghp_planted',
    GIT_ASKPASS: '/bin/askpass',
    AWS_SECRET_ACCESS_KEY: 'planted',
  };
  let saved: Record<string, string | undefined>;
  before(() => {
    saved = Object.fromEntries(Object.keys(PLANTED).map((k) => [k, process.env[k]]));
    Object.assign(process.env, PLANTED);
  });
  after(() => {
    for (const [key, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  });

  async function envRepo(): Promise<TempRepo> {
    const repo = await repoWith({
      'app/kustomization.yaml': 'generators:\n- gen.yaml\n',
      'app/gen.yaml':
        'apiVersion: example.com/v1\nkind: EnvDump\nmetadata:\n  name: dump\n  annotations:\n    config.kubernetes.io/function: |\n      exec:\n        path: ./dump-env.sh\n',
      'app/dump-env.sh': DUMP_ENV,
    });
    await chmod(join(repo.root, 'app/dump-env.sh'), 0o755);
    return repo;
  }

  it('refuses an exec function while plugins are off', async () => {
    await assert.rejects(
      render(await envRepo(), { path: 'app' }),
      rejection(
        PolicyViolation,
        /^Kustomization "app\/kustomization\.yaml" uses a plugin in generators\[0\] \("gen\.yaml"\): EnvDump is a KRM function/,
      ),
    );
  });

  it('gives a plugin only the sandbox environment: no kubeconfig, cluster, Temporal, Git or cloud credentials', async () => {
    const objects = await render(await envRepo(), { path: 'app' }, { policy: OPEN });
    const names = String((objects[0]?.data as Record<string, string>).names)
      .split('\n')
      .filter(Boolean);
    for (const name of Object.keys(PLANTED)) assert.ok(!names.includes(name), `${name} reached the tool`);
    assert.ok(!names.some((name) => /^(MOORING_|TEMPORAL_|AWS_|KUBE)/.test(name)), names.join(','));
    assert.ok(names.includes('HOME') && names.includes('PATH'));
  });
});

describe('render limits', () => {
  it('fails clearly when helm output exceeds the output limit', { skip: helmMissing() }, async () => {
    const repo = await repoWith(CHART);
    await repo.write('chart/values.yaml', `greeting: hello\ncount: 400\npadding: ${'x'.repeat(4096)}\n`);
    await assert.rejects(
      render(repo, { path: 'chart' }, { limits: { maxOutputBytes: 1024 * 1024 } }),
      rejection(
        ManifestInvalid,
        /^Rendering "chart" with helm failed: output exceeds 1 MiB; make the app smaller or raise the agent's maxOutputBytes render limit$/,
      ),
    );
  });

  it('bounds the bytes and the objects of a plain directory', async () => {
    const repo = await repoWith({
      'app/a.yaml': CONFIG_MAP.replace('remote', 'a'),
      'app/b.yaml': CONFIG_MAP.replace('remote', 'b'),
      'app/c.yaml': CONFIG_MAP.replace('remote', 'c'),
    });
    await assert.rejects(
      render(repo, { path: 'app' }, { limits: { maxOutputBytes: 150 } }),
      rejection(
        ManifestInvalid,
        /^The manifest files of "app" exceed 150 bytes \(reached at "app\/c\.yaml"\)/,
      ),
    );
    await assert.rejects(
      render(repo, { path: 'app' }, { limits: { maxObjects: 2 } }),
      rejection(ManifestInvalid, /^Rendering "app" produced 3 objects, more than the limit of 2;/),
    );
  });
});
