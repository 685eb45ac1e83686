/** `mooring app apply -f FILE|DIR`: create or update applications (idempotent). */
import type { Command } from 'commander';
import { applySpec } from '../../../client/apply-spec.js';
import { DEFAULT_TASK_QUEUE } from '../../../contract/ids.js';
import { loadSpecs } from '../../load-specs.js';
import { repoDirectoryLister } from '../../repo-directories.js';
import type { RunWithClient } from './run.js';

export function registerApplyCommand(app: Command, run: RunWithClient): void {
  app
    .command('apply')
    .description('Create or update applications from a file or directory (idempotent)')
    .requiredOption('-f, --filename <path>', 'Application / ApplicationSet YAML file or directory')
    .option(
      '--task-queue <name>',
      'workflow task queue of the worker that manages the apps',
      DEFAULT_TASK_QUEUE,
    )
    .option(
      '--git-cluster <name>',
      'cluster whose agent reads Git (it holds the credentials) for ApplicationSet git generators',
      'local',
    )
    .action((opts: { filename: string; taskQueue: string; gitCluster: string }) =>
      run(async (client) => {
        const listDirectories = repoDirectoryLister(client, {
          taskQueue: opts.taskQueue,
          cluster: opts.gitCluster,
        });
        for (const spec of await loadSpecs(opts.filename, listDirectories)) {
          console.log(
            `application.mooring.dev/${spec.name} ${await applySpec(client, spec, opts.taskQueue)}`,
          );
        }
      }),
    );
}
