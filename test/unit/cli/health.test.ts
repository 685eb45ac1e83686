import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { healthReport } from '../../../cli/health.js';

const stream = `
apiVersion: v1
kind: ConfigMap
metadata: { name: settings }
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: web, generation: 1 }
spec: { replicas: 3 }
status: { observedGeneration: 1, replicas: 3, updatedReplicas: 3, availableReplicas: 1 }
---
apiVersion: v1
kind: Service
metadata: { name: web }
spec: { type: ClusterIP }
`;

describe('healthReport', () => {
  it('prints one line per object, without a trailing space when there is no message', () => {
    const report = healthReport(stream);
    assert.deepEqual(report.lines, [
      'ConfigMap/settings: Healthy',
      'Deployment/web: Progressing Waiting for rollout to finish: 1 of 3 updated replicas are available',
      'Service/web: Healthy',
    ]);
    assert.equal(report.worst, 'Progressing');
  });

  it('expands a kind: List as kubectl get -o yaml prints it', () => {
    const list = `
apiVersion: v1
kind: List
items:
- apiVersion: v1
  kind: PersistentVolumeClaim
  metadata: { name: data }
  status: { phase: Lost }
- apiVersion: batch/v1
  kind: Job
  metadata: { name: migrate }
  spec: { suspend: true }
  status: { conditions: [ { type: Suspended, status: "True", message: Job suspended } ] }
`;
    const report = healthReport(list);
    assert.deepEqual(report.lines, [
      'PersistentVolumeClaim/data: Degraded The claim lost its persistent volume',
      'Job/migrate: Suspended Job suspended',
    ]);
    assert.equal(report.worst, 'Degraded');
  });

  it('folds a multi-line message onto the line of its object', () => {
    const pod = `
apiVersion: v1
kind: Pod
metadata: { name: p }
status:
  phase: Pending
  message: |
    0/3 nodes are available:
    3 Insufficient cpu.
`;
    assert.deepEqual(healthReport(pod).lines, [
      'Pod/p: Progressing 0/3 nodes are available: 3 Insufficient cpu.',
    ]);
  });

  it('skips empty documents and reports an empty stream as Healthy', () => {
    assert.deepEqual(healthReport(''), { lines: [], worst: 'Healthy' });
    assert.deepEqual(healthReport('---\n---\n').lines, []);
  });

  it('throws a SyntaxError naming the document index and the reason for invalid YAML', () => {
    const broken = 'just: a map\n---\nkind: [unclosed\n';
    assert.throws(
      () => healthReport(broken),
      (err: unknown) => {
        assert.ok(err instanceof SyntaxError);
        assert.match(err.message, /^Cannot parse YAML document at index 1: .+ at line \d+, column \d+$/);
        return true;
      },
    );
  });

  it('rejects duplicate keys, as kubectl does', () => {
    assert.throws(() => healthReport('apiVersion: v1\nkind: Pod\nkind: Pod\n'), {
      name: 'SyntaxError',
      message: 'Cannot parse YAML document at index 0: Map keys must be unique at line 3, column 1',
    });
  });

  it('throws a TypeError for a document that is not a Kubernetes object', () => {
    assert.throws(() => healthReport('- just\n- a list\n'), {
      name: 'TypeError',
      message:
        'Cannot read YAML document at index 0 as a Kubernetes object: current value is ["just","a list"]',
    });
    assert.throws(() => healthReport('apiVersion: v1\nkind: List\nitems: [ { kind: Pod } ]\n'), {
      name: 'TypeError',
      message:
        'Cannot read item 0 of the List in YAML document at index 0 as a Kubernetes object: "apiVersion" is missing or not a string',
    });
  });
});
