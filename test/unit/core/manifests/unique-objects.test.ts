import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ManifestInvalid } from '../../../../contract/errors.js';
import type { KubeObject } from '../../../../contract/kube-object.js';
import type { ManifestEntry } from '../../../../core/manifests/types.js';
import { assertUniqueObjects } from '../../../../core/manifests/unique-objects.js';

function entry(
  apiVersion: string,
  kind: string,
  name: string | undefined,
  file: string,
  namespace?: string,
): ManifestEntry {
  const metadata: KubeObject['metadata'] = name ? { name } : { generateName: 'job-' };
  if (namespace) metadata.namespace = namespace;
  return { object: { apiVersion, kind, metadata }, file, document: 1 };
}

describe('assertUniqueObjects', () => {
  it('rejects two objects with one identity, naming both files', () => {
    const entries = [
      entry('apps/v1', 'Deployment', 'web', 'base/web.yaml', 'shop'),
      entry('v1', 'Service', 'web', 'base/svc.yaml', 'shop'),
      { ...entry('apps/v1', 'Deployment', 'web', 'overlay/web.yaml', 'shop'), document: 3 },
    ];
    assert.throws(
      () => assertUniqueObjects(entries),
      (error: unknown) => {
        assert.ok(error instanceof ManifestInvalid);
        assert.equal(
          error.message,
          'Duplicate object Deployment/shop/web: defined in "base/web.yaml" document 1 and in "overlay/web.yaml" document 3',
        );
        return true;
      },
    );
  });

  it('treats the API version as irrelevant within one group', () => {
    const entries = [
      entry('apps/v1', 'Deployment', 'web', 'a.yaml'),
      entry('apps/v1beta1', 'Deployment', 'web', 'b.yaml'),
    ];
    assert.throws(() => assertUniqueObjects(entries), /Duplicate object Deployment\/web/);
  });

  it('accepts the same name in another namespace, kind or group', () => {
    assertUniqueObjects([
      entry('apps/v1', 'Deployment', 'web', 'a.yaml', 'one'),
      entry('apps/v1', 'Deployment', 'web', 'a.yaml', 'two'),
      entry('v1', 'Service', 'web', 'a.yaml', 'one'),
      entry('example.com/v1', 'Deployment', 'web', 'a.yaml', 'one'),
    ]);
  });

  it('never counts generateName objects as duplicates', () => {
    assertUniqueObjects([
      entry('batch/v1', 'Job', undefined, 'a.yaml'),
      entry('batch/v1', 'Job', undefined, 'a.yaml'),
    ]);
  });
});
