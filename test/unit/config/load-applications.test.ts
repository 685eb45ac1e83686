import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gitDirectorySources, loadApplications } from '../../../config/index.js';

const TEXT = `apiVersion: argoproj.io/v1alpha1
kind: ApplicationSet
metadata: { name: examples }
spec:
  generators:
    - git: { repoURL: https://example.com/apps.git, directories: [{ path: 'apps/*' }] }
    - git: { repoURL: https://example.com/apps.git, revision: HEAD, directories: [{ path: 'more/*' }] }
  template:
    metadata: { name: '{{path.basename}}' }
    spec:
      source: { repoURL: https://example.com/apps.git, path: '{{path}}' }
      destination: { name: in-cluster, namespace: '{{path.basename}}' }
`;

test('gitDirectorySources lists each repository and revision once', () => {
  assert.deepEqual(gitDirectorySources(TEXT, 'a.yaml'), [
    { repoURL: 'https://example.com/apps.git', revision: 'HEAD' },
  ]);
});

test('loadApplications lists directories through the async callback before expanding', async () => {
  const calls: string[] = [];
  const { apps } = await loadApplications(TEXT, 'a.yaml', {
    listDirectories: async (repoURL, revision) => {
      calls.push(`${repoURL}@${revision}`);
      return ['apps/web', 'apps/api', 'more/docs'];
    },
  });
  assert.deepEqual(
    apps.map((a) => a.name),
    ['web', 'api', 'docs'],
  );
  assert.deepEqual(calls, ['https://example.com/apps.git@HEAD']);
});
