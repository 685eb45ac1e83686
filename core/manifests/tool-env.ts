/**
 * The whole environment of a helm or kustomize run. Nothing is inherited from the agent except
 * PATH (and, when the policy allows remote content or plugins, the proxy and CA settings and the
 * plugin directories the operator set): no KUBECONFIG or in-cluster service variables, no Temporal, Git,
 * cloud or Mooring credentials. Home, caches, config and data live in a private per-render
 * sandbox, so no chart repository, registry or Git credentials of the agent's user are read.
 *
 * With remote content off, HTTP(S) proxies point at a closed local port and Git may use no
 * protocol, so even a reference the policy checks missed cannot leave the machine.
 */
import type { RenderPolicy } from './render-policy.js';

/** Options of `renderToolEnv`. */
export interface RenderToolEnvOptions {
  /** Absolute path of the private per-render directory (subdirectories made by the caller). */
  sandbox: string;
  policy: RenderPolicy;
  /** The agent's environment, read for PATH and (when allowed) proxies and plugin dirs. */
  agentEnv: Readonly<Record<string, string | undefined>>;
}

/** Subdirectories of the sandbox the caller creates before running a tool. */
export const SANDBOX_DIRS = ['home', 'tmp', 'cache', 'config', 'data', 'plugins'] as const;

/** Where HTTP(S) requests go when remote content is off: a closed port on the loopback. */
export const CLOSED_PROXY = 'http://127.0.0.1:9';

const DEFAULT_PATH = '/usr/local/bin:/usr/bin:/bin';
const PROXY_VARS = ['HTTP_PROXY', 'HTTPS_PROXY', 'ALL_PROXY', 'http_proxy', 'https_proxy', 'all_proxy'];
const NO_PROXY_VARS = ['NO_PROXY', 'no_proxy'];
/** Trust roots for fetching remote content through a private CA. */
const CA_VARS = ['SSL_CERT_FILE', 'SSL_CERT_DIR'];

/** Builds the environment of a render tool (see the module comment). */
export function renderToolEnv(options: RenderToolEnvOptions): Record<string, string> {
  const { sandbox, policy, agentEnv } = options;
  const dir = (name: (typeof SANDBOX_DIRS)[number]): string => `${sandbox}/${name}`;
  const env: Record<string, string> = {
    PATH: agentEnv.PATH || DEFAULT_PATH,
    HOME: dir('home'),
    TMPDIR: dir('tmp'),
    LANG: 'C.UTF-8',
    XDG_CACHE_HOME: dir('cache'),
    XDG_CONFIG_HOME: dir('config'),
    XDG_DATA_HOME: dir('data'),
    HELM_CACHE_HOME: `${dir('cache')}/helm`,
    HELM_CONFIG_HOME: `${dir('config')}/helm`,
    HELM_DATA_HOME: `${dir('data')}/helm`,
    HELM_PLUGINS: dir('plugins'),
    KUSTOMIZE_PLUGIN_HOME: dir('plugins'),
    // Git (for kustomize remote bases): no system config, no prompts.
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_TERMINAL_PROMPT: '0',
  };
  if (policy.allowPlugins) {
    if (agentEnv.HELM_PLUGINS) env.HELM_PLUGINS = agentEnv.HELM_PLUGINS;
    if (agentEnv.KUSTOMIZE_PLUGIN_HOME) env.KUSTOMIZE_PLUGIN_HOME = agentEnv.KUSTOMIZE_PLUGIN_HOME;
  } else {
    env.HELM_NO_PLUGINS = '1';
  }
  if (policy.allowRemoteBases || policy.allowRemoteValueFiles) {
    for (const name of [...PROXY_VARS, ...NO_PROXY_VARS, ...CA_VARS]) {
      const value = agentEnv[name];
      if (value) env[name] = value;
    }
  } else {
    for (const name of PROXY_VARS) env[name] = CLOSED_PROXY;
    for (const name of NO_PROXY_VARS) env[name] = '';
  }
  // No Git protocol at all (kustomize clones remote bases with git) unless remote bases are allowed.
  if (!policy.allowRemoteBases) env.GIT_ALLOW_PROTOCOL = 'none';
  return env;
}
