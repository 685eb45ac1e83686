/**
 * Rendering with the real kustomize and helm binaries (from PATH, or MOORING_KUSTOMIZE /
 * MOORING_HELM) on temp copies of the shared Argo CD example apps. Each test skips with the reason
 * when its binary or the shared examples are missing (test/support/requirements.ts).
 */
import assert from 'node:assert/strict';
import { cp, mkdtemp, readFile, readdir, realpath, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ManifestInvalid } from '../../contract/errors.js';
import { ManifestStore, createRenderActivities, renderSource } from '../../activities/render/index.js';
import type { RenderManifestsInput, RenderManifestsResult } from '../../contract/activities.js';
import type { KubeObject } from '../../contract/kube-object.js';
import {
  helmMissing,
  kustomizeMissing,
  SHARED_EXAMPLES as EXAMPLES,
  sharedExamplesMissing,
} from '../support/requirements.js';

const SHA = 'c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00';

const examplesMissing = sharedExamplesMissing();
const noKustomize = examplesMissing ?? kustomizeMissing();
const noHelm = examplesMissing ?? helmMissing();

let root: string;
let cacheDir: string;
let store: ManifestStore;
let activities: ReturnType<typeof createRenderActivities>;
const secretReads: string[] = [];
/** The fake Secret store of the destination namespace: `name/key` -> values. */
const SECRETS: Record<string, string> = {
  'gb-values/values.yaml': 'image:\n  tag: v6\nservice:\n  type: NodePort\nreplicaCount: 3\n',
  'gb-extra/extra.yaml': 'image:\n  repository: registry.local/gb\n',
  'bad-values/values.yaml': 'service: [not, a, map]\n',
};

before(async () => {
  root = await realpath(await mkdtemp(join(tmpdir(), 'mooring-render-tools-')));
  if (!examplesMissing)
    await cp(EXAMPLES, root, { recursive: true, filter: (source) => !source.endsWith('/.git') });
  cacheDir = await mkdtemp(join(tmpdir(), 'mooring-render-tools-cache-'));
  store = new ManifestStore({ dir: join(cacheDir, 'manifests') });
  activities = createRenderActivities({
    store,
    checkout: async () => root,
    readSecretValue: async (namespace, name, key) => {
      secretReads.push(`${namespace}/${name}/${key}`);
      return SECRETS[`${name}/${key}`];
    },
  });
});
after(async () => {
  await rm(root, { recursive: true, force: true });
  await rm(cacheDir, { recursive: true, force: true });
});

async function render(
  input: Partial<RenderManifestsInput> & { path: string },
): Promise<{ summary: RenderManifestsResult; objects: KubeObject[] }> {
  const summary = await activities.renderManifests({
    appName: input.path,
    repoURL: 'https://example.com/argocd-example-apps.git',
    revision: SHA,
    namespace: 'demo',
    ...input,
  });
  const objects = await store.get(summary.manifestKey);
  assert.ok(objects, 'the rendered objects are in the store');
  return { summary, objects };
}

const names = (objects: KubeObject[]): string[] => objects.map((o) => `${o.kind}/${o.metadata.name}`);
const annotation = (object: KubeObject | undefined, key: string): string | undefined =>
  object?.metadata.annotations?.[key];

