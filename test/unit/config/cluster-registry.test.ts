import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ClusterRegistry } from '../../../config/cluster-registry.js';

const registry = (server: string) =>
  ClusterRegistry.parse(
    `clusters:\n  - name: prod\n    server: ${JSON.stringify(server)}\n`,
    'clusters.yaml',
  );

describe('ClusterRegistry', () => {
  it('registers API server URLs and finds clusters by them', () => {
    const parsed = registry('https://10.1.2.3:6443');
    assert.equal(parsed.byServer('https://10.1.2.3:6443'), 'prod');
    assert.deepEqual(
      parsed.list().map((c) => c.name),
      ['local', 'prod'],
    );
  });

  it('refuses credentials in a server URL without showing them', () => {
    for (const [server, problem] of [
      ['https://admin:s3cr3t-marker@10.1.2.3:6443', /must not contain credentials \(user:password@\)/],
      ['https://s3cr3t-marker@10.1.2.3:6443', /must not contain credentials/],
      ['https://10.1.2.3:6443/?token=s3cr3t-marker', /must not have a query string \(it may hold a token\)/],
    ] as const) {
      assert.throws(
        () => registry(server),
        (err: Error) => {
          assert.match(err.message, /^clusters\.yaml: clusters\[0\]: server: /);
          assert.match(err.message, problem);
          assert.match(err.message, /its kubeconfig/);
          assert.match(err.message, /10\.1\.2\.3:6443/);
          assert.ok(!err.message.includes('s3cr3t-marker'), err.message);
          return true;
        },
      );
    }
  });

  it('refuses credentials when a cluster is added', () => {
    assert.throws(
      () =>
        registry('https://10.1.2.3').add({
          name: 'eu',
          server: 'https://u:p4ss-marker@eu.example.com',
          labels: {},
        }),
      (err: Error) =>
        /^cluster: server: must not contain credentials/.test(err.message) && !err.message.includes('p4ss'),
    );
  });
});
