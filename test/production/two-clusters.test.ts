/**
 * The pull model run for real: a control-plane worker with no kubeconfig, one agent per cluster
 * holding only its own kubeconfig and credential, and the background document's ApplicationSet
 * (list generator with `cluster`/`url` elements) creating one app per cluster. Killing one agent
 * stalls only that cluster's app, whose status names the missing agent and since when; it
 * catches up when the agent returns (with an empty cache: it re-renders); the other keeps syncing.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Client } from '@temporalio/client';
import { readStatus } from '../../cli/app-status.js';
import { sdkWorkflowReader } from '../../client/sdk-workflow-reader.js';
import type { AppStatus } from '../../contract/messages.js';
import { guestbookDeployment } from '../support/e2e.js';
import { createTestGitRepo } from '../support/git-repo.js';
import type { TestGitRepo } from '../support/git-repo.js';
import { projectRoot } from '../support/stack.js';
import { waitFor } from '../support/wait.js';
import type { ProcessGroup } from '../support/worker-process.js';
import {
  CLUSTERS,
  clientAs,
  clusterApplicationSet,
  kubectlOn,
  mooringAs,
  spawnComposeService,
} from './support.js';
import type { ClusterName } from './support.js';

const suffix = Date.now().toString(36);
const appName = (cluster: ClusterName) => `${cluster}-shop-${suffix}`;
const namespaceOf = (cluster: ClusterName) => `shop-${cluster}-${suffix}`;

describe('production profile: two clusters, one agent each', () => {
  let dir: string;
  let repo: TestGitRepo;
  let client: Client;
  let closeClient: () => Promise<void>;
  const processes: ProcessGroup[] = [];
  const agents = new Map<ClusterName, ProcessGroup>();

  // The control plane and the agents run as docker-compose.yml says; each run of an agent gets
  // an empty cache, as a new pod would.
  const startAgent = (cluster: ClusterName, run: string) => {
    const agent = spawnComposeService(`agent-${cluster}`, join(dir, `agent-${cluster}-${run}.log`), {
      MOORING_CACHE: join(dir, `cache-${cluster}-${run}`),
    });
    processes.push(agent);
    agents.set(cluster, agent);
    return agent;
  };

  const status = async (cluster: ClusterName): Promise<AppStatus> =>
    (await readStatus(sdkWorkflowReader(client), appName(cluster))).status;

  const settledAt = async (cluster: ClusterName, sha: string) => {
    const s = await status(cluster);
    return s.deployedRevision === sha && s.sync === 'Synced' && s.health === 'Healthy' && !s.operation
      ? s
      : undefined;
  };

  const describeApps = async () =>
    (
      await Promise.all(
        CLUSTERS.map(async (c) => {
          const s = await status(c).catch((e: Error) => ({ error: e.message }));
          return `${c}: ${JSON.stringify(s).slice(0, 600)}`;
        }),
      )
    ).join('\n');

  const abortIfExited = () => processes.map((p) => p.exitReason()).find(Boolean);

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mooring-two-clusters-'));
    repo = await createTestGitRepo(join(projectRoot, 'config/examples/guestbook'), 'guestbook');
    ({ client, close: closeClient } = await clientAs('operator'));
    processes.push(spawnComposeService('worker', join(dir, 'control-plane.log')));
    for (const c of CLUSTERS) startAgent(c, 'first');
    await Promise.all(processes.map((p) => p.logged('worker started', 90_000)));
  });

  after(async () => {
    for (const c of CLUSTERS)
      await mooringAs('operator', ['app', 'delete', appName(c), '--cascade', '--wait']).catch(
        () => undefined,
      );
    await Promise.all(processes.map((p) => p.kill('SIGTERM')));
    await closeClient?.();
    await repo?.remove();
    await rm(dir, { recursive: true, force: true });
  });

  it('the ApplicationSet creates one app per cluster and each is Healthy on its own cluster only', async (t) => {
    const file = join(dir, 'appset.yaml');
    await writeFile(
      file,
      clusterApplicationSet({
        name: `all-clusters-${suffix}`,
        repoURL: repo.url,
        appName: `{{cluster}}-shop-${suffix}`,
        namespace: `shop-{{cluster}}-${suffix}`,
      }),
    );
    const started = Date.now();
    const applied = await mooringAs('operator', ['app', 'apply', '-f', file]);
    assert.equal(applied.code, 0, applied.stderr);
    const head = await repo.head();
    await waitFor(
      'both apps Synced and Healthy',
      async () =>
        (await Promise.all(CLUSTERS.map((c) => settledAt(c, head)))).every(Boolean) ? true : undefined,
      { timeoutMs: 180_000, intervalMs: 200, describe: describeApps, abortIf: abortIfExited },
    );
    t.diagnostic(`ApplicationSet Healthy on both clusters ${Date.now() - started} ms after \`app apply\``);

    for (const c of CLUSTERS) {
      const other = CLUSTERS.find((o) => o !== c) as ClusterName;
      assert.equal((await status(c)).cluster, c);
      const ready = await kubectlOn(c, [
        'get',
        'deployment',
        'guestbook-ui',
        '-n',
        namespaceOf(c),
        '-o',
        'jsonpath={.status.readyReplicas}',
      ]);
      assert.ok(Number(ready) >= 1, `guestbook-ui ready on ${c}`);
      const stray = await kubectlOn(other, [
        'get',
        'namespace',
        namespaceOf(c),
        '--ignore-not-found',
        '-o',
        'name',
      ]);
      assert.equal(stray.trim(), '', `${namespaceOf(c)} must not exist on ${other}`);
    }
  });

  it('a dead agent stalls only its cluster, says so, and its app catches up when it returns', async (t) => {
    const [down, up] = CLUSTERS;
    const killed = Date.now();
    await agents.get(down)?.kill('SIGKILL');
    processes.splice(processes.indexOf(agents.get(down) as ProcessGroup), 1);

    const sha = await repo.commit('scale guestbook to 2', {
      'guestbook/deployment.yaml': await guestbookDeployment({ replicas: 2 }),
    });
    for (const c of CLUSTERS) {
      const synced = await mooringAs('operator', ['app', 'sync', appName(c)]);
      assert.equal(synced.code, 0, synced.stderr);
    }

    await waitFor(`${up} at the new commit`, () => settledAt(up, sha), {
      timeoutMs: 120_000,
      intervalMs: 200,
      describe: describeApps,
      abortIf: abortIfExited,
    });
    const waiting = await waitFor(
      `${down}'s status to name its missing agent`,
      async () => {
        const s = await status(down);
        const condition = s.conditions.find((c) => c.type === 'AgentUnavailable');
        return condition?.message.includes(`cluster "${down}"`) ? condition.message : undefined;
      },
      { timeoutMs: 120_000, intervalMs: 500, describe: describeApps, abortIf: abortIfExited },
    );
    assert.match(waiting, new RegExp(`mooring-cluster-${down} since \\d{4}-\\d\\d-\\d\\dT`));
    assert.notEqual((await status(down)).deployedRevision, sha);
    t.diagnostic(`status named the missing agent ${Date.now() - killed} ms after the kill`);

    const returned = Date.now();
    startAgent(down, 'second');
    await waitFor(`${down} to catch up`, () => settledAt(down, sha), {
      timeoutMs: 180_000,
      intervalMs: 200,
      describe: describeApps,
      abortIf: abortIfExited,
    });
    t.diagnostic(`${down} caught up ${Date.now() - returned} ms after its agent returned (empty cache)`);
    const conditions = (await status(down)).conditions.map((c) => c.type);
    assert.ok(!conditions.includes('AgentUnavailable'), `AgentUnavailable cleared: ${conditions.join(', ')}`);
    const replicas = await kubectlOn(down, [
      'get',
      'deployment',
      'guestbook-ui',
      '-n',
      namespaceOf(down),
      '-o',
      'jsonpath={.spec.replicas}',
    ]);
    assert.equal(replicas, '2');
  });
});