describe('render of the shared examples', () => {
  const cases: {
    path: string;
    skip: string | undefined;
    count: number;
    kinds: Record<string, number>;
    hooks: number;
  }[] = [
    { path: 'guestbook', skip: examplesMissing, count: 2, kinds: { Deployment: 1, Service: 1 }, hooks: 0 },
    {
      path: 'sync-waves',
      skip: examplesMissing,
      count: 7,
      kinds: { Job: 3, ReplicaSet: 2, Service: 2 },
      hooks: 3,
    },
    {
      path: 'helm-hooks',
      skip: examplesMissing,
      count: 5,
      kinds: { Job: 3, ReplicaSet: 1, Service: 1 },
      hooks: 3,
    },
    {
      path: 'kustomize-guestbook',
      skip: noKustomize,
      count: 2,
      kinds: { Deployment: 1, Service: 1 },
      hooks: 0,
    },
    {
      path: 'pre-post-sync',
      skip: noKustomize,
      count: 4,
      kinds: { Deployment: 1, Job: 2, Service: 1 },
      hooks: 2,
    },
    {
      path: 'sock-shop',
      skip: noKustomize,
      count: 29,
      kinds: { Deployment: 14, Ingress: 1, Service: 14 },
      hooks: 0,
    },
    { path: 'helm-guestbook', skip: noHelm, count: 2, kinds: { Deployment: 1, Service: 1 }, hooks: 0 },
  ];
  for (const { path, skip, count, kinds, hooks } of cases) {
    it(`renders ${path} into ${count} objects`, { skip }, async () => {
      const { summary } = await render({ path });
      assert.deepEqual(
        { objectCount: summary.objectCount, kinds: summary.kinds, hookCount: summary.hookCount },
        { objectCount: count, kinds, hookCount: hooks },
      );
    });
  }
});

describe('kustomize rendering', { skip: noKustomize }, () => {
  it('applies the kustomization namePrefix, including through a base', async () => {
    assert.deepEqual(names((await render({ path: 'kustomize-guestbook' })).objects), [
      'Service/kustomize-guestbook-ui',
      'Deployment/kustomize-guestbook-ui',
    ]);
    const { objects } = await render({ path: 'pre-post-sync' });
    assert.deepEqual(names(objects).sort(), [
      'Deployment/pre-post-sync-kustomize-guestbook-ui',
      'Job/pre-post-sync-after',
      'Job/pre-post-sync-before',
      'Service/pre-post-sync-kustomize-guestbook-ui',
    ]);
    assert.equal(
      annotation(
        objects.find((o) => o.metadata.name === 'pre-post-sync-before'),
        'argocd.argoproj.io/hook',
      ),
      'PreSync',
    );
  });

  it('applies the app kustomize options in a temp copy, leaving the checkout untouched', async () => {
    const before = await readFile(join(root, 'kustomize-guestbook/kustomization.yaml'), 'utf8');
    const { objects } = await render({
      path: 'kustomize-guestbook',
      kustomize: {
        namePrefix: 'staging-',
        nameSuffix: '-v2',
        images: ['gcr.io/google-samples/gb-frontend:v6'],
        commonLabels: { env: 'staging' },
        namespace: 'staging',
      },
    });
    assert.deepEqual(names(objects), [
      'Service/staging-guestbook-ui-v2',
      'Deployment/staging-guestbook-ui-v2',
    ]);
    assert.ok(
      objects.every((o) => o.metadata.namespace === 'staging' && o.metadata.labels?.env === 'staging'),
    );
    assert.match(JSON.stringify(objects[1]?.spec), /"image":"gcr\.io\/google-samples\/gb-frontend:v6"/);
    assert.equal(await readFile(join(root, 'kustomize-guestbook/kustomization.yaml'), 'utf8'), before);
  });

  it('reports a kustomize failure as ManifestInvalid with its stderr and no temp paths', async () => {
    const repo = await realpath(await mkdtemp(join(tmpdir(), 'mooring-kustomize-broken-')));
    try {
      await cp(join(EXAMPLES, 'kustomize-guestbook'), join(repo, 'app'), { recursive: true });
      await rm(join(repo, 'app/guestbook-ui-svc.yaml'));
      await assert.rejects(
        renderSource({
          root: repo,
          path: 'app',
          appName: 'app',
          namespace: 'x',
          kustomize: { namePrefix: 'p-' },
        }),
        (error: unknown) => {
          assert.ok(error instanceof ManifestInvalid, String(error));
          assert.match(error.message, /^Rendering "app" with kustomize failed: .*guestbook-ui-svc\.yaml/s);
          assert.doesNotMatch(error.message, /mooring-kustomize-/);
          return true;
        },
      );
    } finally {
      await rm(repo, { recursive: true, force: true });
    }
  });
});

