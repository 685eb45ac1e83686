import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ManifestInvalid } from '../../../../contract/errors.js';
import { ManifestStore, createRenderActivities } from '../../../../activities/render/index.js';
import type { RenderManifestsInput } from '../../../../contract/activities.js';
import { manifest, tempRepo, type TempRepo } from './temp-repo.js';

const SHA = '0123456789abcdef0123456789abcdef01234567';
const secretManifest =
  'apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\nstringData:\n  password: hunter2-very-secret\n';

describe('createRenderActivities', () => {
  let repo: TempRepo;
  let cacheDir: string;
  let checkouts: string[];
  let activities: ReturnType<typeof createRenderActivities>;
  let store: ManifestStore;
  before(async () => {
    repo = await tempRepo({
      'apps/web/deploy.yaml': manifest('Deployment', 'web'),
      'apps/web/svc.yaml': manifest('Service', 'web'),
      'apps/web/secret.yaml': secretManifest,
      'apps/web/hook.yaml':
        'apiVersion: batch/v1\nkind: Job\nmetadata:\n  generateName: migrate-\n  annotations:\n    helm.sh/hook: pre-upgrade\n',
      'apps/broken/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: [x]\n',
    });
    cacheDir = await mkdtemp(join(tmpdir(), 'mooring-activity-test-'));
    store = new ManifestStore({ dir: join(cacheDir, 'manifests') });
    checkouts = [];
    activities = createRenderActivities({
      store,
      checkout: async (repoURL, sha) => {
        checkouts.push(`${repoURL}@${sha}`);
        return repo.root;
      },
    });
  });
  after(async () => {
    await repo.remove();
    await rm(cacheDir, { recursive: true, force: true });
  });

  const input: RenderManifestsInput = {
    appName: 'web',
    repoURL: 'https://example.com/apps.git',
    revision: SHA,
    path: 'apps/web',
    namespace: 'web',
  };

  it('renders at the SHA and returns only a key and counts', async () => {
    const summary = await activities.renderManifests(input);
    assert.deepEqual(
      { ...summary, manifestKey: undefined },
      {
        manifestKey: undefined,
        objectCount: 4,
        kinds: { Deployment: 1, Job: 1, Secret: 1, Service: 1 },
        hookCount: 1,
      },
    );
    assert.deepEqual(checkouts, [`https://example.com/apps.git@${SHA}`]);
    assert.ok(!JSON.stringify(summary).includes('hunter2'), 'the summary must not carry Secret values');
    const objects = await store.get(summary.manifestKey);
    assert.deepEqual(
      objects?.map((o) => o.kind),
      ['Deployment', 'Job', 'Secret', 'Service'],
    );
    assert.equal(objects?.[1]?.metadata.annotations?.['mooring.dev/hook'], 'PreSync');
  });

  it('answers a second render of the same inputs from the cache without a checkout', async () => {
    const first = await activities.renderManifests(input);
    checkouts.length = 0;
    assert.deepEqual(await activities.renderManifests(input), first);
    assert.deepEqual(checkouts, []);
  });

  it('renders again when the stored manifests are gone', async () => {
    const first = await activities.renderManifests(input);
    await rm(join(store.dir, `${first.manifestKey}.json`));
    checkouts.length = 0;
    assert.deepEqual(await activities.renderManifests(input), first);
    assert.equal(checkouts.length, 1);
    assert.equal(await store.has(first.manifestKey), true);
  });

  it('fails with ManifestInvalid naming the file, document and field', async () => {
    await assert.rejects(
      activities.renderManifests({ ...input, path: 'apps/broken' }),
      new ManifestInvalid(
        'Invalid manifest "apps/broken/cm.yaml" document 1 (ConfigMap): metadata.name must be a non-empty string: current value is a list',
      ),
    );
  });

  it('refuses a revision that is not a commit SHA', async () => {
    await assert.rejects(activities.renderManifests({ ...input, revision: 'main' }), {
      name: 'TypeError',
      message: /^Cannot render app "web" from \S+ at revision "main": expected a full commit SHA$/,
    });
  });
});
