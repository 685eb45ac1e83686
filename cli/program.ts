/**
 * The `mooring` command tree. kubectl/argocd conventions: `mooring app get NAME`,
 * `-o json|yaml|wide`, `--help` on every command.
 */
import { Command } from 'commander';
import { registerAppCommands } from './commands/app/index.js';
import { registerClusterCommands } from './commands/cluster.js';
import { registerCodecServerCommand } from './commands/codec-server.js';
import { registerHealthCommand } from './commands/health.js';
import { registerWorkerCommand } from './commands/worker.js';

export function buildProgram(): Command {
  const program = new Command('mooring')
    .description('GitOps for Kubernetes on Temporal: sync apps from Git, roll back automatically')
    .option(
      '--address <host:port>',
      'Temporal frontend address',
      process.env.TEMPORAL_ADDRESS ?? '127.0.0.1:7233',
    )
    .option('--namespace <name>', 'Temporal namespace', process.env.TEMPORAL_NAMESPACE ?? 'default')
    .showHelpAfterError();
  registerAppCommands(program);
  registerClusterCommands(program);
  registerCodecServerCommand(program);
  registerHealthCommand(program);
  registerWorkerCommand(program);
  return program;
}
