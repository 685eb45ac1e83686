import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { escapeSetValue, helmTemplateArgs } from '../../../../core/manifests/helm-args.js';

describe('helmTemplateArgs', () => {
  it('renders the release into the namespace with CRDs by default', () => {
    assert.deepEqual(
      helmTemplateArgs({ releaseName: 'guestbook', chartDir: '/repo/chart', namespace: 'web' }),
      ['template', 'guestbook', '/repo/chart', '--namespace', 'web', '--include-crds'],
    );
  });

  it('passes value files, then inline values, then parameters', () => {
    const args = helmTemplateArgs({
      releaseName: 'r',
      chartDir: '/c',
      namespace: 'n',
      skipCrds: true,
      valueFiles: ['/c/values-prod.yaml', 'https://example.com/v.yaml'],
      inlineValuesFile: '/tmp/inline.yaml',
      parameters: [
        { name: 'image.tag', value: 'v2' },
        { name: 'replicas', value: '3', forceString: true },
      ],
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
      '/tmp/inline.yaml',
      '--set',
      'image.tag=v2',
      '--set-string',
      'replicas=3',
    ]);
  });
});

describe('escapeSetValue', () => {
  it('escapes commas except in Helm lists and already escaped ones', () => {
    assert.equal(escapeSetValue('a,b'), 'a\\,b');
    assert.equal(escapeSetValue('a\\,b'), 'a\\,b');
    assert.equal(escapeSetValue('{a,b}'), '{a,b}');
    assert.equal(escapeSetValue('plain'), 'plain');
  });
});
