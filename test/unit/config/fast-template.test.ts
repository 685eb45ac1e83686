import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderFastTemplate } from '../../../config/index.js';

test('renderFastTemplate replaces known parameters and keeps unknown tags', () => {
  const params = {
    path: 'apps/web',
    'path.basename': 'web',
    'path[0]': 'apps',
    'metadata.labels.env': 'prod',
  };
  assert.deepEqual(renderFastTemplate('{{path[0]}}/{{ path.basename }}-{{metadata.labels.env}}', params), {
    text: 'apps/web-prod',
    unresolved: [],
  });
  assert.deepEqual(renderFastTemplate('{{path}}/{{nope}}', params), {
    text: 'apps/web/{{nope}}',
    unresolved: ['nope'],
  });
});
