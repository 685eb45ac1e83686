/**
 * `mooring webhook` on the real stack: a real Temporal, an in-process worker, the guestbook app in
 * a real local Git repository, and the webhook server in-process on a free port. A signed push
 * deploys its commit; an unsigned or wrongly signed one, or one touching another directory, sends
 * no signal; a burst of 200 pushes costs the app at most two `refresh` signals; the body size and
 * request rate are bounded.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { Client } from '@temporalio/client';
import { applicationWorkflowId } from '../../contract/ids.js';
import { signBody } from '../../core/webhook/signature.js';
import { startWebhookService } from '../../client/webhook/service.js';
import type { WebhookService } from '../../client/webhook/service.js';
import { GENERIC_SIGNATURE_HEADER } from '../../client/webhook/server.js';
import { guestbookDeployment, settledAt, startE2e } from '../support/e2e.js';
import type { E2eApp, E2eEnv } from '../support/e2e.js';
import { waitFor } from '../support/wait.js';
import { githubPush } from '../unit/core/webhook-fixtures.js';

/** The `refresh` signals in the app's history whose reason the webhook wrote. */
async function webhookRefreshes(client: Client, workflowId: string): Promise<number> {
  const history = await client.workflow.getHandle(workflowId).fetchHistory();
  let count = 0;
  for (const event of history.events ?? []) {
    const signal = event.workflowExecutionSignaledEventAttributes;
    if (signal?.signalName !== 'refresh') continue;
    const data = signal.input?.payloads?.[0]?.data;
    const input = data
      ? (JSON.parse(Buffer.from(data).toString('utf8')) as { reason?: string; sha?: string })
      : {};
    assert.equal(input.sha, undefined, 'the webhook never passes a SHA');
    if (input.reason?.startsWith('webhook push')) count += 1;
  }
  return count;
}