describe('helm rendering', { skip: noHelm }, () => {
  it('uses the app name as release name by default', async () => {
    assert.deepEqual(names((await render({ path: 'helm-guestbook', appName: 'shop' })).objects), [
      'Service/shop-helm-guestbook',
      'Deployment/shop-helm-guestbook',
    ]);
  });

  it('applies release name, value files and valuesFrom Secrets in order', async () => {
    const { objects } = await render({
      path: 'helm-guestbook',
      appName: 'values-from',
      helm: {
        releaseName: 'helm-guestbook',
        valueFiles: ['values-production.yaml'],
        valuesFrom: [
          { secretRef: { name: 'gb-values' } },
          { secretRef: { name: 'gb-extra', key: 'extra.yaml' } },
          { secretRef: { name: 'absent' }, optional: true },
        ],
      },
    });
    const [service, deployment] = objects;
    assert.deepEqual(names(objects), ['Service/helm-guestbook', 'Deployment/helm-guestbook']);
    assert.equal((service?.spec as { type?: string }).type, 'NodePort');
    assert.equal((deployment?.spec as { replicas?: number }).replicas, 3);
    assert.match(JSON.stringify(deployment?.spec), /"image":"registry\.local\/gb:v6"/);
    const renders = join(cacheDir, 'manifests', 'renders');
    for (const entry of await readdir(renders)) {
      const text = await readFile(join(renders, entry), 'utf8');
      assert.doesNotMatch(text, /registry\.local|NodePort/, 'the render cache holds no Secret values');
    }
    assert.deepEqual(secretReads.slice(-3), [
      'demo/gb-values/values.yaml',
      'demo/gb-extra/extra.yaml',
      'demo/absent/values.yaml',
    ]);
  });

  it('maps Helm hooks and drops test hooks', async () => {
    const repo = await realpath(await mkdtemp(join(tmpdir(), 'mooring-helm-hooks-')));
    try {
      await cp(join(EXAMPLES, 'helm-guestbook'), join(repo, 'chart'), { recursive: true });
      const hook = (name: string, hookType: string): string =>
        `apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: ${name}\n  annotations:\n    "helm.sh/hook": ${hookType}\n    "helm.sh/hook-weight": "-5"\n    "helm.sh/hook-delete-policy": hook-succeeded\nspec: {}\n`;
      await writeFile(join(repo, 'chart/templates/migrate.yaml'), hook('migrate', 'pre-install,pre-upgrade'));
      await writeFile(join(repo, 'chart/templates/smoke-test.yaml'), hook('smoke', 'test'));
      const { objects } = await renderSource({ root: repo, path: 'chart', appName: 'gb', namespace: 'x' });
      const migrate = objects.find((o) => o.metadata.name === 'migrate');
      assert.deepEqual(names(objects).sort(), [
        'Deployment/gb-helm-guestbook',
        'Job/migrate',
        'Service/gb-helm-guestbook',
      ]);
      assert.equal(annotation(migrate, 'mooring.dev/hook'), 'PreSync');
      assert.equal(annotation(migrate, 'mooring.dev/hook-delete-policy'), 'HookSucceeded');
      assert.equal(annotation(migrate, 'mooring.dev/sync-wave'), '-5');
    } finally {
      await rm(repo, { recursive: true, force: true });
    }
  });

  it('reports a template error as ManifestInvalid with helm stderr', async () => {
    await assert.rejects(
      render({
        path: 'helm-guestbook',
        appName: 'bad-values',
        helm: { valuesFrom: [{ secretRef: { name: 'bad-values' } }] },
      }),
      (error: unknown) => {
        assert.ok(error instanceof ManifestInvalid, String(error));
        assert.match(error.message, /^Rendering "helm-guestbook" with helm failed: /);
        assert.doesNotMatch(error.message, /mooring-(helm|render)-|not, a, map/);
        return true;
      },
    );
  });

  it('rejects a value file outside the repository before running helm', async () => {
    await assert.rejects(
      render({ path: 'helm-guestbook', helm: { valueFiles: ['../../etc/passwd'] } }),
      new ManifestInvalid('Value file "../../etc/passwd" is outside the repository'),
    );
  });
});
