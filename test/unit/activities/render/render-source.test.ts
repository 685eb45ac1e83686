import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ManifestInvalid } from '../../../../contract/errors.js';
import { renderSource } from '../../../../activities/render/render-source.js';
import { summarizeManifests } from '../../../../core/manifests/summarize-manifests.js';
import { refOf, formatRef } from '../../../../contract/object-ref.js';
import { copyExamples, examplesMissing } from './examples.js';
import { manifest, tempRepo } from './temp-repo.js';

const base = { appName: 'demo', namespace: 'demo' };

describe('renderSource on the shared plain-directory examples', { skip: examplesMissing }, () => {
  let examples: Awaited<ReturnType<typeof copyExamples>>;
  before(async () => {
    examples = await copyExamples();
  });
  after(() => examples.remove());

  it('renders guestbook as a Directory of one Deployment and one Service', async () => {
    const { type, objects } = await renderSource({ ...base, root: examples.root, path: 'guestbook' });
    assert.equal(type, 'Directory');
    assert.deepEqual(
      objects.map((o) => formatRef(refOf(o))),
      ['Deployment/guestbook-ui', 'Service/guestbook-ui'],
    );
  });

  it('renders sync-waves keeping the Argo CD hook and wave annotations', async () => {
    const { objects } = await renderSource({ ...base, root: examples.root, path: 'sync-waves' });
    const summary = summarizeManifests(objects, 'k');
    assert.deepEqual(summary, {
      manifestKey: 'k',
      objectCount: 7,
      kinds: { Job: 3, ReplicaSet: 2, Service: 2 },
      hookCount: 3,
    });
    assert.ok(
      objects.every(
        (o) => !Object.keys(o.metadata.annotations ?? {}).some((k) => k.startsWith('mooring.dev/')),
      ),
    );
  });

  it('renders helm-hooks mapping Helm hook annotations to Mooring hooks and waves', async () => {
    const { objects } = await renderSource({ ...base, root: examples.root, path: 'helm-hooks' });
    const mooring = objects.map((o) => [
      o.kind,
      o.metadata.name ?? o.metadata.generateName,
      o.metadata.annotations?.['mooring.dev/hook'],
      o.metadata.annotations?.['mooring.dev/hook-delete-policy'],
      o.metadata.annotations?.['mooring.dev/sync-wave'],
    ]);
    assert.deepEqual(mooring, [
      ['Job', 'upgrade-sql-schema', 'PreSync', undefined, '-2'],
      ['Job', 'maint-page-up', 'PreSync', 'BeforeHookCreation', '-1'],
      ['ReplicaSet', 'frontend', undefined, undefined, undefined],
      ['Service', 'frontend', undefined, undefined, '2'],
      ['Job', 'maint-page-down', 'PostSync', 'BeforeHookCreation', undefined],
    ]);
    assert.equal(summarizeManifests(objects, 'k').hookCount, 3);
  });
});

describe('renderSource', () => {
  it('rejects the same object in two files', async () => {
    const repo = await tempRepo({
      'app/a.yaml': manifest('Service', 'web'),
      'app/b.yaml': manifest('Service', 'web'),
    });
    try {
      await assert.rejects(
        renderSource({ ...base, root: repo.root, path: 'app' }),
        new ManifestInvalid(
          'Duplicate object Service/web: defined in "app/a.yaml" document 1 and in "app/b.yaml" document 1',
        ),
      );
    } finally {
      await repo.remove();
    }
  });

  it('drops Helm test hooks from a plain directory', async () => {
    const hook =
      'apiVersion: v1\nkind: Pod\nmetadata:\n  name: smoke\n  annotations:\n    helm.sh/hook: test\n';
    const repo = await tempRepo({ 'app/svc.yaml': manifest('Service', 'web'), 'app/test.yaml': hook });
    try {
      const { objects } = await renderSource({ ...base, root: repo.root, path: 'app' });
      assert.deepEqual(
        objects.map((o) => o.kind),
        ['Service'],
      );
    } finally {
      await repo.remove();
    }
  });

  it('renders a directory with recursion and globs from the directory options', async () => {
    const repo = await tempRepo({
      'app/a.yaml': manifest('Service', 'a'),
      'app/sub/b.yaml': manifest('Service', 'b'),
      'app/sub/c.yaml': manifest('Service', 'c'),
    });
    try {
      const { objects } = await renderSource({
        ...base,
        root: repo.root,
        path: 'app',
        directory: { recurse: true, exclude: '*/c.yaml' },
      });
      assert.deepEqual(
        objects.map((o) => o.metadata.name),
        ['a', 'b'],
      );
    } finally {
      await repo.remove();
    }
  });

  it('rejects an app path climbing out of the repository', async () => {
    const repo = await tempRepo({ 'app/a.yaml': manifest('Service', 'a') });
    try {
      await assert.rejects(renderSource({ ...base, root: repo.root, path: 'app/../..' }), ManifestInvalid);
    } finally {
      await repo.remove();
    }
  });
});
