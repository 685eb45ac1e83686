/**
 * deploy/agent/deployment.yaml's exact command line and environment, run as a process against
 * the production profile's second cluster: over mutual TLS with the eu-central agent's own
 * certificate and token (the Secrets the Deployment mounts), serving only its cluster's queue.
 * The checks are test/integration/deploy-agent-process.test.ts's, pointed here.
 */
import { copyFileSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { identityEnv, kubeconfigOf, productionState } from './support.js';

const tlsDir = mkdtempSync(join(tmpdir(), 'mooring-agent-tls-'));
const agent = identityEnv('agent-eu-central');
copyFileSync(agent.TEMPORAL_TLS_SERVER_CA_CERT_PATH ?? '', join(tlsDir, 'ca.crt'));
copyFileSync(agent.TEMPORAL_TLS_CLIENT_CERT_PATH ?? '', join(tlsDir, 'tls.crt'));
copyFileSync(agent.TEMPORAL_TLS_CLIENT_KEY_PATH ?? '', join(tlsDir, 'tls.key'));

Object.assign(process.env, {
  MOORING_AGENT_TEST_KUBECONFIG: kubeconfigOf('eu-central'),
  MOORING_AGENT_TEST_TEMPORAL_ADDRESS: agent.TEMPORAL_ADDRESS,
  MOORING_AGENT_TEST_CLUSTER: 'eu-central',
  MOORING_AGENT_TEST_TLS_DIR: tlsDir,
  MOORING_AGENT_TEST_TOKEN_FILE: agent.TEMPORAL_API_KEY_FILE,
  MOORING_AGENT_TEST_CODEC_KEYS_FILE: join(productionState(), 'secrets', 'codec-keys.yaml'),
  // The poller checks run the temporal CLI as the operator (Temporal's own variables).
  TEMPORAL_API_KEY: readFileSync(identityEnv('operator').TEMPORAL_API_KEY_FILE ?? '', 'utf8').trim(),
});

await import('../integration/deploy-agent-process.test.js');
