/** `mooring cluster list|add`: the cluster registry (names, API servers, labels; no credentials). */
import type { Command } from 'commander';
import { addToClusterRegistry, loadClusterRegistry } from '../../client/cluster-registry-file.js';
import { clusterTaskQueue } from '../../contract/ids.js';
import { table } from '../format.js';

function parseLabels(pairs: string[]): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new Error(`Label "${pair}" is not key=value`);
    labels[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return labels;
}

export function registerClusterCommands(program: Command): void {
  const cluster = program.command('cluster').description('Manage the cluster registry');
  cluster
    .command('list')
    .description('List registered clusters')
    .option('-o, --output <format>', 'json')
    .action(async (opts: { output?: string }) => {
      const clusters = (await loadClusterRegistry()).list();
      if (opts.output === 'json') return console.log(JSON.stringify(clusters, null, 2));
      console.log(
        table(
          ['NAME', 'SERVER', 'TASK QUEUE', 'LABELS'],
          clusters.map((c) => [
            c.name,
            c.server,
            clusterTaskQueue(c.name),
            Object.entries(c.labels ?? {})
              .map(([k, v]) => `${k}=${v}`)
              .join(','),
          ]),
        ),
      );
    });
  cluster
    .command('add <name>')
    .description('Register a cluster (run its agent with: mooring worker --agent --cluster NAME)')
    .requiredOption('--server <url>', 'API server URL (matches Argo CD destination.server)')
    .option(
      '--label <key=value>',
      'label for ApplicationSet cluster selectors (repeatable)',
      (v: string, acc: string[]) => [...acc, v],
      [] as string[],
    )
    .action(async (name: string, opts: { server: string; label: string[] }) => {
      const { outcome, path } = await addToClusterRegistry({
        name,
        server: opts.server,
        labels: parseLabels(opts.label),
      });
      console.log(`cluster/${name} ${outcome} (${path})`);
      console.log(
        `start its agent next to the cluster: mooring worker --agent --cluster ${name} --kubeconfig <path>`,
      );
    });
}
