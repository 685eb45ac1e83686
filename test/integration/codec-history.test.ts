/**
 * A workflow started through a client with the payload codec: what Temporal stores (seen with the
 * `temporal` CLI, which has no key) holds no plaintext of its input, memo or result, while the
 * client with the codec reads them back, and `temporal --codec-endpoint` decodes them through
 * `mooring codec-server`'s handler.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import { test } from 'node:test';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import { parseCodecKeys } from '../../client/codec-keys.js';
import { startCodecServer } from '../../client/codec-server.js';
import { AesGcmPayloadCodec, mooringDataConverter } from '../../client/payload-codec.js';
import { temporalAddress, uniqueSuffix } from '../support/stack.js';
import * as echoActivities from './smoke/echo-activities.js';

const execFileAsync = promisify(execFile);

async function temporalCli(args: string[]): Promise<string> {
  const { stdout } = await execFileAsync(
    'temporal',
    [...args, '--address', temporalAddress(), '-o', 'json'],
    {
      maxBuffer: 16 * 1024 * 1024,
    },
  );
  return stdout;
}

/**
 * The places `marker` shows in `text`: as is, or base64 encoded at any byte alignment (payload
 * data is printed in base64), the first and last 4 characters left out as they depend on neighbours.
 */
function leaks(text: string, marker: string): string[] {
  const forms = [marker];
  for (const prefix of ['', 'x', 'xx'])
    forms.push(
      Buffer.from(prefix + marker)
        .toString('base64')
        .slice(4, -4),
    );
  return forms.filter((form) => text.includes(form));
}

test('payloads of a workflow started with the codec are unreadable without the key', async () => {
  const marker = `marker-${randomBytes(8).toString('hex')}`;
  const keys = parseCodecKeys(`k1:${randomBytes(32).toString('base64')}`, 'test key');
  const dataConverter = mooringDataConverter(keys);
  const taskQueue = `codec-${uniqueSuffix()}`;
  const workflowId = `codec-echo-${uniqueSuffix()}`;
  const connection = await NativeConnection.connect({ address: temporalAddress() });
  const clientConnection = await Connection.connect({ address: temporalAddress() });
  const codecServer = await startCodecServer({ codec: new AesGcmPayloadCodec(keys), port: 0 });
  try {
    const worker = await Worker.create({
      connection,
      taskQueue,
      dataConverter,
      workflowsPath: new URL('./smoke/echo-workflow.ts', import.meta.url).pathname,
      activities: echoActivities,
    });
    const client = new Client({ connection: clientConnection, dataConverter });
    const result = await worker.runUntil(
      client.workflow.execute('echoWorkflow', {
        taskQueue,
        workflowId,
        args: [marker],
        memo: { app: { repoURL: marker } },
      }),
    );
    assert.equal(result, `echo: ${marker}`);
    const description = await client.workflow.getHandle(workflowId).describe();
    assert.deepEqual(
      description.memo,
      { app: { repoURL: marker } },
      'the client with the codec reads the memo',
    );

    const history = await temporalCli(['workflow', 'show', '--workflow-id', workflowId]);
    const described = await temporalCli(['workflow', 'describe', '--workflow-id', workflowId]);
    assert.ok(
      history.includes('binary/encrypted') ||
        history.includes(Buffer.from('binary/encrypted').toString('base64')),
    );
    assert.deepEqual(leaks(history, marker), [], 'no plaintext of input, activity or result in the history');
    assert.deepEqual(leaks(described, marker), [], 'no plaintext in the memo');

    const decoded = await temporalCli([
      'workflow',
      'show',
      '--workflow-id',
      workflowId,
      '--codec-endpoint',
      codecServer.url,
    ]);
    assert.ok(
      decoded.includes(Buffer.from(JSON.stringify(`echo: ${marker}`)).toString('base64')),
      'the codec server decodes the result for the temporal CLI',
    );
  } finally {
    await codecServer.close();
    await clientConnection.close();
    await connection.close();
  }
});
