import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { kustomizeEditCommands } from '../../../../core/manifests/kustomize-edits.js';

describe('kustomizeEditCommands', () => {
  it('gives no edit without options', () => {
    assert.deepEqual(kustomizeEditCommands(), []);
    assert.deepEqual(kustomizeEditCommands({ namePrefix: '', images: [], commonLabels: {} }), []);
  });

  it('runs the edits Argo CD runs, in its order', () => {
    assert.deepEqual(
      kustomizeEditCommands({
        namespace: 'prod',
        commonAnnotations: { team: 'web' },
        commonLabels: { tier: 'front', app: 'guestbook' },
        images: ['gcr.io/heptio-images/ks-guestbook-demo:0.2', 'nginx=nginx:1.27'],
        nameSuffix: '-v2',
        namePrefix: '-prod-',
      }),
      [
        ['edit', 'set', 'nameprefix', '--', '-prod-'],
        ['edit', 'set', 'namesuffix', '--', '-v2'],
        ['edit', 'set', 'image', 'gcr.io/heptio-images/ks-guestbook-demo:0.2', 'nginx=nginx:1.27'],
        ['edit', 'add', 'label', '--force', 'app:guestbook,tier:front'],
        ['edit', 'add', 'annotation', '--force', 'team:web'],
        ['edit', 'set', 'namespace', '--', 'prod'],
      ],
    );
  });
});
