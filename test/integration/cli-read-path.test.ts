/**
 * The CLI's quick read path (client/temporal-read: gRPC over node:http2 with its own message
 * descriptors) against the real Temporal dev server: it lists and queries exactly what the SDK
 * client does, decrypts with the codec keys, and says "not found", "no worker answered" and
 * "cannot reach" the way `mooring app get` needs.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import { parseCodecKeys } from '../../client/codec-keys.js';
import { listApplications } from '../../client/list-applications.js';
import { mooringDataConverter } from '../../client/payload-codec.js';
import { sdkWorkflowReader } from '../../client/sdk-workflow-reader.js';
import { connectionSettings, resolveConnection } from '../../client/temporal-connection.js';
import { openGrpcReader } from '../../client/temporal-read/grpc-reader.js';
import { GRPC_STATUS, GrpcCallError } from '../../client/temporal-read/grpc-unary.js';
import { QueryUnanswered, WorkflowNotFound } from '../../client/workflow-reader.js';
import { temporalAddress, uniqueSuffix } from '../support/stack.js';
import { waitFor } from '../support/wait.js';

describe('the CLI read path on the Temporal dev server', () => {
  const marker = `marker-${randomBytes(6).toString('hex')}`;
  const keys = parseCodecKeys(`k1:${randomBytes(32).toString('base64')}`, 'test key');
  const name = `read-${uniqueSuffix()}`;
  const workflowId = `app/${name}`;
  const byId = `WorkflowId = '${workflowId}'`;
  const status = { name, sync: 'Synced', health: 'Healthy', history: [{ id: 1, revision: marker }] };
  const conn = resolveConnection(connectionSettings({ address: temporalAddress() }, {}));
  let nativeConnection: NativeConnection;
  let clientConnection: Connection;
  let client: Client;
  let worker: Worker;
  let running: Promise<void>;

  before(async () => {
    const taskQueue = `read-path-${uniqueSuffix()}`;
    const dataConverter = mooringDataConverter(keys);
    nativeConnection = await NativeConnection.connect({ address: temporalAddress() });
    clientConnection = await Connection.connect({ address: temporalAddress() });
    client = new Client({ connection: clientConnection, dataConverter });
    worker = await Worker.create({
      connection: nativeConnection,
      taskQueue,
      dataConverter,
      workflowsPath: new URL('./smoke/status-workflow.ts', import.meta.url).pathname,
    });
    running = worker.run();
    await client.workflow.start('statusWorkflow', {
      taskQueue,
      workflowId,
      args: [status],
      memo: {
        app: { repoURL: `https://git.example/${marker}.git`, targetRevision: 'main', namespace: 'ns' },
      },
      searchAttributes: { MooringApp: [name], MooringCluster: ['east'], MooringHealth: ['Healthy'] },
    });
  });

  after(async () => {
    await client?.workflow
      .getHandle(workflowId)
      .terminate('test done')
      .catch(() => undefined);
    worker?.shutdown();
    await running;
    await clientConnection?.close();
    await nativeConnection?.close();
  });

  it('lists the same applications as the SDK client, the encrypted memo decrypted', async () => {
    const reader = openGrpcReader(conn, keys);
    try {
      const listed = await waitFor('the app in visibility', async () => {
        const apps = await listApplications(reader, byId);
        return apps.length === 1 ? apps : undefined;
      });
      assert.deepEqual(listed, await listApplications(sdkWorkflowReader(client), byId));
      assert.equal(listed[0]?.repoURL, `https://git.example/${marker}.git`);
      assert.equal(listed[0]?.cluster, 'east');
      assert.equal(listed[0]?.health, 'Healthy');
    } finally {
      reader.close();
    }
  });

  it('answers a query as the SDK client does', async () => {
    const reader = openGrpcReader(conn, keys);
    try {
      assert.deepEqual(await reader.query(workflowId, 'status', 5000), status);
      assert.deepEqual(
        await reader.query(workflowId, 'status', 5000),
        await sdkWorkflowReader(client).query(workflowId, 'status', 5000),
      );
    } finally {
      reader.close();
    }
  });

  it('without the codec key, says which key to configure', async () => {
    const reader = openGrpcReader(conn, undefined);
    try {
      await assert.rejects(
        reader.query(workflowId, 'status', 5000),
        /encrypted with codec key "k1": no codec key is configured/,
      );
    } finally {
      reader.close();
    }
  });

  it('says not found, no worker answered, and cannot reach', async () => {
    const reader = openGrpcReader(conn, keys);
    try {
      await assert.rejects(reader.query(`app/missing-${uniqueSuffix()}`, 'status', 5000), WorkflowNotFound);
      const orphan = `app/orphan-${uniqueSuffix()}`;
      await client.workflow.start('statusWorkflow', {
        taskQueue: `nobody-${uniqueSuffix()}`,
        workflowId: orphan,
        args: [{}],
      });
      try {
        const started = Date.now();
        await assert.rejects(reader.query(orphan, 'status', 1000), QueryUnanswered);
        assert.ok(Date.now() - started < 5000, 'the query gives up at its timeout');
      } finally {
        await client.workflow.getHandle(orphan).terminate('test done');
      }
    } finally {
      reader.close();
    }
    const nowhere = openGrpcReader(
      resolveConnection(connectionSettings({ address: '127.0.0.1:1' }, {})),
      undefined,
    );
    try {
      await assert.rejects(
        nowhere.query(workflowId, 'status', 2000),
        (err: unknown) =>
          err instanceof GrpcCallError &&
          err.code === GRPC_STATUS.UNAVAILABLE &&
          /ECONNREFUSED/.test(err.message),
      );
    } finally {
      nowhere.close();
    }
  });
});
