/** The SOPS rules decided before `sops` runs: what is encrypted, for whom, and what is refused. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ManifestInvalid } from '../../../../contract/errors.js';
import type { KubeObject } from '../../../../contract/kube-object.js';
import { assertAgeDecryptable } from '../../../../activities/render/sops/sops-check.js';
import {
  fileRecipients,
  formatForPath,
  hasSopsMetadata,
  metadataRecipients,
} from '../../../../activities/render/sops/sops-metadata.js';
import {
  assertPlainMetadata,
  decryptedObject,
  encryptedPaths,
  needsDecryption,
  sensitivePathsValue,
} from '../../../../activities/render/sops/sops-objects.js';
import { MOORING_SENSITIVE_PATHS } from '../../../../core/manifests/annotations.js';

const ENC = 'ENC[AES256_GCM,data:Zm9v,iv:aXY=,tag:dGFn,type:str]';
const AGE_A = 'age1n6d0qfhr6dacccqzhxhhz4r8zu3lmr08js0x5a92ltpumy3efvesvauksn';
const AGE_B = 'age155e4c23hcxslryyy0t4kq6znmp0tv8smsawz9gr844f76kj6leuqy4c9va';
const ageBlock = (recipient: string) => ({ recipient, enc: '-----BEGIN AGE ENCRYPTED FILE-----\n...' });

function encrypted(
  kind: string,
  sops: Record<string, unknown>,
  extra: Record<string, unknown> = {},
): KubeObject {
  return {
    apiVersion: 'v1',
    kind,
    metadata: { name: 'db', namespace: 'shop' },
    data: { password: ENC, user: 'admin' },
    sops: { mac: ENC, lastmodified: '2026-01-01T00:00:00Z', version: '3.13.3', ...sops },
    ...extra,
  };
}

function invalid(pattern: RegExp) {
  return (error: unknown): boolean => {
    assert.ok(error instanceof ManifestInvalid, String(error));
    assert.match(error.message, pattern);
    return true;
  };
}

describe('which objects are decrypted', () => {
  it('is an object with a sops block holding a MAC (Flux rule), unless Flux opts it out', () => {
    assert.equal(needsDecryption(encrypted('Secret', { age: [ageBlock(AGE_A)] })), true);
    assert.equal(needsDecryption(encrypted('Secret', { age: [ageBlock(AGE_A)], mac: '' })), false);
    assert.equal(hasSopsMetadata({ sops: 'x' }), false);
    const optedOut = encrypted('SopsSecret', { age: [ageBlock(AGE_A)] });
    optedOut.metadata.annotations = { 'kustomize.toolkit.fluxcd.io/decrypt': 'Disabled' };
    assert.equal(needsDecryption(optedOut), false);
  });

  it('lists the pointers of encrypted values, escaping keys, without the sops block', () => {
    const obj = encrypted('ConfigMap', {}, { spec: { 'a/b': [ENC, 'clear', { '~k': ENC }] } });
    assert.deepEqual(encryptedPaths(obj), ['/data/password', '/spec/a~1b/0', '/spec/a~1b/2/~0k']);
  });

  it('refuses encrypted metadata: names and waves must stay in clear', () => {
    const obj = encrypted('Secret', { age: [ageBlock(AGE_A)] });
    obj.metadata.annotations = { note: ENC };
    assert.throws(
      () => assertPlainMetadata(obj),
      invalid(/Secret\/shop\/db: its \/metadata\/annotations\/note is encrypted.*encrypted-regex/),
    );
  });
});

describe('recipients', () => {
  it('reads age recipients and other key services, key groups included', () => {
    const recipients = metadataRecipients({
      age: [ageBlock(AGE_A)],
      kms: [{ arn: 'arn:aws:kms:x' }],
      key_groups: [{ age: [ageBlock(AGE_B), ageBlock(AGE_A)], pgp: [{ fp: 'F' }] }],
      shamir_threshold: 2,
    });
    assert.deepEqual(recipients, { age: [AGE_A, AGE_B], others: ['kms', 'pgp'], threshold: 2 });
  });

  it('reads them from encrypted dotenv, INI, YAML and binary files, and nothing from clear ones', () => {
    const dotenv = `A=${ENC}\nsops_age__list_0__map_recipient=${AGE_A}\nsops_pgp__list_0__map_fp=F\nsops_mac=${ENC}\n`;
    assert.deepEqual(fileRecipients(dotenv, 'dotenv'), { age: [AGE_A], others: ['pgp'], threshold: 1 });
    const ini = `[app]\nkey = ${ENC}\n[sops]\nage__list_0__map_recipient = ${AGE_B}\nmac = ${ENC}\n`;
    assert.deepEqual(fileRecipients(ini, 'ini')?.age, [AGE_B]);
    const yaml = `a: ${ENC}\nsops:\n  age:\n    - recipient: ${AGE_A}\n  mac: ${ENC}\n`;
    assert.deepEqual(fileRecipients(yaml, 'yaml')?.age, [AGE_A]);
    const binary = JSON.stringify({ data: ENC, sops: { age: [ageBlock(AGE_B)], mac: ENC } }, null, '\t');
    assert.deepEqual(fileRecipients(binary, 'binary')?.age, [AGE_B]);
    assert.equal(fileRecipients('A=1\nB=2\n', 'dotenv'), undefined);
    assert.equal(fileRecipients('mac: ENC[ but: [not yaml', 'yaml'), undefined);
  });

  it('picks the format from the file name as SOPS and Flux do', () => {
    assert.deepEqual(
      ['a.yaml', 'b.YML', 'c.json', '.dockerconfigjson', 'd.env', 'e.ini', 'cert.pem'].map(formatForPath),
      ['yaml', 'yaml', 'json', 'json', 'dotenv', 'ini', 'binary'],
    );
  });
});

describe('refusals before sops runs', () => {
  const key = { file: '/etc/mooring/age.key', recipients: [AGE_B] };

  it('refuses KMS/Vault/PGP-only documents: no age recipient', () => {
    const recipients = metadataRecipients({
      kms: [{ arn: 'x' }],
      hc_vault: [{ vault_address: 'https://v' }],
    });
    assert.throws(
      () => assertAgeDecryptable('Secret shop/db', recipients, key),
      invalid(/Secret shop\/db.*kms, hc_vault.*no age recipient; only age keys are supported on this agent/),
    );
  });

  it('refuses Shamir key groups', () => {
    const recipients = { age: [AGE_B], others: [], threshold: 2 };
    assert.throws(
      () => assertAgeDecryptable('Secret shop/db', recipients, key),
      invalid(/Shamir threshold of 2/),
    );
  });

  it('names the missing key and the setting when the agent has none', () => {
    const recipients = { age: [AGE_A], others: [], threshold: 1 };
    assert.throws(
      () => assertAgeDecryptable('Secret shop/db', recipients, undefined),
      invalid(new RegExp(`Secret shop/db.*${AGE_A}.*no age key; set MOORING_SOPS_AGE_KEY_FILE`)),
    );
  });

  it('names both sides when the agent holds another key, and passes when it holds one of them', () => {
    const recipients = { age: [AGE_A], others: [], threshold: 1 };
    assert.throws(
      () => assertAgeDecryptable('Secret shop/db', recipients, key),
      invalid(
        new RegExp(`for age recipient ${AGE_A}, none of which.*/etc/mooring/age.key \\(it holds ${AGE_B}\\)`),
      ),
    );
    assertAgeDecryptable('Secret shop/db', { age: [AGE_A, AGE_B], others: ['kms'], threshold: 1 }, key);
  });
});

describe('the decrypted object', () => {
  const source = encrypted('ConfigMap', { age: [ageBlock(AGE_A)] });
  const output = (change: Record<string, unknown> = {}) =>
    JSON.stringify({ ...source, data: { password: 'plain-pw', user: 'admin' }, ...change });

  it('loses its sops block and, not being a Secret, names its decrypted values for the diff mask', () => {
    const object = decryptedObject(source, output());
    assert.equal(object.sops, undefined);
    assert.deepEqual(object.data, { password: 'plain-pw', user: 'admin' });
    assert.equal(object.metadata.annotations?.[MOORING_SENSITIVE_PATHS], '["/data/password"]');
  });

  it('is a Secret without the mark (Secrets are masked whole)', () => {
    const secret = encrypted('Secret', { age: [ageBlock(AGE_A)] });
    const object = decryptedObject(secret, JSON.stringify({ ...secret, sops: undefined }));
    assert.equal(object.metadata.annotations, undefined);
  });

  it('must keep its identity, and a bad output is never quoted', () => {
    assert.throws(
      () => decryptedObject(source, output({ kind: 'Secret' })),
      invalid(/changed its apiVersion, kind or metadata/),
    );
    assert.throws(
      () => decryptedObject(source, 'plain-pw is not json'),
      (error: unknown) => {
        assert.ok(error instanceof ManifestInvalid);
        assert.doesNotMatch(error.message, /plain-pw/);
        return true;
      },
    );
  });

  it('cuts a long list of pointers to top-level fields', () => {
    const paths = Array.from({ length: 2000 }, (_, i) => `/data/key-${i}`);
    assert.equal(sensitivePathsValue(paths), '["/data"]');
  });
});
