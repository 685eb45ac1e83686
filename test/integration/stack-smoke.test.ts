/**
 * The local stack is real: Deployments roll out on kwok's fake nodes, a crash-looping rollout
 * hits its progress deadline, Temporal runs a workflow and lists it, and the Web UI answers.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'yaml';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import {
  createTestNamespace,
  kubectl,
  kubectlJson,
  projectRoot,
  temporalAddress,
  temporalUiUrl,
  uniqueSuffix,
} from '../support/stack.js';
import { waitFor } from '../support/wait.js';
import * as echoActivities from './smoke/echo-activities.js';

const execFileAsync = promisify(execFile);

interface Condition {
  type: string;
  status: string;
  reason?: string;
}
interface DeploymentStatus {
  status?: { availableReplicas?: number; conditions?: Condition[] };
}
interface PodList {
  items: { status?: { conditions?: Condition[] } }[];
}

function deployment(
  name: string,
  options: { replicas: number; simulate?: string; progressDeadlineSeconds?: number },
): string {
  const podLabels: Record<string, string> = { app: name };
  if (options.simulate) podLabels['mooring.dev/simulate'] = options.simulate;
  return JSON.stringify({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name },
    spec: {
      replicas: options.replicas,
      progressDeadlineSeconds: options.progressDeadlineSeconds ?? 600,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: podLabels },
        spec: { containers: [{ name: 'web', image: 'registry.example/web:1.0' }] },
      },
    },
  });
}

function condition(d: DeploymentStatus, type: string): Condition | undefined {
  return d.status?.conditions?.find((c) => c.type === type);
}

describe('local Kubernetes cluster', () => {
  let ns: Awaited<ReturnType<typeof createTestNamespace>>;
  before(async () => {
    ns = await createTestNamespace('smoke');
  });
  after(async () => {
    await ns?.cleanup();
  });

  test('a Deployment becomes Available with Ready pods on fake nodes', async () => {
    const nodes = await kubectlJson<PodList>(['get', 'nodes']);
    assert.ok(nodes.items.length >= 2, `expected at least 2 nodes, got ${nodes.items.length}`);

    await kubectl(['apply', '-n', ns.name, '-f', '-'], { input: deployment('web', { replicas: 2 }) });
    const available = await waitFor(
      'Deployment web to become Available',
      async () => {
        const d = await kubectlJson<DeploymentStatus>(['get', 'deployment', 'web', '-n', ns.name]);
        return condition(d, 'Available')?.status === 'True' && d.status?.availableReplicas === 2
          ? d
          : undefined;
      },
      { timeoutMs: 60_000 },
    );
    assert.equal(available.status?.availableReplicas, 2);

    const pods = await kubectlJson<PodList>(['get', 'pods', '-n', ns.name, '-l', 'app=web']);
    assert.equal(pods.items.length, 2);
    for (const pod of pods.items) {
      assert.equal(pod.status?.conditions?.find((c) => c.type === 'Ready')?.status, 'True');
    }
  });

  test('a crash-looping rollout never becomes Available and exceeds its progress deadline', async (t) => {
    // `scripts/stack up` installs scripts/stages/; a copy of the crash-loop stage under a name and
    // label of this test's own proves stages can be added at run time, and goes away after it.
    const name = `crash-${uniqueSuffix()}`;
    const stage = parse(await readFile(join(projectRoot, 'scripts/stages/pod-crashloop.yaml'), 'utf8')) as {
      metadata: { name: string };
      spec: { selector: { matchLabels: Record<string, string> } };
    };
    stage.metadata.name = `mooring-smoke-${name}`;
    stage.spec.selector.matchLabels['mooring.dev/simulate'] = name;
    await kubectl(['apply', '-f', '-'], { input: JSON.stringify(stage) });
    t.after(() => kubectl(['delete', 'stages.kwok.x-k8s.io', stage.metadata.name, '--ignore-not-found']));
    await kubectl(['apply', '-n', ns.name, '-f', '-'], {
      input: deployment(name, { replicas: 1, simulate: name, progressDeadlineSeconds: 5 }),
    });
    const stalled = await waitFor(
      `Deployment ${name} to report ProgressDeadlineExceeded`,
      async () => {
        const d = await kubectlJson<DeploymentStatus>(['get', 'deployment', name, '-n', ns.name]);
        return condition(d, 'Progressing')?.reason === 'ProgressDeadlineExceeded' ? d : undefined;
      },
      { timeoutMs: 90_000 },
    );
    assert.equal(condition(stalled, 'Available')?.status, 'False');
    assert.equal(stalled.status?.availableReplicas ?? 0, 0);
    const pods = await kubectlJson<{
      items: { status?: { containerStatuses?: { state?: { waiting?: { reason?: string } } }[] } }[];
    }>(['get', 'pods', '-n', ns.name, '-l', `app=${name}`]);
    assert.equal(pods.items[0]?.status?.containerStatuses?.[0]?.state?.waiting?.reason, 'CrashLoopBackOff');
  });
});

describe('local Temporal dev server', () => {
  test('a workflow with one activity runs and is listed by `temporal workflow list`', async () => {
    const taskQueue = `smoke-${uniqueSuffix()}`;
    const workflowId = `smoke-echo-${uniqueSuffix()}`;
    const connection = await NativeConnection.connect({ address: temporalAddress() });
    const clientConnection = await Connection.connect({ address: temporalAddress() });
    try {
      const worker = await Worker.create({
        connection,
        taskQueue,
        workflowsPath: new URL('./smoke/echo-workflow.ts', import.meta.url).pathname,
        activities: echoActivities,
      });
      const client = new Client({ connection: clientConnection });
      const result = await worker.runUntil(
        client.workflow.execute('echoWorkflow', { taskQueue, workflowId, args: ['hello'] }),
      );
      assert.equal(result, 'echo: hello');

      const listed = await waitFor(
        'the workflow to appear in `temporal workflow list`',
        async () => {
          const { stdout } = await execFileAsync('temporal', [
            'workflow',
            'list',
            '--address',
            temporalAddress(),
            '--query',
            `WorkflowId = '${workflowId}'`,
            '--output',
            'json',
          ]);
          const rows = JSON.parse(stdout || '[]') as {
            execution?: { workflowId?: string };
            status?: string;
          }[];
          return rows.find((r) => r.execution?.workflowId === workflowId);
        },
        { timeoutMs: 20_000 },
      );
      assert.match(String(listed.status), /COMPLETED/);
    } finally {
      await clientConnection.close();
      await connection.close();
    }
  });

  test('the Web UI answers HTTP 200', async () => {
    const res = await fetch(temporalUiUrl());
    assert.equal(res.status, 200);
    assert.match(await res.text(), /<html/i);
  });
});
