import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { helmTemplateArgs } from '../../../../core/manifests/helm-args.js';

describe('helmTemplateArgs', () => {
  it('renders the release into the namespace with CRDs by default', () => {
    assert.deepEqual(
      helmTemplateArgs({ releaseName: 'guestbook', chartDir: '/repo/chart', namespace: 'web' }),
      ['template', 'guestbook', '/repo/chart', '--namespace', 'web', '--include-crds'],
    );
  });

  it('passes value files, then the values of valuesFrom Secrets, and no --set', () => {
    const args = helmTemplateArgs({
      releaseName: 'r',
      chartDir: '/c',
      namespace: 'n',
      skipCrds: true,
      valueFiles: ['/c/values-prod.yaml', 'https://example.com/v.yaml'],
      secretValuesFiles: ['/tmp/secret-0.yaml', '/tmp/secret-1.yaml'],
    });
    assert.deepEqual(args, [
      'template',
      'r',
      '/c',
      '--namespace',
      'n',
      '--values',
      '/c/values-prod.yaml',
      '--values',
      'https://example.com/v.yaml',
      '--values',
      '/tmp/secret-0.yaml',
      '--values',
      '/tmp/secret-1.yaml',
    ]);
  });
});
