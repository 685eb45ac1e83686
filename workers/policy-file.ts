/**
 * Where an agent's policy comes from: `--policy <file>`, else `$MOORING_POLICY_FILE`, else a
 * ConfigMap (`--policy-configmap <namespace>/<name>`, key `policy.yaml`) read once at start with the
 * agent's own kubeconfig. There is no built-in default: an agent without a policy refuses to start,
 * so nothing is permissive unless an operator wrote it down.
 */
import { readFileSync, statSync } from 'node:fs';
import { parsePolicy, type LoadedPolicy } from '../config/agent-policy.js';
import { KubeClient } from '../activities/cluster/kube-client.js';

export const POLICY_FILE_ENV = 'MOORING_POLICY_FILE';
/** Larger files are refused before parsing. */
export const MAX_POLICY_BYTES = 1024 * 1024;
/** The ConfigMap key holding the policy. */
export const POLICY_CONFIGMAP_KEY = 'policy.yaml';

const readText = (path: string): string => {
  if (statSync(path).size > MAX_POLICY_BYTES) throw new Error(`larger than ${MAX_POLICY_BYTES} bytes`);
  return readFileSync(path, 'utf8');
};

/** Loads and checks a policy file. @throws {Error} naming the file, line, object and field */
export function loadPolicyFile(path: string): LoadedPolicy {
  let text: string;
  try {
    text = readText(path);
  } catch (err) {
    throw new Error(`Cannot read the agent policy file ${path}: ${(err as Error).message}`, { cause: err });
  }
  return parsePolicy(text, path, readText);
}

/** Parses a policy held in a ConfigMap's `policy.yaml`; relative key files resolve from the cwd. */
export function parsePolicyConfigMap(ref: string, data: Record<string, string> | undefined): LoadedPolicy {
  const text = data?.[POLICY_CONFIGMAP_KEY];
  if (text === undefined)
    throw new Error(`ConfigMap ${ref} has no key "${POLICY_CONFIGMAP_KEY}" holding the agent policy`);
  if (Buffer.byteLength(text) > MAX_POLICY_BYTES)
    throw new Error(`ConfigMap ${ref}: "${POLICY_CONFIGMAP_KEY}" is larger than ${MAX_POLICY_BYTES} bytes`);
  return parsePolicy(text, `configmap ${ref}`, readText);
}

/** The message of a worker started without any policy. */
export const NO_POLICY_MESSAGE =
  `No agent policy: pass --policy <file> (or set ${POLICY_FILE_ENV}, or --policy-configmap <namespace>/<name>). ` +
  'The policy names the projects this agent enforces (docs/SECURITY.md); config/examples/policy-local.yaml ' +
  'is a permissive one for a local machine.';

/** Where a worker takes its policy from; the first given wins, in this order. */
export interface PolicySourceOptions {
  policyFile?: string;
  /** `<namespace>/<name>`. */
  policyConfigMap?: string;
  /** Kubeconfig used to read the ConfigMap. */
  kubeconfig?: string;
}

/**
 * Loads the policy from `--policy`, else `--policy-configmap`, else `$MOORING_POLICY_FILE`.
 * @throws {Error} when none is given (NO_POLICY_MESSAGE), or naming what is wrong with the one given
 */
export async function resolveAgentPolicy(
  options: PolicySourceOptions,
  env: NodeJS.ProcessEnv = process.env,
): Promise<LoadedPolicy> {
  if (options.policyFile) return loadPolicyFile(options.policyFile);
  if (options.policyConfigMap) return await loadPolicyConfigMap(options.policyConfigMap, options.kubeconfig);
  const fromEnv = env[POLICY_FILE_ENV];
  if (fromEnv) return loadPolicyFile(fromEnv);
  throw new Error(NO_POLICY_MESSAGE);
}

async function loadPolicyConfigMap(ref: string, kubeconfig?: string): Promise<LoadedPolicy> {
  const [namespace = '', name = '', ...rest] = ref.split('/');
  if (!namespace || !name || rest.length > 0)
    throw new Error(`--policy-configmap must be <namespace>/<name>: got "${ref}"`);
  const kube = await KubeClient.fromKubeconfig({ path: kubeconfig });
  try {
    const cm = await kube.get({ apiVersion: 'v1', kind: 'ConfigMap', namespace, name });
    if (!cm) throw new Error(`The agent policy ConfigMap ${ref} does not exist`);
    return parsePolicyConfigMap(ref, (cm as { data?: Record<string, string> }).data);
  } finally {
    kube.close();
  }
}
