import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { AutoscalingPolicy } from '../../../../config/types.js';
import { recommendReplicas } from '../../../../core/autoscale/recommend.js';
import { rememberRecommendation, stabilize } from '../../../../core/autoscale/stabilize.js';
import type { TimedRecommendation } from '../../../../core/autoscale/stabilize.js';
import { ownsReplicas, parseTarget, withReplicas } from '../../../../core/autoscale/target.js';

const policy: AutoscalingPolicy = {
  target: 'Deployment/web',
  min: 1,
  max: 10,
  query: 'sum(rate(http_requests_total[1m]))',
  targetValue: 100,
  targetType: 'AverageValue',
  tolerance: 0.1,
  behavior: { scaleUp: { stabilizationWindowSeconds: 0 }, scaleDown: { stabilizationWindowSeconds: 300 } },
};

describe('recommendReplicas (HPA-style)', () => {
  test('AverageValue asks for ceil(value / target) replicas', () => {
    assert.equal(recommendReplicas(policy, 2, 450).replicas, 5);
    assert.equal(recommendReplicas(policy, 5, 120).replicas, 2);
  });

  test('Value scales the current count by the ratio', () => {
    const value = { ...policy, targetType: 'Value' as const };
    assert.equal(recommendReplicas(value, 4, 150).replicas, 6);
    assert.equal(recommendReplicas(value, 4, 50).replicas, 2);
  });

  test('inside the tolerance band nothing changes', () => {
    const r = recommendReplicas(policy, 3, 320); // ratio 1.067
    assert.equal(r.replicas, 3);
    assert.match(r.reason, /within 10% of target 100 per replica/);
  });

  test('bounds apply and the reason says so', () => {
    const up = recommendReplicas(policy, 2, 5000);
    assert.equal(up.replicas, 10);
    assert.match(up.reason, /50 wanted, bounded to 10 \(min 1, max 10\)/);
    assert.equal(recommendReplicas(policy, 2, 0).replicas, 1);
  });

  test('from zero replicas: AverageValue sizes directly, Value asks for one', () => {
    const zero = { ...policy, min: 0 };
    assert.equal(recommendReplicas(zero, 0, 250).replicas, 3);
    assert.equal(recommendReplicas({ ...zero, targetType: 'Value' }, 0, 250).replicas, 1);
    assert.equal(recommendReplicas(zero, 0, 0).replicas, 0);
  });
});

describe('stabilize (HPA behavior windows)', () => {
  const behavior = policy.behavior;
  const s = (n: number) => n * 1000;
  const feed = (
    current: number,
    values: [number, number][],
    rules = behavior,
  ): { kept: TimedRecommendation[] } => {
    let kept: TimedRecommendation[] = [];
    for (const [at, replicas] of values)
      kept = rememberRecommendation(kept, { at: s(at), replicas }, current, rules);
    return { kept };
  };

  test('scale up goes at once with a 0 s up window', () => {
    const { kept } = feed(2, [[0, 6]]);
    assert.deepEqual(stabilize(2, kept, s(0), behavior), { replicas: 6 });
  });

  test('scale down waits for the whole down window, then takes its highest recommendation', () => {
    const series: [number, number][] = [];
    for (let t = 0; t <= 300; t += 30) series.push([t, t < 60 ? 3 : 2]);
    const early = feed(5, series.slice(0, 5)); // 0..120 s
    const held = stabilize(5, early.kept, s(120), behavior);
    assert.equal(held.replicas, 5);
    assert.match(held.waiting ?? '', /scale down to 2 held by the 300s down stabilization window/);
    const late = feed(5, series);
    assert.deepEqual(stabilize(5, late.kept, s(300), behavior), { replicas: 3 });
  });

  test('a recommendation back at the current count within the window keeps the replicas', () => {
    const { kept } = feed(5, [
      [0, 2],
      [30, 5],
      [300, 2],
    ]);
    assert.equal(stabilize(5, kept, s(300), behavior).replicas, 5);
  });

  test('evaluations arriving a little late still cover the window (a recommendation holds until the next)', () => {
    const late: [number, number][] = [
      [0.2, 1],
      [10.9, 1],
      [20.6, 1],
    ];
    const short = { ...behavior, scaleDown: { stabilizationWindowSeconds: 20 } };
    const { kept } = feed(4, late, short);
    assert.deepEqual(stabilize(4, kept, s(20.6), short), { replicas: 1 });
  });

  test('recommendations equal to the replicas are forgotten', () => {
    assert.deepEqual(feed(4, [[0, 4]]).kept, []);
  });

  test('an up window holds a spike until it lasts', () => {
    const slowUp = { ...behavior, scaleUp: { stabilizationWindowSeconds: 60 } };
    let kept: TimedRecommendation[] = [];
    kept = rememberRecommendation(kept, { at: s(0), replicas: 8 }, 2, slowUp);
    assert.equal(stabilize(2, kept, s(0), slowUp).replicas, 2);
    kept = rememberRecommendation(kept, { at: s(30), replicas: 8 }, 2, slowUp);
    kept = rememberRecommendation(kept, { at: s(60), replicas: 6 }, 2, slowUp);
    assert.equal(stabilize(2, kept, s(60), slowUp).replicas, 6);
  });
});

describe('autoscaled target', () => {
  test('parses Kind/name for scalable kinds only', () => {
    assert.deepEqual(parseTarget('StatefulSet/db'), {
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      name: 'db',
    });
    assert.throws(() => parseTarget('Service/web'), /kind Deployment, StatefulSet, ReplicaSet/);
  });

  test('replicas can be set or dropped without touching the rest', () => {
    const obj = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web' },
      spec: { replicas: 2, paused: false },
    };
    assert.deepEqual(withReplicas(obj, undefined).spec, { paused: false });
    assert.deepEqual(withReplicas(obj, 7).spec, { replicas: 7, paused: false });
    assert.equal(obj.spec.replicas, 2);
  });

  test('managedFields tell who owns spec.replicas', () => {
    const live = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: {
        name: 'web',
        managedFields: [
          { manager: 'mooring', fieldsV1: { 'f:spec': { 'f:template': {} } } },
          { manager: 'mooring-autoscaler', fieldsV1: { 'f:spec': { 'f:replicas': {} } } },
        ],
      },
    };
    assert.equal(ownsReplicas(live, 'mooring-autoscaler'), true);
    assert.equal(ownsReplicas(live, 'mooring'), false);
  });
});
