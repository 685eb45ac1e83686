/**
 * The production profile's trust boundary, against the real Temporal server: mutual TLS, and JWT
 * roles its authorizer enforces. An agent's credential may only poll its own cluster's queue and
 * complete those tasks; starting, signalling, terminating or listing workflows with it is refused
 * by the server. Missing or wrong credentials fail fast with a message naming what to fix.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Connection } from '@temporalio/client';
import { grpcCode } from '../../client/temporal-connection.js';
import { waitFor } from '../support/wait.js';
import { clientAs, identityEnv, mooringAs, productionState, spawnAgent } from './support.js';
import type { Identity } from './support.js';

const PERMISSION_DENIED = 7;
const UNAUTHENTICATED = 16;

/** The gRPC code a call fails with, or 'ok'. */
async function outcome(call: () => Promise<unknown>): Promise<number | 'ok'> {
  try {
    await call();
    return 'ok';
  } catch (err) {
    const code = grpcCode(err);
    if (code === undefined) throw err;
    return code;
  }
}

describe('production profile: who may do what on the Temporal server', () => {
  let dir: string;
  const workflowId = `roles-probe-${Date.now()}`;
  const taskQueue = `roles-probe-${Date.now()}`;
  const closers: (() => Promise<void>)[] = [];

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mooring-roles-'));
    const operator = await clientAs('operator');
    closers.push(operator.close);
    // A workflow nobody runs: the target of the other identities' signal and terminate attempts.
    await operator.client.workflow.start('roleProbe', { workflowId, taskQueue, args: [] });
  });

  after(async () => {
    const operator = await clientAs('operator');
    await operator.client.workflow
      .getHandle(workflowId)
      .terminate('roles test done')
      .catch(() => undefined);
    await operator.close();
    for (const close of closers) await close();
    await rm(dir, { recursive: true, force: true });
  });

  async function as(identity: Identity) {
    const handle = await clientAs(identity);
    closers.push(handle.close);
    return handle.client;
  }

  it('an agent credential cannot start, signal, terminate, list or schedule workflows', async () => {
    const agent = await as('agent-us-east');
    const probe = agent.workflow.getHandle(workflowId);
    assert.deepEqual(
      {
        start: await outcome(() =>
          agent.workflow.start('application', { workflowId: `${workflowId}-forged`, taskQueue, args: [] }),
        ),
        signal: await outcome(() => probe.signal('rollback')),
        terminate: await outcome(() => probe.terminate('forged')),
        describe: await outcome(() => probe.describe()),
        list: await outcome(async () => {
          for await (const _ of agent.workflow.list()) break;
        }),
        schedule: await outcome(() =>
          agent.schedule.create({
            scheduleId: `${workflowId}-schedule`,
            spec: { intervals: [{ every: '1h' }] },
            action: { type: 'startWorkflow', workflowType: 'application', taskQueue, args: [] },
          }),
        ),
      },
      {
        start: PERMISSION_DENIED,
        signal: PERMISSION_DENIED,
        terminate: PERMISSION_DENIED,
        describe: PERMISSION_DENIED,
        list: PERMISSION_DENIED,
        schedule: PERMISSION_DENIED,
      },
    );
  });

  it('a reader may list and describe but not signal; the operator and the control plane may write', async () => {
    const reader = await as('reader');
    assert.equal(await outcome(() => reader.workflow.getHandle(workflowId).describe()), 'ok');
    assert.equal(await outcome(() => reader.workflow.getHandle(workflowId).signal('x')), PERMISSION_DENIED);
    for (const identity of ['operator', 'control-plane'] as const) {
      const client = await as(identity);
      assert.equal(await outcome(() => client.workflow.getHandle(workflowId).signal('x')), 'ok', identity);
    }
  });

  it('without a token, or without a client certificate, the server refuses', async () => {
    const env = identityEnv('operator');
    const ca = await readFile(env.TEMPORAL_TLS_SERVER_CA_CERT_PATH ?? '');
    const cert = await readFile(env.TEMPORAL_TLS_CLIENT_CERT_PATH ?? '');
    const key = await readFile(env.TEMPORAL_TLS_CLIENT_KEY_PATH ?? '');
    const noToken = await Connection.connect({
      address: env.TEMPORAL_ADDRESS,
      tls: {
        serverRootCACertificate: ca,
        clientCertPair: { crt: cert, key },
        serverNameOverride: 'localhost',
      },
    });
    closers.push(() => noToken.close());
    const denied = await outcome(() =>
      noToken.workflowService.describeNamespace({ namespace: env.TEMPORAL_NAMESPACE }),
    );
    assert.ok(denied === PERMISSION_DENIED || denied === UNAUTHENTICATED, `got ${denied}`);

    await assert.rejects(async () => {
      const noCert = await Connection.connect({
        address: env.TEMPORAL_ADDRESS,
        tls: { serverRootCACertificate: ca, serverNameOverride: 'localhost' },
        apiKey: 'x',
        connectTimeout: '5s',
      });
      try {
        await noCert.workflowService.describeNamespace({ namespace: env.TEMPORAL_NAMESPACE });
      } finally {
        await noCert.close();
      }
    }, 'a TLS connection without a client certificate must not get through');
  });

  it('the CLI says which credential to fix: no token, an expired token, a certificate without its key', async () => {
    const ok = await mooringAs('operator', ['app', 'list']);
    assert.equal(ok.code, 0, ok.stderr);

    const noToken = await mooringAs('operator', ['app', 'list'], { TEMPORAL_API_KEY_FILE: '' });
    assert.notEqual(noToken.code, 0);
    assert.match(noToken.stderr, /(rejected the credential|denied this credential)/);

    const expired = join(dir, 'expired.jwt');
    const payload = Buffer.from(JSON.stringify({ sub: 'operator', exp: 1_000_000 })).toString('base64url');
    await writeFile(expired, `eyJhbGciOiJSUzI1NiJ9.${payload}.c2ln\n`);
    const old = await mooringAs('operator', ['app', 'list'], { TEMPORAL_API_KEY_FILE: expired });
    assert.notEqual(old.code, 0);
    assert.match(old.stderr, new RegExp(`The token in ${expired}.*expired at 1970-01-12`));

    const halfPair = await mooringAs('operator', ['app', 'list'], { TEMPORAL_TLS_CLIENT_KEY_PATH: '' });
    assert.notEqual(halfPair.code, 0);
    assert.match(
      halfPair.stderr,
      /A client certificate needs its key: --tls-cert is set but --tls-key \(TEMPORAL_TLS_CLIENT_KEY_PATH\) is not/,
    );
  });

  it("an agent serves its own cluster's queue and is refused another cluster's", async () => {
    const own = spawnAgent('us-east', join(dir, 'own.log'), join(dir, 'cache-own'));
    closers.push(() => own.kill('SIGTERM'));
    await own.logged('worker started', 60_000);
    const operator = await as('operator');
    await waitFor(
      'a poller on mooring-cluster-us-east',
      async () => {
        const described = await operator.workflowService.describeTaskQueue({
          namespace: 'default',
          taskQueue: { name: 'mooring-cluster-us-east' },
          taskQueueType: 2, // activity
        });
        return described.pollers.length > 0 ? true : undefined;
      },
      { timeoutMs: 60_000, abortIf: () => own.exitReason() },
    );

    // The us-east agent's credential on the eu-central queue (or any workflow queue): the server
    // refuses the poll and logs who tried.
    const stolen = await as('agent-us-east');
    const poll = (taskQueue: string, kind: 'activity' | 'workflow') =>
      outcome(() =>
        kind === 'activity'
          ? stolen.workflowService.pollActivityTaskQueue({
              namespace: 'default',
              taskQueue: { name: taskQueue },
              identity: 'forged',
            })
          : stolen.workflowService.pollWorkflowTaskQueue({
              namespace: 'default',
              taskQueue: { name: taskQueue },
              identity: 'forged',
            }),
      );
    assert.equal(await poll('mooring-cluster-eu-central', 'activity'), PERMISSION_DENIED);
    assert.equal(await poll('mooring', 'workflow'), PERMISSION_DENIED);
    const serverLog = join(productionState(), 'temporal.log');
    await waitFor("the server's log to name the refused poll", () =>
      readFileSync(serverLog, 'utf8')
        .split('\n')
        .find(
          (line) =>
            line.includes('Denied a call of a worker-role credential') &&
            line.includes('agent-us-east') &&
            line.includes('PollActivityTaskQueue'),
        ),
    );

    // The agent program itself refuses to start with a token for another cluster's queue.
    const misconfigured = spawnAgent('eu-central', join(dir, 'forged.log'), join(dir, 'c2'), 'agent-us-east');
    const reason = await waitFor('the misconfigured agent to stop', () => misconfigured.exitReason(), {
      timeoutMs: 60_000,
    });
    assert.match(
      reason,
      /serves task queue mooring-cluster-eu-central, but its token .* may only poll mooring-cluster-us-east: give it the token issued for this cluster's agent/,
    );
  });
});
