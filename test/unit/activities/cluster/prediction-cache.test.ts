import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PredictionCache } from '../../../../activities/cluster/prediction-cache.js';
import type { KubeObject } from '../../../../contract/kube-object.js';

const desired: KubeObject = {
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name: 'a', namespace: 'ns' },
  data: { x: '1' },
};
const live = (resourceVersion: string): KubeObject => ({
  ...desired,
  metadata: { ...desired.metadata, uid: 'u1', resourceVersion },
});

describe('PredictionCache', () => {
  it('returns a prediction while the desired object and the live resourceVersion are the same', () => {
    const cache = new PredictionCache();
    const key = PredictionCache.refOf(desired, live('7'));
    cache.set(key, live('7'));
    assert.deepEqual(cache.get(PredictionCache.refOf(desired, live('7'))), live('7'));
  });

  it('misses when the live object or the desired object changed', () => {
    const cache = new PredictionCache();
    cache.set(PredictionCache.refOf(desired, live('7')), live('7'));
    assert.equal(cache.get(PredictionCache.refOf(desired, live('8'))), undefined);
    assert.equal(cache.get(PredictionCache.refOf({ ...desired, data: { x: '2' } }, live('7'))), undefined);
  });

  it('keys nothing without a live object', () => {
    assert.equal(PredictionCache.refOf(desired, undefined), undefined);
  });

  it('holds a 1,000-app scan (10,000 objects) until the scan ten minutes later', () => {
    const cache = new PredictionCache();
    const keys = Array.from({ length: 10_000 }, (_, i) => PredictionCache.refOf(desired, live(String(i))));
    keys.forEach((k, i) => cache.set(k, live(String(i)), 0));
    const tenMinutesLater = 10 * 60_000 + 15_000; // the scan's interval and its jitter
    assert.ok(keys.every((k) => cache.get(k, tenMinutesLater) !== undefined));
  });

  it('bounds the bytes it holds, dropping the oldest; keeps no status', () => {
    const big = (v: string): KubeObject => ({ ...live(v), data: { x: 'y'.repeat(1000) }, status: { s: 1 } });
    const cache = new PredictionCache({ maxBytes: 2500 });
    const keys = ['1', '2', '3'].map((v) => PredictionCache.refOf(desired, live(v)));
    keys.forEach((k, i) => cache.set(k, big(String(i + 1)), 0));
    assert.equal(cache.size, 2);
    assert.ok(cache.bytes <= 2500, `${cache.bytes} bytes`);
    assert.equal(cache.get(keys[0], 0), undefined, 'the oldest entry was dropped');
    assert.equal(cache.get(keys[2], 0)?.status, undefined);
    assert.deepEqual(cache.get(keys[2], 0)?.data, { x: 'y'.repeat(1000) });
    cache.set(PredictionCache.refOf(desired, live('4')), { ...big('4'), data: { x: 'y'.repeat(5000) } }, 0);
    assert.equal(cache.size, 2, 'a prediction larger than the whole budget is not kept');
  });

  it('keeps neither the managedFields nor the status of a prediction, and the rest whole', () => {
    const cache = new PredictionCache();
    const key = PredictionCache.refOf(desired, live('7'));
    const managedFields = [{ manager: 'mooring', operation: 'Apply', fieldsV1: { 'f:data': { 'f:x': {} } } }];
    const predicted: KubeObject = {
      ...live('7'),
      metadata: { ...live('7').metadata, labels: { app: 'a' }, managedFields },
      status: { s: 1 },
    };
    cache.set(key, predicted);
    const { status: _status, ...rest } = predicted;
    const { managedFields: _managedFields, ...metadata } = predicted.metadata;
    assert.deepEqual(cache.get(key), { ...rest, metadata });
    assert.equal(predicted.metadata.managedFields, managedFields, 'the caller’s object is left as it was');
  });

  it('forgets entries after the TTL and beyond the size limit', () => {
    const cache = new PredictionCache({ ttlMs: 1000, maxEntries: 2 });
    const keys = ['1', '2', '3'].map((v) => PredictionCache.refOf(desired, live(v)));
    keys.forEach((k, i) => cache.set(k, live(String(i + 1)), 0));
    assert.equal(cache.size, 2);
    assert.equal(cache.get(keys[0], 0), undefined, 'the oldest entry was dropped');
    assert.ok(cache.get(keys[2], 500));
    assert.equal(cache.get(keys[2], 1500), undefined, 'expired');
  });

  it('settles an entry found unchanged: the verdict under those rules, and no prediction kept', () => {
    const cache = new PredictionCache();
    const key = PredictionCache.refOf(desired, live('7'));
    cache.set(key, live('7'), 0);
    const rules = PredictionCache.rulesKeyOf([{ kind: 'ConfigMap', jsonPointers: ['/data/x'] }]);
    assert.deepEqual(cache.lookup(key, '', 0), { predicted: live('7') });
    const before = cache.bytes;
    cache.settle(key, '');
    assert.deepEqual(cache.lookup(key, '', 0), { unchanged: true });
    assert.equal(cache.get(key, 0), undefined, 'the prediction itself is let go');
    assert.ok(cache.bytes < before, `${cache.bytes} of ${before} bytes`);
    // Other rules need the comparison again, hence a dry run; another live version knows nothing.
    assert.equal(cache.lookup(key, rules, 0), undefined);
    assert.equal(cache.lookup(PredictionCache.refOf(desired, live('8')), '', 0), undefined);
    // A verdict expires with the prediction it came from.
    assert.equal(cache.lookup(key, '', 3_600_001), undefined);
  });

  it('keys rule sets by content, the empty set apart', () => {
    const a = [{ group: 'apps', kind: 'Deployment', jsonPointers: ['/spec/replicas'] }];
    assert.equal(PredictionCache.rulesKeyOf([]), '');
    assert.equal(PredictionCache.rulesKeyOf(a), PredictionCache.rulesKeyOf(structuredClone(a)));
    assert.notEqual(
      PredictionCache.rulesKeyOf(a),
      PredictionCache.rulesKeyOf([{ ...a[0], kind: 'StatefulSet' }]),
    );
  });
});
