import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ManifestInvalid } from '../../../../contract/errors.js';
import { listManifestFiles, renderDirectory } from '../../../../activities/render/render-directory.js';
import { manifest, tempRepo, type TempRepo } from './temp-repo.js';

describe('listManifestFiles', () => {
  let repo: TempRepo;
  before(async () => {
    repo = await tempRepo({
      'b.yml': manifest('Service', 'b'),
      'a.yaml': manifest('Service', 'a'),
      'C.json': '{"apiVersion":"v1","kind":"Service","metadata":{"name":"c"}}',
      'notes.txt': 'not a manifest',
      'sub/d.yaml': manifest('Service', 'd'),
      'sub/deeper/e.yaml': manifest('Service', 'e'),
      '.git/config.yaml': manifest('Service', 'git'),
      '.hidden/f.yaml': manifest('Service', 'f'),
    });
  });
  after(() => repo.remove());
  const list = (options: { recurse?: boolean; include?: string; exclude?: string }): Promise<string[]> =>
    listManifestFiles(repo.root, { ...options, root: repo.root });

  it('lists top-level manifest files in byte order without recursion', async () => {
    assert.deepEqual(await list({}), ['C.json', 'a.yaml', 'b.yml']);
  });

  it('walks subdirectories depth-first when recursive, skipping hidden ones', async () => {
    assert.deepEqual(await list({ recurse: true }), [
      'C.json',
      'a.yaml',
      'b.yml',
      'sub/d.yaml',
      'sub/deeper/e.yaml',
    ]);
  });

  it('applies include and exclude globs to paths relative to the app directory', async () => {
    assert.deepEqual(await list({ recurse: true, include: '*.yaml' }), [
      'a.yaml',
      'sub/d.yaml',
      'sub/deeper/e.yaml',
    ]);
    assert.deepEqual(await list({ recurse: true, include: '{a.yaml,b.yml}' }), ['a.yaml', 'b.yml']);
    assert.deepEqual(await list({ recurse: true, exclude: '{C.json,sub/deeper/*}' }), [
      'a.yaml',
      'b.yml',
      'sub/d.yaml',
    ]);
  });
});

describe('renderDirectory', () => {
  it('names objects by their repository-relative file', async () => {
    const repo = await tempRepo({
      'apps/web/svc.yaml': `${manifest('Service', 'web')}---\n${manifest('ConfigMap', 'cfg')}`,
    });
    try {
      const entries = await renderDirectory(`${repo.root}/apps/web`, { root: repo.root });
      assert.deepEqual(
        entries.map((e) => [e.file, e.document, e.object.kind]),
        [
          ['apps/web/svc.yaml', 1, 'Service'],
          ['apps/web/svc.yaml', 2, 'ConfigMap'],
        ],
      );
    } finally {
      await repo.remove();
    }
  });

  it('skips YAML and JSON files that are not Kubernetes manifests, as Argo CD does', async () => {
    const repo = await tempRepo({
      'values.yaml': 'replicas: 3\n',
      'package.json': '{"name":"x"}',
      'svc.yaml': manifest('Service', 'web'),
    });
    try {
      assert.deepEqual(
        (await renderDirectory(repo.root, { root: repo.root })).map((e) => e.file),
        ['svc.yaml'],
      );
    } finally {
      await repo.remove();
    }
  });

  it('rejects a broken manifest naming the file and document', async () => {
    const repo = await tempRepo({
      'ok.yaml': manifest('Service', 'ok'),
      'bad.yaml': `${manifest('Service', 'x')}---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  labels: {a: b}\n`,
    });
    try {
      await assert.rejects(
        renderDirectory(repo.root, { root: repo.root }),
        new ManifestInvalid('Invalid manifest "bad.yaml" document 2 (ConfigMap): metadata.name is missing'),
      );
    } finally {
      await repo.remove();
    }
  });

  it('reads symlinked files inside the repository and rejects ones pointing outside', async () => {
    const outside = await tempRepo({ 'secret.yaml': manifest('Secret', 'stolen') });
    const repo = await tempRepo({
      'shared/cm.yaml': manifest('ConfigMap', 'shared'),
      'app/svc.yaml': manifest('Service', 'web'),
    });
    try {
      await repo.link('app/cm.yaml', '../shared/cm.yaml');
      const entries = await renderDirectory(`${repo.root}/app`, { root: repo.root });
      assert.deepEqual(
        entries.map((e) => e.object.metadata.name),
        ['shared', 'web'],
      );
      await repo.link('app/secret.yaml', `${outside.root}/secret.yaml`);
      await assert.rejects(
        renderDirectory(`${repo.root}/app`, { root: repo.root }),
        /Symlink "app\/secret.yaml" points outside the repository/,
      );
    } finally {
      await repo.remove();
      await outside.remove();
    }
  });

  it('rejects a symlinked directory pointing outside, recursive or not', async () => {
    const outside = await tempRepo({ 'secret.yaml': manifest('Secret', 'stolen') });
    const repo = await tempRepo({ 'app/svc.yaml': manifest('Service', 'web') });
    try {
      await repo.link('app/linked', outside.root);
      for (const recurse of [false, true]) {
        await assert.rejects(
          renderDirectory(`${repo.root}/app`, { root: repo.root, recurse }),
          /Symlink "app\/linked" points outside the repository/,
        );
      }
    } finally {
      await repo.remove();
      await outside.remove();
    }
  });
});
