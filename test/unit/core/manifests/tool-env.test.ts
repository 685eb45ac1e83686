import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CLOSED_PROXY, renderToolEnv } from '../../../../core/manifests/tool-env.js';
import { DEFAULT_RENDER_POLICY } from '../../../../core/manifests/render-policy.js';

const AGENT_ENV = {
  PATH: '/opt/bin:/usr/bin',
  HOME: '/home/agent',
  KUBECONFIG: '/home/agent/.kube/config',
  KUBERNETES_SERVICE_HOST: '10.96.0.1',
  TEMPORAL_ADDRESS: 'temporal:7233',
  TEMPORAL_API_KEY: 'key',
  MOORING_GIT_TOKEN: 'ghp_x',
  MOORING_CODEC_KEY: 'k',
  GIT_ASKPASS: '/bin/askpass',
  AWS_SECRET_ACCESS_KEY: 'aws',
  GOOGLE_APPLICATION_CREDENTIALS: '/sa.json',
  DOCKER_CONFIG: '/home/agent/.docker',
  HELM_REGISTRY_CONFIG: '/home/agent/registry.json',
  HELM_PLUGINS: '/opt/helm-plugins',
  HTTPS_PROXY: 'http://user:pw@proxy:3128',
  NO_PROXY: '.cluster.local',
};

describe('renderToolEnv', () => {
  it('passes only PATH from the agent and points home, caches and config into the sandbox', () => {
    const env = renderToolEnv({ sandbox: '/s', policy: DEFAULT_RENDER_POLICY, agentEnv: AGENT_ENV });
    assert.deepEqual(env, {
      PATH: '/opt/bin:/usr/bin',
      HOME: '/s/home',
      TMPDIR: '/s/tmp',
      LANG: 'C.UTF-8',
      XDG_CACHE_HOME: '/s/cache',
      XDG_CONFIG_HOME: '/s/config',
      XDG_DATA_HOME: '/s/data',
      HELM_CACHE_HOME: '/s/cache/helm',
      HELM_CONFIG_HOME: '/s/config/helm',
      HELM_DATA_HOME: '/s/data/helm',
      HELM_PLUGINS: '/s/plugins',
      HELM_NO_PLUGINS: '1',
      KUSTOMIZE_PLUGIN_HOME: '/s/plugins',
      GIT_CONFIG_NOSYSTEM: '1',
      GIT_TERMINAL_PROMPT: '0',
      GIT_ALLOW_PROTOCOL: 'none',
      HTTP_PROXY: CLOSED_PROXY,
      HTTPS_PROXY: CLOSED_PROXY,
      ALL_PROXY: CLOSED_PROXY,
      http_proxy: CLOSED_PROXY,
      https_proxy: CLOSED_PROXY,
      all_proxy: CLOSED_PROXY,
      NO_PROXY: '',
      no_proxy: '',
    });
  });

  it('never carries credentials, whatever the policy allows', () => {
    const policy = { allowRemoteValueFiles: true, allowRemoteBases: true, allowPlugins: true };
    const env = renderToolEnv({ sandbox: '/s', policy, agentEnv: AGENT_ENV });
    for (const name of Object.keys(env)) {
      assert.doesNotMatch(name, /^(KUBE|TEMPORAL_|MOORING_|AWS_|GOOGLE_|DOCKER_)|REGISTRY|ASKPASS/, name);
    }
    assert.equal(env.HOME, '/s/home');
    assert.equal(env.HELM_PLUGINS, '/opt/helm-plugins');
    assert.equal(env.HELM_NO_PLUGINS, undefined);
    assert.equal(env.HTTPS_PROXY, 'http://user:pw@proxy:3128');
    assert.equal(env.NO_PROXY, '.cluster.local');
    assert.equal(env.GIT_ALLOW_PROTOCOL, undefined);
  });

  it('keeps Git closed when only remote value files are allowed', () => {
    const policy = { ...DEFAULT_RENDER_POLICY, allowRemoteValueFiles: true };
    const env = renderToolEnv({ sandbox: '/s', policy, agentEnv: AGENT_ENV });
    assert.equal(env.GIT_ALLOW_PROTOCOL, 'none');
    assert.equal(env.HTTPS_PROXY, 'http://user:pw@proxy:3128');
  });
});
