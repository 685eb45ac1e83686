/** `mooring app …`: manage applications through their entity workflows (one file per command). */
import type { Command } from 'commander';
import { withClient, withReader } from '../../connection.js';
import { registerApplyCommand } from './apply.js';
import { registerDeleteCommand } from './delete.js';
import { registerDiffCommand } from './diff.js';
import { registerGetCommand } from './get.js';
import { registerHistoryCommand } from './history.js';
import { registerListCommand } from './list.js';
import { registerPauseResumeCommands } from './pause-resume.js';
import { registerRollbackCommand } from './rollback.js';
import { registerScaleCommand } from './scale.js';
import type { RunWithClient, RunWithReader } from './run.js';
import { registerSyncCommand } from './sync.js';
import { registerTerminateCommand } from './terminate.js';
import { registerWaitCommand } from './wait.js';

export function registerAppCommands(program: Command): void {
  const app = program.command('app').description('Manage applications');
  const run: RunWithClient = (work) => withClient(program, work);
  const read: RunWithReader = (work) => withReader(program, work);
  // The order is the order of `mooring app --help`.
  registerApplyCommand(app, run);
  registerListCommand(app, read);
  registerGetCommand(app, read);
  registerHistoryCommand(app, read);
  registerSyncCommand(app, run);
  registerRollbackCommand(app, run);
  registerPauseResumeCommands(app, run);
  registerScaleCommand(app, run);
  registerWaitCommand(app, run);
  registerDiffCommand(app, run);
  registerTerminateCommand(app, run);
  registerDeleteCommand(app, run);
}
