import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ManifestInvalid } from '../../../../contract/errors.js';
import { readHelmValuesFrom, secretValuesDigest } from '../../../../activities/render/render-helm.js';
import type { ReadSecretValue } from '../../../../activities/render/render-helm.js';

const SECRET_VALUE = 'password: s3cr3t-marker-7f1c\n';
const secrets: Record<string, string> = {
  'web/db/values.yaml': SECRET_VALUE,
  'web/db/extra.yaml': 'replicaCount: 2\n',
};
const reads: string[] = [];
const reader: ReadSecretValue = async (namespace, name, key) => {
  reads.push(`${namespace}/${name}/${key}`);
  return secrets[`${namespace}/${name}/${key}`];
};
const base = { appName: 'web', namespace: 'web', readSecretValue: reader };

describe('readHelmValuesFrom', () => {
  it('reads each Secret key of the destination namespace in order, values.yaml by default', async () => {
    reads.length = 0;
    const values = await readHelmValuesFrom(
      {
        valuesFrom: [
          { secretRef: { name: 'db' } },
          { secretRef: { name: 'gone' }, optional: true },
          { secretRef: { name: 'db', key: 'extra.yaml' } },
        ],
      },
      base,
    );
    assert.deepEqual(values, [
      { field: 'helm.valuesFrom[0]', content: SECRET_VALUE },
      { field: 'helm.valuesFrom[2]', content: 'replicaCount: 2\n' },
    ]);
    assert.deepEqual(reads, ['web/db/values.yaml', 'web/gone/values.yaml', 'web/db/extra.yaml']);
  });

  it('reads nothing when the app has no valuesFrom', async () => {
    assert.deepEqual(
      await readHelmValuesFrom({ valueFiles: ['v.yaml'] }, { ...base, readSecretValue: undefined }),
      [],
    );
  });

  it('fails clearly, and retryably, on a missing required Secret key', async () => {
    await assert.rejects(
      readHelmValuesFrom({ valuesFrom: [{ secretRef: { name: 'db', key: 'nope' } }] }, base),
      (error: unknown) => {
        assert.ok(error instanceof Error && !(error instanceof ManifestInvalid));
        assert.equal(
          error.message,
          'Cannot render app "web": helm.valuesFrom[0] names key "nope" of Secret "db" in namespace "web", which does not exist; create it or mark the entry optional',
        );
        return true;
      },
    );
  });

  it('needs a Secret reader when valuesFrom is used', async () => {
    await assert.rejects(
      readHelmValuesFrom(
        { valuesFrom: [{ secretRef: { name: 'db' } }] },
        { ...base, readSecretValue: undefined },
      ),
      /helm\.valuesFrom needs Secret access/,
    );
  });
});

describe('secretValuesDigest', () => {
  it('is a sha256 that changes with the values and never contains them', () => {
    const a = secretValuesDigest([{ field: 'helm.valuesFrom[0]', content: SECRET_VALUE }]);
    const b = secretValuesDigest([{ field: 'helm.valuesFrom[0]', content: 'password: other\n' }]);
    assert.match(String(a), /^[0-9a-f]{64}$/);
    assert.notEqual(a, b);
    assert.equal(secretValuesDigest([]), undefined);
  });
});
