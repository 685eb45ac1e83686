/**
 * `mooring app diff NAME`: compare Git with the cluster through `diffWorkflow` on the app's worker;
 * the masked diff text comes back in the workflow result (capped; the agent keeps the full diff).
 */
import type { Command } from 'commander';
import { applicationWorkflowId, diffWorkflowId, WORKFLOW_TYPES } from '../../../contract/ids.js';
import { specQuery } from '../../../contract/messages.js';
import type { DiffWorkflowInput, DiffWorkflowResult } from '../../../contract/workflows.js';
import { shortSha } from '../../format.js';
import type { RunWithClient } from './run.js';

type DiffWorkflow = (input: DiffWorkflowInput) => Promise<DiffWorkflowResult>;

/** Prints the diff text (stdout), the summary and notes (stderr); exit code 1 when anything differs. */
function printDiff(name: string, result: DiffWorkflowResult): void {
  const changed = result.summary.create + result.summary.update + result.summary.delete;
  // An agent older than the text field sends none: the diff then stays on its machine only.
  if (result.text) console.log(result.text);
  console.error(
    `${name} @ ${shortSha(result.revision)}: ${result.summary.create} to create, ${result.summary.update} to update, ${result.summary.delete} to delete, ${result.summary.unchanged} unchanged`,
  );
  for (const w of result.warnings) console.error(`warning: ${w}`);
  if ((!result.text && changed > 0) || result.truncated)
    console.error(
      `the full diff is on the agent's machine under its manifest store (diff ${result.diffKey.slice(0, 12)})`,
    );
  process.exitCode = changed > 0 ? 1 : 0;
}

export function registerDiffCommand(app: Command, run: RunWithClient): void {
  app
    .command('diff <name>')
    .description(
      'Compare Git (target revision or --revision) with the cluster; exit 0 no diff, 1 diff, 2 error',
    )
    .option(
      '--revision <rev>',
      'branch, tag, SHA or chart version (several sources: one each, joined by ",")',
    )
    .action((name: string, opts: { revision?: string }) =>
      run(async (client) => {
        const handle = client.workflow.getHandle(applicationWorkflowId(name));
        const [description, spec] = await Promise.all([handle.describe(), handle.query(specQuery)]);
        const result = await client.workflow.execute<DiffWorkflow>(WORKFLOW_TYPES.diff, {
          taskQueue: description.taskQueue,
          workflowId: diffWorkflowId(name, Date.now().toString(36)),
          args: [{ spec, revision: opts.revision }],
          staticSummary: `diff ${name} ${opts.revision ?? spec.source.targetRevision}`,
        });
        printDiff(name, result);
      }),
    );
}
