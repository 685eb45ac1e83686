import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { detectSourceType } from '../../../../activities/render/source-type.js';
import { tempRepo, type TempRepo } from './temp-repo.js';

describe('detectSourceType', () => {
  let repo: TempRepo;
  before(async () => {
    repo = await tempRepo({
      'plain/a.yaml': '',
      'kust/kustomization.yml': 'resources: []\n',
      'kust-upper/Kustomization': 'resources: []\n',
      'chart/Chart.yaml': 'name: c\n',
      'both/Chart.yaml': 'name: c\n',
      'both/kustomization.yaml': 'resources: []\n',
    });
  });
  after(() => repo.remove());
  const detect = (dir: string, source = {}): ReturnType<typeof detectSourceType> =>
    detectSourceType(`${repo.root}/${dir}`, source);

  it('detects Kustomize, Helm and Directory from the files', async () => {
    assert.equal(await detect('plain'), 'Directory');
    assert.equal(await detect('kust'), 'Kustomize');
    assert.equal(await detect('kust-upper'), 'Kustomize');
    assert.equal(await detect('chart'), 'Helm');
  });

  it('prefers Kustomize when both a kustomization and a Chart.yaml exist, as Argo CD does', async () => {
    assert.equal(await detect('both'), 'Kustomize');
  });

  it('follows a single explicit option block over the files', async () => {
    assert.equal(await detect('chart', { directory: {} }), 'Directory');
    assert.equal(await detect('plain', { helm: {} }), 'Helm');
    assert.equal(await detect('both', { helm: { releaseName: 'x' } }), 'Helm');
  });

  it('falls back to the files when several option blocks are set', async () => {
    assert.equal(await detect('chart', { directory: {}, kustomize: {} }), 'Helm');
  });
});
