import type { Command } from 'commander';
import { DEFAULT_TASK_QUEUE } from '../../contract/ids.js';
import { globalConnectionSettings } from '../connection.js';

export function registerWorkerCommand(program: Command): void {
  program
    .command('worker')
    .description('Run the Mooring worker: workflows plus the activities of one cluster')
    .option('--cluster <name>', 'cluster whose activities this process serves', 'local')
    .option('--kubeconfig <path>', 'kubeconfig of that cluster (default: $KUBECONFIG or ~/.kube/config)')
    .option('--agent', 'run only the cluster activities (an agent next to the cluster)', false)
    .option(
      '--control-plane',
      'run only workflows and schedules: no cluster queue, no kubeconfig, no agent policy',
      false,
    )
    .option('--policy <file>', 'agent policy file: the projects it enforces (see docs/SECURITY.md)')
    .option(
      '--policy-configmap <ns/name>',
      'or read it from this ConfigMap (key policy.yaml); else $MOORING_POLICY_FILE',
    )
    .option('--task-queue <name>', 'workflow task queue', DEFAULT_TASK_QUEUE)
    .option(
      '--workflow-cache <count>',
      'workflows kept in memory between their tasks; one evicted is replayed from its history when it next wakes',
    )
    .option('--metrics-port <port>', '/metrics port (0 disables)', '9464')
    .option('--metrics-host <address>', '/metrics listen address (0.0.0.0 inside a pod)', '127.0.0.1')
    .option(
      '--git-poll <interval>',
      'git-poll tick: each app is checked every spec.syncPolicy.interval, on the first tick after it elapses',
      '10s',
    )
    .option('--drift-scan <interval>', 'drift-scan schedule interval (the safety net of drift-watch)', '10m')
    .option(
      '--notifications <file>',
      'receivers of app notifications (docs/NOTIFICATIONS.md); else $MOORING_NOTIFICATIONS_FILE',
    )
    .option('--autoscale <interval>', 'autoscale schedule interval', '30s')
    .option(
      '--prometheus-url <url>',
      "this agent's Prometheus, for autoscaling and analysis queries (default: $MOORING_PROMETHEUS_URL)",
    )
    .option(
      '--no-schedules',
      'do not create or update the git-poll, drift-scan and autoscale schedules (they are global)',
    )
    .action(
      async (opts: {
        cluster: string;
        taskQueue: string;
        kubeconfig?: string;
        agent: boolean;
        controlPlane: boolean;
        policy?: string;
        policyConfigmap?: string;
        workflowCache?: string;
        metricsPort: string;
        metricsHost: string;
        gitPoll: string;
        driftScan: string;
        autoscale: string;
        prometheusUrl?: string;
        notifications?: string;
        schedules: boolean;
      }) => {
        const cacheSize =
          opts.workflowCache === undefined ? undefined : workflowCacheSize(opts.workflowCache);
        // The worker (Temporal's native core, client-node) loads only when a worker runs.
        const { runWorker } = await import('../../workers/worker.js');
        await runWorker({
          connection: globalConnectionSettings(program),
          cluster: opts.cluster,
          taskQueue: opts.taskQueue,
          kubeconfig: opts.kubeconfig,
          agentOnly: opts.agent,
          controlPlaneOnly: opts.controlPlane,
          policyFile: opts.policy,
          policyConfigMap: opts.policyConfigmap,
          workflowCacheSize: cacheSize,
          metricsPort: Number(opts.metricsPort),
          metricsHost: opts.metricsHost,
          prometheusUrl: opts.prometheusUrl,
          notificationsFile: opts.notifications,
          schedules: opts.schedules
            ? { gitPoll: opts.gitPoll, driftScan: opts.driftScan, autoscale: opts.autoscale }
            : false,
        });
      },
    );
}

function workflowCacheSize(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 2)
    throw new Error(`--workflow-cache: "${value}" is not a whole number of workflows, at least 2`);
  return n;
}
