import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseChallenge } from '../../../../../activities/render/chart-source/oci-registry.js';

test('parseChallenge reads the scheme and parameters of a registry challenge', () => {
  assert.deepEqual(
    parseChallenge(
      'Bearer realm="https://auth.example.com/token",service="registry.example.com",scope="repository:charts/web:pull"',
    ),
    {
      scheme: 'bearer',
      params: {
        realm: 'https://auth.example.com/token',
        service: 'registry.example.com',
        scope: 'repository:charts/web:pull',
      },
    },
  );
  assert.deepEqual(parseChallenge('Basic realm="mooring-test"'), {
    scheme: 'basic',
    params: { realm: 'mooring-test' },
  });
  assert.deepEqual(parseChallenge(''), { scheme: '', params: {} });
});
