/** `mooring app pause|resume NAME`: stop or resume auto-sync (resume also drops a rollback pin). */
import type { Command } from 'commander';
import { applicationWorkflowId } from '../../../contract/ids.js';
import { pauseUpdate, resumeUpdate } from '../../../contract/messages.js';
import { shortSha } from '../../format.js';
import type { RunWithClient } from './run.js';

const VERBS = [
  ['pause', pauseUpdate, 'Stop auto-sync'],
  ['resume', resumeUpdate, 'Resume auto-sync and drop a rollback pin'],
] as const;

export function registerPauseResumeCommands(app: Command, run: RunWithClient): void {
  for (const [verb, update, text] of VERBS) {
    app
      .command(`${verb} <name>`)
      .description(text)
      .action((name: string) =>
        run(async (client) => {
          const status = await client.workflow.getHandle(applicationWorkflowId(name)).executeUpdate(update);
          console.log(
            `${name}: ${status.paused ? 'paused' : 'auto-sync'}${status.pinnedRevision ? `, pinned to ${shortSha(status.pinnedRevision)}` : ''}`,
          );
        }),
      );
  }
}
