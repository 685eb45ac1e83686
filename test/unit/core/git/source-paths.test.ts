import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  affectedPaths,
  isUnder,
  joinRepoPath,
  kustomizationReferences,
  normalizeRepoPath,
  sourceRoots,
} from '../../../../core/git/source-paths.js';
import type { RepoSnapshot } from '../../../../core/git/source-paths.js';

function repo(files: Record<string, string>): RepoSnapshot {
  return {
    files: new Set(Object.keys(files)),
    read: async (path) => {
      const text = files[path];
      if (text === undefined) throw new Error(`no file ${path}`);
      return text;
    },
  };
}

const monorepo = repo({
  'base/deployment.yaml': 'kind: Deployment',
  'base/kustomization.yaml': 'resources: [deployment.yaml]',
  'overlays/prod/kustomization.yaml':
    'resources:\n- ../../base\n- https://github.com/org/remote//x\npatches:\n- path: patch.yaml\nconfigMapGenerator:\n- name: cfg\n  files: [app.properties=../../shared/app.properties]\n',
  'overlays/prod/patch.yaml': 'x',
  'shared/app.properties': 'a=1',
  'apps/web/deploy.yaml': 'kind: Deployment',
  'charts/app/Chart.yaml':
    'name: app\ndependencies:\n- name: lib\n  repository: file://../lib\n- name: redis\n  repository: https://charts.example\n',
  'charts/lib/Chart.yaml': 'name: lib',
});

describe('source paths', () => {
  it('normalizes and joins repository paths without leaving the repository', () => {
    assert.equal(normalizeRepoPath('./apps//web/'), 'apps/web');
    assert.equal(normalizeRepoPath('.'), '');
    assert.equal(joinRepoPath('overlays/prod', '../../base'), 'base');
    assert.equal(joinRepoPath('apps', '../../etc'), undefined);
    assert.equal(joinRepoPath('apps', '/etc/passwd'), undefined);
    assert.ok(isUnder('apps/web/a.yaml', 'apps/web'));
    assert.ok(!isUnder('apps/webapp/a.yaml', 'apps/web'), 'a sibling with the same prefix is not inside');
    assert.ok(isUnder('anything', ''));
  });

  it('reads the local references of a kustomization, not remote ones or inline patches', () => {
    const refs = kustomizationReferences(
      'resources: [../base, github.com/org/repo//x, "https://example.com/x.yaml"]\npatches:\n- patch: |-\n    - op: replace\n      path: /spec\n- path: p.yaml\nsecretGenerator:\n- name: s\n  envs: [s.env]\n',
    );
    assert.deepEqual(refs.sort(), ['../base', 'p.yaml', 's.env']);
    assert.deepEqual(kustomizationReferences(': not yaml ['), []);
  });

  it('follows kustomize references and chart file dependencies outside the app directory', async () => {
    assert.deepEqual(
      (await sourceRoots('overlays/prod', monorepo))?.sort(),
      ['base', 'overlays/prod', 'shared/app.properties'].sort(),
    );
    assert.deepEqual((await sourceRoots('charts/app', monorepo))?.sort(), ['charts/app', 'charts/lib']);
  });

  it('finds the apps a commit affects: directly, through a base, and not the untouched ones', async () => {
    const paths = ['overlays/prod', 'apps/web', 'charts/app'];
    assert.deepEqual(await affectedPaths(['apps/web/deploy.yaml'], paths, monorepo), ['apps/web']);
    assert.deepEqual(await affectedPaths(['base/deployment.yaml'], paths, monorepo), ['overlays/prod']);
    assert.deepEqual(await affectedPaths(['shared/app.properties'], paths, monorepo), ['overlays/prod']);
    assert.deepEqual(await affectedPaths(['charts/lib/values.yaml'], paths, monorepo), ['charts/app']);
    assert.deepEqual(await affectedPaths(['README.md'], paths, monorepo), []);
    assert.deepEqual(
      await affectedPaths(['README.md'], [''], monorepo),
      [''],
      'an app at the root sees every change',
    );
  });

  it('counts an app whose sources cannot be read as affected', async () => {
    const broken: RepoSnapshot = {
      files: new Set(['a/kustomization.yaml']),
      read: async () => {
        throw new Error('git cat-file failed');
      },
    };
    assert.deepEqual(await affectedPaths(['README.md'], ['a'], broken), ['a']);
  });
});
