/** A Temporal client for one CLI invocation, from the global connection flags and their env vars. */
import type { Client, Connection } from '@temporalio/client';
import type { Command } from 'commander';
import { loadCodecKeys } from '../client/codec-keys.js';
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

/** Runs `work` with a connected client and always closes the connection. */
export async function withClient<T>(program: Command, work: (client: Client) => Promise<T>): Promise<T> {
  const conn = resolveConnection(globalConnectionSettings(program));
  // The SDK and its protobuf tables load only for a command that talks to Temporal (not `--help`).
  const [{ Client: TemporalClient, Connection: TemporalConnection }, { mooringDataConverter }] =
    await Promise.all([import('@temporalio/client'), import('../client/payload-codec.js')]);
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
    return await work(new TemporalClient({ connection, namespace: conn.namespace, dataConverter }));
  } catch (err) {
    const code = grpcCode(err);
    throw code === 7 || code === 16 ? explainConnectionError(err, conn, 'running this command') : err;
  } finally {
    await connection.close();
  }
}
