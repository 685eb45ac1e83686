/** `mooring app apply -f FILE|DIR`: create or update applications (idempotent). */
import type { Command } from 'commander';
import { DEFAULT_TASK_QUEUE } from '../../../contract/ids.js';
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
    .action(async (opts: { filename: string; taskQueue: string; gitCluster: string }) => {
      // Every spec is read and validated before Temporal is contacted: a bad file registers
      // nothing and needs no server. Only git generators reach an agent, each through its own call.
      const where = { taskQueue: opts.taskQueue, cluster: opts.gitCluster };
      // The spec parser (schemas, templates) loads only when a spec is applied.
      const [{ loadSpecs }, { repoDirectoryLister }, { applySpec }] = await Promise.all([
        import('../../load-specs.js'),
        import('../../repo-directories.js'),
        import('../../../client/apply-spec.js'),
      ]);
      const specs = await loadSpecs(opts.filename, (repoURL, revision) =>
        run((client) => repoDirectoryLister(client, where)(repoURL, revision)),
      );
      await run(async (client) => {
        for (const spec of specs) {
          console.log(
            `application.mooring.dev/${spec.name} ${await applySpec(client, spec, opts.taskQueue)}`,
          );
        }
      });
    });
}
