import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RepoUrlRefused } from '../../../../../contract/errors.js';
import {
  checkChartRepoUrl,
  chartUrlPolicyFromEnv,
  registryScheme,
} from '../../../../../activities/render/chart-source/chart-url-policy.js';

test('checkChartRepoUrl refuses plain HTTP unless the host is listed, and names the setting', () => {
  const policy = chartUrlPolicyFromEnv({
    MOORING_HELM_PLAIN_HTTP_HOSTS: '127.0.0.1:5000, Registry.Internal',
  });
  assert.doesNotThrow(() => checkChartRepoUrl('http://127.0.0.1:5000/charts', policy));
  assert.doesNotThrow(() => checkChartRepoUrl('https://charts.example.com', policy));
  assert.throws(
    () => checkChartRepoUrl('http://127.0.0.1:5001/charts', policy),
    (error: Error) => error instanceof RepoUrlRefused && /MOORING_HELM_PLAIN_HTTP_HOSTS/.test(error.message),
  );
  assert.equal(registryScheme(policy, 'registry.internal'), 'http');
  assert.equal(registryScheme(policy, 'ghcr.io'), 'https');
});

test('checkChartRepoUrl refuses URLs no chart source may use, without showing credentials', () => {
  const policy = chartUrlPolicyFromEnv({});
  assert.throws(() => checkChartRepoUrl('file:///etc', policy), RepoUrlRefused);
  assert.throws(
    () => checkChartRepoUrl('https://user:pw-123456@c.example.com', policy),
    (error: Error) => error instanceof RepoUrlRefused && !error.message.includes('pw-123456'),
  );
});

test('chartUrlPolicyFromEnv refuses a malformed host list', () => {
  assert.throws(
    () => chartUrlPolicyFromEnv({ MOORING_HELM_PLAIN_HTTP_HOSTS: 'http://x' }),
    /is not host\[:port\]/,
  );
  assert.deepEqual(chartUrlPolicyFromEnv({}).plainHttpHosts, []);
});
