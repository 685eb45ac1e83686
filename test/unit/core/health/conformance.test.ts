/**
 * Every object in ../shared/conformance/health/ gets the status Argo CD assigns it. The table is
 * gitops-engine's `pkg/health/health_test.go` (TestDeploymentHealth, TestStatefulSetHealth,
 * TestDaemonSetOnDeleteHealth, TestPVCHealth, TestServiceHealth, TestIngressHealth, TestJob,
 * TestHPA, TestPod, TestAPIService), one line per fixture.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { assessHealth } from '../../../../core/health/index.js';
import type { HealthStatusCode, KubeObject } from '../../../../contract/kube-object.js';

const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../../..');
const fixtures = join(projectRoot, '../shared/conformance/health');
const skip = existsSync(fixtures) ? false : `conformance objects not found at ${fixtures}`;
if (skip) console.log(`# skipping health conformance: ${skip}`);

const expected: Readonly<Record<string, HealthStatusCode>> = {
  // TestDeploymentHealth (nginx.yaml lives in pkg/utils/kube/testdata upstream)
  'nginx.yaml': 'Healthy',
  'deployment-progressing.yaml': 'Progressing',
  'deployment-suspended.yaml': 'Suspended',
  'deployment-degraded.yaml': 'Degraded',
  // TestStatefulSetHealth, TestStatefulSetOnDeleteHealth, TestDaemonSetOnDeleteHealth
  'statefulset.yaml': 'Healthy',
  'statefulset-ondelete.yaml': 'Healthy',
  'daemonset-ondelete.yaml': 'Healthy',
  // TestPVCHealth
  'pvc-bound.yaml': 'Healthy',
  'pvc-pending.yaml': 'Progressing',
  // TestServiceHealth
  'svc-clusterip.yaml': 'Healthy',
  'svc-loadbalancer.yaml': 'Healthy',
  'svc-loadbalancer-unassigned.yaml': 'Progressing',
  'svc-loadbalancer-nonemptylist.yaml': 'Healthy',
  // TestIngressHealth
  'ingress.yaml': 'Healthy',
  'ingress-unassigned.yaml': 'Progressing',
  'ingress-nonemptylist.yaml': 'Healthy',
  // TestJob
  'job-running.yaml': 'Progressing',
  'job-failed.yaml': 'Degraded',
  'job-succeeded.yaml': 'Healthy',
  'job-suspended.yaml': 'Suspended',
  // TestHPA
  'hpa-v2-healthy.yaml': 'Healthy',
  'hpa-v2-degraded.yaml': 'Degraded',
  'hpa-v2-progressing.yaml': 'Progressing',
  'hpa-v2beta2-healthy.yaml': 'Healthy',
  'hpa-v2beta1-healthy-disabled.yaml': 'Healthy',
  'hpa-v2beta1-healthy.yaml': 'Healthy',
  'hpa-v1-degraded.yaml': 'Degraded',
  'hpa-v1-healthy.yaml': 'Healthy',
  'hpa-v1-healthy-toofew.yaml': 'Healthy',
  'hpa-v1-progressing.yaml': 'Progressing',
  'hpa-v1-progressing-with-no-annotations.yaml': 'Progressing',
  // TestPod
  'pod-pending.yaml': 'Progressing',
  'pod-running-not-ready.yaml': 'Progressing',
  'pod-crashloop.yaml': 'Degraded',
  'pod-imagepullbackoff.yaml': 'Degraded',
  'pod-error.yaml': 'Degraded',
  'pod-running-restart-always.yaml': 'Healthy',
  'pod-running-restart-never.yaml': 'Progressing',
  'pod-running-restart-onfailure.yaml': 'Progressing',
  'pod-failed.yaml': 'Degraded',
  'pod-succeeded.yaml': 'Healthy',
  'pod-deletion.yaml': 'Progressing',
  // TestAPIService
  'apiservice-v1-true.yaml': 'Healthy',
  'apiservice-v1-false.yaml': 'Progressing',
  'apiservice-v1beta1-true.yaml': 'Healthy',
  'apiservice-v1beta1-false.yaml': 'Progressing',
};

function load(file: string): KubeObject {
  // statefulset-ondelete.yaml repeats `spec.updateStrategy`; Go's YAML loader upstream accepts
  // that (last one wins), so this loader does too.
  return parse(readFileSync(join(fixtures, file), 'utf8'), { uniqueKeys: false }) as KubeObject;
}

describe('health conformance with Argo CD', { skip }, () => {
  it('covers every object in the conformance folder, and only those', () => {
    const files = readdirSync(fixtures)
      .filter((name) => name.endsWith('.yaml'))
      .sort();
    assert.deepEqual(files, Object.keys(expected).sort());
    assert.equal(files.length, 46);
  });

  for (const [file, status] of Object.entries(expected)) {
    it(`assessHealth gives ${file} the status ${status}`, () => {
      const result = assessHealth(load(file));
      assert.equal(
        result.status,
        status,
        `${file}: want ${status}, got ${result.status} (${result.message ?? ''})`,
      );
    });
  }
});
