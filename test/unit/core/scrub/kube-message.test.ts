import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { scrubKubeMessage } from '../../../../core/scrub/kube-message.js';

describe('scrubKubeMessage', () => {
  it('masks quoted values of a Secret validation message, keeping names and fields', () => {
    assert.equal(
      scrubKubeMessage(
        'Secret "db" is invalid: [data[pass word]: Invalid value: "pass word": a valid config key must consist of alphanumeric characters, type: Unsupported value: "s3cr3t-type": supported values: "Opaque"]',
        { secret: true },
      ),
      'Secret "db" is invalid: [data[pass word]: Invalid value: "***": a valid config key must consist of alphanumeric characters, type: Unsupported value: "***": supported values: "***"]',
    );
  });

  it('masks the value a typed patch error dumps for a Secret', () => {
    assert.equal(
      scrubKubeMessage(
        'failed to create typed patch object (shop/db; /v1, Kind=Secret): .stringData.pin: expected string, got &value.valueUnstructured{Value:918273}',
        { secret: true },
      ),
      'failed to create typed patch object (shop/db; /v1, Kind=Secret): .stringData.pin: expected string, got ***',
    );
  });

  it('masks unquoted values and values quoted by an admission webhook', () => {
    assert.equal(
      scrubKubeMessage('data.size: Invalid value: 918273: must be small', { secret: true }),
      'data.size: Invalid value: ***: must be small',
    );
    assert.equal(
      scrubKubeMessage(
        'admission webhook "policy.example.com" denied the request: value "p@ssw0rd" is weak',
        { secret: true },
      ),
      'admission webhook "policy.example.com" denied the request: value "***" is weak',
    );
  });

  it('leaves messages about other kinds readable, still masking tokens', () => {
    const message =
      'Deployment.apps "web" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0';
    assert.equal(scrubKubeMessage(message), message);
    assert.equal(
      scrubKubeMessage(
        'ConfigMap "c" is invalid: data[k]: Invalid value: "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9abc": bad',
      ),
      'ConfigMap "c" is invalid: data[k]: Invalid value: "***": bad',
    );
  });
});
