import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { HealthReason } from '../../../../../core/health/index.js';
import { HPA_V1_CONDITIONS_ANNOTATION, hpaHealth } from '../../../../../core/health/rules/hpa.js';
import { condition, kube } from '../_objects.js';

const v2 = (version: string, ...conditions: Record<string, string>[]) =>
  kube(`autoscaling/${version}`, 'HorizontalPodAutoscaler', { status: { conditions } });
const v1 = (annotation?: string) =>
  kube('autoscaling/v1', 'HorizontalPodAutoscaler', {
    metadata: annotation === undefined ? {} : { annotations: { [HPA_V1_CONDITIONS_ANNOTATION]: annotation } },
  });

describe('hpaHealth', () => {
  it('is Healthy when AbleToScale or ScalingLimited is True, in every version with status conditions', () => {
    for (const version of ['v2', 'v2beta2', 'v2beta1']) {
      assert.equal(
        hpaHealth(v2(version, condition('AbleToScale', 'True', 'ReadyForNewScale', 'ok'))).status,
        'Healthy',
      );
      assert.equal(
        hpaHealth(v2(version, condition('ScalingLimited', 'True', 'TooFewReplicas'))).status,
        'Healthy',
      );
    }
  });

  it('is Degraded for a failing type/reason pair whatever its status', () => {
    const result = hpaHealth(
      v2('v2', condition('ScalingActive', 'False', 'FailedGetResourceMetric', 'no metrics')),
    );
    assert.deepEqual(result, {
      status: 'Degraded',
      reason: HealthReason.AutoscalerFailing,
      message: 'no metrics',
    });
    assert.equal(
      hpaHealth(v2('v2', condition('AbleToScale', 'True', 'FailedUpdateScale'))).status,
      'Degraded',
    );
  });

  it('decides on the first matching condition in list order', () => {
    const healthyFirst = v2(
      'v2',
      condition('AbleToScale', 'True', 'SucceededRescale'),
      condition('ScalingActive', 'False', 'InvalidSelector'),
    );
    assert.equal(hpaHealth(healthyFirst).status, 'Healthy');
    const failingFirst = v2(
      'v2',
      condition('ScalingActive', 'False', 'InvalidSelector'),
      condition('AbleToScale', 'True', 'SucceededRescale'),
    );
    assert.equal(hpaHealth(failingFirst).status, 'Degraded');
  });

  it('is Progressing when no condition decides, or none exists', () => {
    assert.equal(
      hpaHealth(v2('v2', condition('ScalingActive', 'True', 'ValidMetricFound'))).reason,
      HealthReason.WaitingToAutoscale,
    );
    assert.equal(hpaHealth(v2('v2')).status, 'Progressing');
  });

  it('reads v1 conditions from the annotation; absent or empty is Progressing', () => {
    const annotation = JSON.stringify([condition('AbleToScale', 'True', 'ReadyForNewScale')]);
    assert.equal(hpaHealth(v1(annotation)).status, 'Healthy');
    assert.equal(hpaHealth(v1()).status, 'Progressing');
    assert.equal(hpaHealth(v1('[]')).status, 'Progressing');
  });

  it('throws a TypeError for a malformed v1 annotation', () => {
    assert.throws(() => hpaHealth(v1('[{')), {
      name: 'TypeError',
      message:
        /Cannot read annotation autoscaling\.alpha\.kubernetes\.io\/conditions of HorizontalPodAutoscaler\/ns\/test as JSON/,
    });
  });
});
