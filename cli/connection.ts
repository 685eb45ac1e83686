/** A Temporal client for one CLI invocation, from the global connection flags and their env vars. */
import type { Client, Connection } from '@temporalio/client';
import type { Command } from 'commander';
import { callerIdentity } from '../client/caller-identity.js';
import { loadCodecKeys } from '../client/codec-keys.js';
import type { WorkflowReader } from '../client/workflow-reader.js';
import {
  connectionSettings,
  explainConnectionError,
  grpcCode,
  resolveConnection,
} from '../client/temporal-connection.js';
import type { TemporalConnectionSettings } from '../client/temporal-connection.js';

export type GlobalOptions = Partial<TemporalConnectionSettings>;

/** The connection settings of this invocation: flags first, then TEMPORAL_* variables. */
export function globalConnectionSettings(program: Command): TemporalConnectionSettings {
  return connectionSettings(program.opts<GlobalOptions>());
}

/** Runs `work` with a connected client (and a reader on it) and always closes the connection. */
export async function withClient<T>(
  program: Command,
  work: (client: Client, reader: WorkflowReader) => Promise<T>,
): Promise<T> {
  const conn = resolveConnection(globalConnectionSettings(program));
  // The SDK and its protobuf tables load only for a command that talks to Temporal (not `--help`).
  const [
    { Client: TemporalClient, Connection: TemporalConnection },
    { mooringDataConverter },
    { sdkWorkflowReader },
  ] = await Promise.all([
    import('@temporalio/client'),
    import('../client/payload-codec.js'),
    import('../client/sdk-workflow-reader.js'),
  ]);
  const dataConverter = mooringDataConverter(loadCodecKeys());
  let connection: Connection;
  try {
    connection = await TemporalConnection.connect({
      address: conn.address,
      tls: conn.tls,
      apiKey: conn.apiKey,
      connectTimeout: '5s',
    });
  } catch (err) {
    throw explainConnectionError(err, conn, 'connecting');
  }
  try {
    const client = new TemporalClient({
      connection,
      namespace: conn.namespace,
      dataConverter,
      identity: callerIdentity(conn.apiKey),
    });
    return await work(client, sdkWorkflowReader(client));
  } catch (err) {
    const code = grpcCode(err);
    throw code === 7 || code === 16 ? explainConnectionError(err, conn, 'running this command') : err;
  } finally {
    await connection.close();
  }
}

/**
 * Runs a read-only command's `work` on the quick read path: the two calls it needs over gRPC, with
 * the same settings, credentials and codec as `withClient`, but without loading the Temporal SDK.
 */
export async function withReader<T>(
  program: Command,
  work: (reader: WorkflowReader) => Promise<T>,
): Promise<T> {
  const conn = resolveConnection(globalConnectionSettings(program));
  const { openGrpcReader } = await import('../client/temporal-read/grpc-reader.js');
  const reader = openGrpcReader(conn, loadCodecKeys());
  try {
    return await work(reader);
  } catch (err) {
    const code = grpcCode(err);
    if (code === 7 || code === 16) throw explainConnectionError(err, conn, 'running this command');
    if (code === 14) throw explainConnectionError(err, conn, 'connecting');
    throw err;
  } finally {
    reader.close();
  }
}
