import assert from 'node:assert/strict';
import { test } from 'node:test';
import { foldStringData, maskSecrets } from '../../../../core/diff/secret-mask.js';
import { kube } from '../_objects.js';

const b64 = (text: string) => Buffer.from(text).toString('base64');
const secret = (data: Record<string, string>, extra: Record<string, unknown> = {}) =>
  kube('v1', 'Secret', 'creds', { namespace: 'shop' }, { type: 'Opaque', data, ...extra });

test('maskSecrets() gives equal values the same mask and a changed value a different one', () => {
  const [before, after] = maskSecrets(
    secret({ user: b64('admin'), password: b64('old'), token: b64('t') }),
    secret({ user: b64('admin'), password: b64('new') }),
  );
  assert.deepEqual(before?.data, { user: '++++++++', password: '++++++++', token: '++++++++' });
  assert.deepEqual(after?.data, { user: '++++++++', password: '+++++++++' });
});

test('maskSecrets() never returns a real value, stringData and last-applied included', () => {
  const live = secret({ password: b64('hunter2') }, {});
  live.metadata.annotations = {
    'kubectl.kubernetes.io/last-applied-configuration': JSON.stringify({
      data: { password: b64('hunter2') },
    }),
  };
  const desired = kube(
    'v1',
    'Secret',
    'creds',
    { namespace: 'shop' },
    { stringData: { password: 'hunter3' } },
  );
  const masked = JSON.stringify(maskSecrets(live, desired));
  for (const value of ['hunter2', 'hunter3', b64('hunter2'), b64('hunter3')])
    assert.equal(masked.includes(value), false, value);
  assert.deepEqual(maskSecrets(live, desired)[1]?.data, { password: '+++++++++' });
});

test('maskSecrets() passes other kinds through and does not modify its inputs', () => {
  const cm = kube('v1', 'ConfigMap', 'c', {}, { data: { a: '1' } });
  const s = secret({ a: b64('1') });
  const before = structuredClone([cm, s]);
  assert.equal(maskSecrets(cm, undefined)[0], cm);
  maskSecrets(s, s);
  assert.deepEqual([cm, s], before);
  const custom = kube('example.com/v1', 'Secret', 'x', {}, { data: { a: 'plain' } });
  assert.equal(maskSecrets(custom, undefined)[0], custom);
});

test('foldStringData() encodes stringData into data like the API server', () => {
  const folded = foldStringData(
    kube('v1', 'Secret', 's', {}, { data: { a: b64('x'), n: null }, stringData: { a: 'y', b: 'z' } }),
  );
  assert.deepEqual(folded.data, { a: b64('y'), b: b64('z'), n: '' });
  assert.equal('stringData' in folded, false);
});
