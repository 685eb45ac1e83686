/**
 * The agent policy tests run with: the local stack's permissive one (config/examples/policy-local.yaml),
 * the same file `scripts/stack env` exports as MOORING_POLICY_FILE for workers started as processes.
 */
import { join } from 'node:path';
import { loadPolicyFile } from '../../workers/policy-file.js';
import type { AgentPolicy } from '../../core/policy/project.js';
import { projectRoot } from './stack.js';

export const LOCAL_POLICY_FILE = join(projectRoot, 'config', 'examples', 'policy-local.yaml');

export function localPolicy(): AgentPolicy {
  return loadPolicyFile(LOCAL_POLICY_FILE).policy;
}
