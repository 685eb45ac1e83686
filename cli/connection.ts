/** A Temporal client for one CLI invocation, from the global --address / --namespace flags. */
import { Client, Connection } from '@temporalio/client';
import type { Command } from 'commander';
import { loadCodecKeys } from '../client/codec-keys.js';
import { mooringDataConverter } from '../client/payload-codec.js';

export interface GlobalOptions {
  address: string;
  namespace: string;
}

/** Runs `work` with a connected client and always closes the connection. */
export async function withClient<T>(program: Command, work: (client: Client) => Promise<T>): Promise<T> {
  const opts = program.opts<GlobalOptions>();
  const dataConverter = mooringDataConverter(loadCodecKeys());
  let connection: Connection;
  try {
    connection = await Connection.connect({ address: opts.address, connectTimeout: '5s' });
  } catch (err) {
    throw new Error(
      `Cannot reach Temporal at ${opts.address}: ${err instanceof Error ? err.message : String(err)} (is the stack up? scripts/stack up)`,
      { cause: err },
    );
  }
  try {
    return await work(new Client({ connection, namespace: opts.namespace, dataConverter }));
  } finally {
    await connection.close();
  }
}
