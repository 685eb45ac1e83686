import assert from 'node:assert/strict';
import { test } from 'node:test';
import { diffObjects } from '../../../../core/diff/diff.js';
import { maskSecrets } from '../../../../core/diff/secret-mask.js';
import { maskSensitivePaths } from '../../../../core/diff/sensitive-paths.js';
import { MOORING_SENSITIVE_PATHS } from '../../../../core/manifests/annotations.js';
import { kube } from '../_objects.js';

const marked = (data: Record<string, string>, paths: string | string[] = ['/data/url']) =>
  kube(
    'v1',
    'ConfigMap',
    'cfg',
    {
      namespace: 'shop',
      annotations: { [MOORING_SENSITIVE_PATHS]: typeof paths === 'string' ? paths : JSON.stringify(paths) },
    },
    { data },
  );

test('a diff of a SOPS-decrypted ConfigMap never shows its decrypted value, and shows the clear ones', () => {
  const live = marked({ url: 'postgres://u:old-password@db', plain: 'hello' });
  const desired = marked({ url: 'postgres://u:new-password@db', plain: 'hello world' });
  const { action, diff } = diffObjects(desired, live, []);
  assert.equal(action, 'update');
  assert.doesNotMatch(diff, /old-password|new-password/);
  assert.match(diff, /-\s+url: "?\+{8}"?\n/);
  assert.match(diff, /\+\s+url: "?\+{9}"?\n/, 'a changed value gets a longer mask');
  assert.match(diff, /\+\s+plain: hello world/);
});

test('the mark of either side masks both sides (a live object applied before the value was encrypted)', () => {
  const live = kube('v1', 'ConfigMap', 'cfg', { namespace: 'shop' }, { data: { url: 'old-secret-value' } });
  const desired = marked({ url: 'new-secret-value' });
  const text = JSON.stringify(maskSecrets(live, desired));
  assert.doesNotMatch(text, /old-secret-value|new-secret-value/);
});

test('a marked subtree masks every leaf below it, keys kept', () => {
  const obj = kube(
    'example.com/v1',
    'Thing',
    't',
    { annotations: { [MOORING_SENSITIVE_PATHS]: '["/spec"]' } },
    {
      spec: { list: ['a-secret', { token: 'b-secret' }], count: 3 },
    },
  );
  const [, after] = maskSensitivePaths(undefined, obj);
  assert.deepEqual(after?.spec, { list: ['++++++++', { token: '++++++++' }], count: '++++++++' });
  assert.equal(obj.spec && (obj.spec as { count: number }).count, 3, 'the input is not modified');
});

test('an unreadable mark masks everything but apiVersion, kind and metadata', () => {
  const obj = marked({ url: 'secret-url' }, 'not json');
  const [, after] = maskSensitivePaths(undefined, { ...obj, spec: { x: 'secret-spec' } });
  assert.deepEqual(after?.data, { url: '++++++++' });
  assert.deepEqual(after?.spec, { x: '++++++++' });
  assert.equal(after?.metadata.name, 'cfg');
});

test('unmarked objects and pointers the object lacks pass through', () => {
  const cm = kube('v1', 'ConfigMap', 'c', {}, { data: { a: '1' } });
  const [before, after] = maskSensitivePaths(cm, cm);
  assert.equal(before, cm);
  assert.equal(after, cm);
  const [, other] = maskSensitivePaths(undefined, marked({ plain: 'x' }, ['/data/missing', '/spec/x']));
  assert.deepEqual(other?.data, { plain: 'x' });
});
