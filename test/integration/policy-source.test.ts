/**
 * Where an agent takes its policy from: `--policy`, else a ConfigMap read with its own kubeconfig
 * (real API server), else $MOORING_POLICY_FILE; without any, the worker refuses to start.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { NO_POLICY_MESSAGE, resolveAgentPolicy } from '../../workers/policy-file.js';
import { runWorker } from '../../workers/worker.js';
import { LOCAL_POLICY_FILE } from '../support/policy.js';
import { kubeconfigPath, kubectl, uniqueSuffix } from '../support/stack.js';

const namespace = `policy-src-${uniqueSuffix()}`;

describe('agent policy sources', () => {
  before(async () => {
    await kubectl(['create', 'namespace', namespace]);
    await kubectl([
      'create',
      'configmap',
      'agent-policy',
      '-n',
      namespace,
      `--from-file=policy.yaml=${LOCAL_POLICY_FILE}`,
    ]);
    await kubectl(['create', 'configmap', 'no-key', '-n', namespace, '--from-literal=other=x']);
  });
  after(async () => {
    await kubectl(['delete', 'namespace', namespace, '--wait=false', '--ignore-not-found']);
  });

  it('reads the policy from a ConfigMap with the agent kubeconfig, ahead of the environment', async () => {
    const loaded = await resolveAgentPolicy(
      { policyConfigMap: `${namespace}/agent-policy`, kubeconfig: kubeconfigPath() },
      { MOORING_POLICY_FILE: '/nonexistent/policy.yaml' },
    );
    assert.equal(loaded.policy.source, `configmap ${namespace}/agent-policy`);
    assert.deepEqual(
      loaded.policy.projects.map((p) => p.name),
      ['default'],
    );
  });

  it('names what is wrong with a ConfigMap source', async () => {
    const kubeconfig = kubeconfigPath();
    await assert.rejects(resolveAgentPolicy({ policyConfigMap: `${namespace}/absent`, kubeconfig }, {}), {
      message: `The agent policy ConfigMap ${namespace}/absent does not exist`,
    });
    await assert.rejects(resolveAgentPolicy({ policyConfigMap: `${namespace}/no-key`, kubeconfig }, {}), {
      message: `ConfigMap ${namespace}/no-key has no key "policy.yaml" holding the agent policy`,
    });
    await assert.rejects(
      resolveAgentPolicy({ policyConfigMap: 'just-a-name', kubeconfig }, {}),
      /must be <namespace>\/<name>/,
    );
  });

  it('takes $MOORING_POLICY_FILE last, and a worker without any policy refuses to start before connecting', async () => {
    const loaded = await resolveAgentPolicy({}, { MOORING_POLICY_FILE: LOCAL_POLICY_FILE });
    assert.equal(loaded.policy.source, LOCAL_POLICY_FILE);
    await assert.rejects(resolveAgentPolicy({}, {}), { message: NO_POLICY_MESSAGE });
    await assert.rejects(
      runWorker({
        policyFile: '/nonexistent/policy.yaml',
        connection: { address: '127.0.0.1:1' },
        metricsPort: 0,
      }),
      /Cannot read the agent policy file \/nonexistent\/policy\.yaml/,
    );
  });
});