describe('mooring webhook', () => {
  let env: E2eEnv;
  let app: E2eApp;
  let service: WebhookService;
  const secret = randomBytes(32).toString('hex');
  const latencies: { synced: number; healthy: number }[] = [];

  before(async () => {
    env = await startE2e('webhook');
    app = await env.createApp('gb-hook');
    service = await startWebhookService({
      client: env.client,
      taskQueue: env.taskQueue,
      port: 0,
      secrets: { github: [secret], generic: [secret] },
      // The burst below is 200 requests at once: the rate limit has its own server.
      ratePerSecond: 10_000,
      rateBurst: 10_000,
    });
    await app.waitStatus('initial sync', settledAt(await app.repo.head()));
  });
  after(async () => {
    await service?.close();
    await env?.close();
    if (latencies.length > 0)
      console.log(`webhook POST → Synced / Healthy (ms): ${JSON.stringify(latencies)}`);
  });

  function githubBody(paths: string[], sender = 'octocat'): string {
    return JSON.stringify(
      githubPush({
        repository: {
          full_name: 'acme/guestbook',
          clone_url: app.repo.url,
          default_branch: app.repo.branch,
        },
        sender: { login: sender },
        commits: [{ id: 'x', added: [], removed: [], modified: paths }],
      }),
    );
  }

  async function post(
    body: string,
    headers: Record<string, string>,
    url = `${service.url}/api/webhook`,
  ): Promise<{ status: number; json: Record<string, unknown>; headers: Headers }> {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', ...headers },
      body,
    });
    const text = await res.text();
    return {
      status: res.status,
      json: text ? (JSON.parse(text) as Record<string, unknown>) : {},
      headers: res.headers,
    };
  }

  const signedGithub = (body: string, key = secret) => ({
    'X-GitHub-Event': 'push',
    'X-GitHub-Delivery': randomBytes(8).toString('hex'),
    'X-Hub-Signature-256': signBody(Buffer.from(body), key),
  });

  async function settleRefresher(): Promise<void> {
    await waitFor('the webhook to see the app settle', () =>
      service.refresher.tracked().length === 0 ? true : undefined,
    );
  }

  test('a signed GitHub push deploys the new commit', async () => {
    const workflowId = applicationWorkflowId(app.name);
    const before = await webhookRefreshes(env.client, workflowId);
    const sha = await app.repo.commit('guestbook 0.3', {
      'guestbook/deployment.yaml': await guestbookDeployment({
        image: 'gcr.io/heptio-images/ks-guestbook-demo:0.3',
      }),
    });
    const body = githubBody(['guestbook/deployment.yaml']);
    const t0 = performance.now();
    const res = await post(body, signedGithub(body));
    assert.equal(res.status, 200, JSON.stringify(res.json));
    assert.deepEqual(res.json.matched, [app.name]);
    assert.deepEqual(res.json.signaled, [app.name]);
    let synced: number | undefined;
    const status = await app.waitStatus(`sync of ${sha} after the webhook`, (s) => {
      if (synced === undefined && s.deployedRevision === sha && s.sync === 'Synced')
        synced = performance.now() - t0;
      return settledAt(sha)(s);
    });
    latencies.push({ synced: Math.round(synced ?? NaN), healthy: Math.round(performance.now() - t0) });
    assert.equal(status.history.at(-1)?.revision, sha);
    assert.equal(status.history.at(-1)?.initiator, 'webhook:github:octocat');
    assert.equal(await webhookRefreshes(env.client, workflowId), before + 1);
    await settleRefresher();
  });

  test('a missing, wrong or other-secret signature gets 401 and sends no signal', async () => {
    const workflowId = applicationWorkflowId(app.name);
    const before = await webhookRefreshes(env.client, workflowId);
    const body = githubBody(['guestbook/deployment.yaml']);
    const attempts: Record<string, string>[] = [
      { 'X-GitHub-Event': 'push' },
      { 'X-GitHub-Event': 'push', 'X-Hub-Signature-256': 'sha256=' + '0'.repeat(64) },
      signedGithub(body, 'not the secret'),
      { [GENERIC_SIGNATURE_HEADER]: signBody(Buffer.from(body), 'not the secret') },
    ];
    for (const headers of attempts) {
      const res = await post(body, headers);
      assert.equal(res.status, 401, JSON.stringify(res.json));
      assert.match(String(res.json.error), /refused: (missing|.* does not match)/);
      assert.doesNotMatch(JSON.stringify(res.json), new RegExp(secret));
    }
    // The server signals before it answers: a signal it had sent would be in the history now.
    assert.equal(await webhookRefreshes(env.client, workflowId), before);
    const gitlab = await post('{}', { 'X-Gitlab-Event': 'Push Hook', 'X-Gitlab-Token': secret });
    assert.equal(gitlab.status, 403);
    assert.match(String(gitlab.json.error), /GitLab webhooks are not enabled.*--gitlab-secret-file/);
  });

  test('a push touching only another directory sends no signal; ping is a pong', async () => {
    const workflowId = applicationWorkflowId(app.name);
    const before = await webhookRefreshes(env.client, workflowId);
    await app.repo.commit('docs only', { 'docs/README.md': 'hello\n' });
    const body = githubBody(['docs/README.md']);
    const res = await post(body, signedGithub(body));
    assert.equal(res.status, 200);
    assert.deepEqual(res.json.matched, []);
    const ping = await post('{"zen":"hi"}', { ...signedGithub('{"zen":"hi"}'), 'X-GitHub-Event': 'ping' });
    assert.equal(ping.status, 200);
    assert.equal(ping.json.result, 'pong');
    assert.equal(await webhookRefreshes(env.client, workflowId), before);
  });

  test('a burst of 200 pushes signals the app at most twice and deploys the last commit', async () => {
    const workflowId = applicationWorkflowId(app.name);
    await settleRefresher();
    const before = await webhookRefreshes(env.client, workflowId);
    const sha = await app.repo.commit('guestbook 0.4', {
      'guestbook/deployment.yaml': await guestbookDeployment({
        image: 'gcr.io/heptio-images/ks-guestbook-demo:0.4',
      }),
    });
    const bodies = Array.from({ length: 200 }, (_, i) =>
      JSON.stringify({
        repository: app.repo.url,
        ref: 'refs/heads/main',
        paths: ['guestbook/deployment.yaml'],
        sender: `ci-${i}`,
      }),
    );
    const statuses = await Promise.all(
      bodies.map((body) => post(body, { [GENERIC_SIGNATURE_HEADER]: signBody(Buffer.from(body), secret) })),
    );
    assert.deepEqual([...new Set(statuses.map((s) => s.status))], [200]);
    assert.equal(
      statuses.filter((s) => (s.json.signaled as string[]).length > 0).length,
      1,
      'one push signals at once',
    );
    await app.waitStatus(`sync of ${sha} after the burst`, settledAt(sha));
    await settleRefresher();
    const sent = (await webhookRefreshes(env.client, workflowId)) - before;
    assert.ok(sent >= 1 && sent <= 2, `the burst sent ${sent} refresh signals`);
    const metrics = await (await fetch(`${service.url}/metrics`)).text();
    assert.match(metrics, /mooring_webhook_requests_total\{provider="generic",result="accepted"\} 200/);
    assert.match(metrics, /mooring_webhook_requests_total\{provider="github",result="unauthorized"\} 3/);
  });

  test('an oversize body gets 413, JSON errors get 400 naming the problem, /healthz answers', async () => {
    const big = JSON.stringify({ repository: app.repo.url, pad: 'x'.repeat(1024 * 1024) });
    const res = await post(big, signedGithub(big));
    assert.equal(res.status, 413);
    assert.match(String(res.json.error), /larger than 1048576 bytes/);
    const bad = '{"ref": "refs/heads/main", ';
    const parsed = await post(bad, signedGithub(bad));
    assert.equal(parsed.status, 400);
    assert.match(String(parsed.json.error), /GitHub push: the body is not JSON/);
    const health = await fetch(`${service.url}/healthz`);
    assert.equal(health.status, 200);
  });

  test('past the rate limit requests get 429 with Retry-After', async () => {
    const limited = await startWebhookService({
      client: env.client,
      taskQueue: env.taskQueue,
      port: 0,
      secrets: { generic: [secret] },
      ratePerSecond: 1,
      rateBurst: 2,
    });
    try {
      const url = `${limited.url}/api/webhook`;
      const results = [];
      for (let i = 0; i < 3; i++) results.push(await post('{}', {}, url));
      assert.deepEqual(
        results.map((r) => r.status),
        [401, 401, 429],
      );
      assert.equal(results[2]?.headers.get('retry-after'), '1');
      assert.match(String(results[2]?.json.error), /Too many webhook requests/);
    } finally {
      await limited.close();
    }
  });
});
