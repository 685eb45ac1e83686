import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { aggregateHealth, type HealthResult } from '../../../../core/health/index.js';

const h = (status: HealthResult['status']): HealthResult => ({ status });

describe('aggregateHealth', () => {
  it('is Healthy for no resources and for all-healthy resources', () => {
    assert.equal(aggregateHealth([]), 'Healthy');
    assert.equal(aggregateHealth([h('Healthy'), h('Healthy')]), 'Healthy');
  });

  it('is the worst resource health', () => {
    assert.equal(aggregateHealth([h('Healthy'), h('Suspended')]), 'Suspended');
    assert.equal(aggregateHealth([h('Suspended'), h('Progressing'), h('Healthy')]), 'Progressing');
    assert.equal(aggregateHealth([h('Progressing'), h('Degraded'), h('Suspended')]), 'Degraded');
    assert.equal(aggregateHealth([h('Degraded'), h('Unknown')]), 'Unknown');
  });

  it('does not let a missing resource lower the health of an app that has live ones', () => {
    assert.equal(aggregateHealth([h('Healthy'), h('Missing')]), 'Healthy');
    assert.equal(aggregateHealth([h('Progressing'), h('Missing')]), 'Progressing');
  });

  it('is Missing when no resource exists live', () => {
    assert.equal(aggregateHealth([h('Missing'), h('Missing')]), 'Missing');
  });

  it('skips resources whose health does not count, yet counts them as live', () => {
    assert.equal(aggregateHealth([undefined, h('Missing')]), 'Healthy');
    assert.equal(aggregateHealth([undefined, h('Degraded')]), 'Degraded');
  });

  it('accepts any iterable', () => {
    function* results(): Generator<HealthResult> {
      yield h('Healthy');
      yield h('Progressing');
    }
    assert.equal(aggregateHealth(results()), 'Progressing');
  });
});
