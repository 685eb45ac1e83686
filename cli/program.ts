/**
 * The `mooring` command tree. kubectl/argocd conventions: `mooring app get NAME`,
 * `-o json|yaml|wide`, `--help` on every command. Command modules import only what their options
 * need; the Temporal SDK, the worker and the spec parser load inside the actions that use them,
 * so `mooring --help` starts in a fraction of a second.
 */
import { Command } from 'commander';
import { registerAppCommands } from './commands/app/index.js';
import { registerClusterCommands } from './commands/cluster.js';
import { registerCodecServerCommand } from './commands/codec-server.js';
import { registerHealthCommand } from './commands/health.js';
import { registerWebhookCommand } from './commands/webhook.js';
import { registerWorkerCommand } from './commands/worker.js';

export function buildProgram(): Command {
  const program = new Command('mooring')
    .description('GitOps for Kubernetes on Temporal: sync apps from Git, roll back automatically')
    .option(
      '--address <host:port>',
      'Temporal frontend address (env TEMPORAL_ADDRESS; default 127.0.0.1:7233)',
    )
    .option('--namespace <name>', 'Temporal namespace (env TEMPORAL_NAMESPACE; default "default")')
    .option(
      '--tls-ca <file>',
      'CA bundle of the frontend certificate; turns TLS on (env TEMPORAL_TLS_SERVER_CA_CERT_PATH)',
    )
    .option('--tls-cert <file>', 'client certificate for mutual TLS (env TEMPORAL_TLS_CLIENT_CERT_PATH)')
    .option('--tls-key <file>', 'key of the client certificate (env TEMPORAL_TLS_CLIENT_KEY_PATH)')
    .option(
      '--tls-server-name <name>',
      'name to check the frontend certificate against (env TEMPORAL_TLS_SERVER_NAME)',
    )
    .option(
      '--api-key-file <file>',
      'file holding the bearer token (API key or JWT) (env TEMPORAL_API_KEY_FILE; or the token itself in TEMPORAL_API_KEY)',
    )
    .showHelpAfterError();
  registerAppCommands(program);
  registerClusterCommands(program);
  registerCodecServerCommand(program);
  registerHealthCommand(program);
  registerWebhookCommand(program);
  registerWorkerCommand(program);
  return program;
}
