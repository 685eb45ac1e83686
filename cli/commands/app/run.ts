/** What every `mooring app …` command is registered with. */
import type { Client } from '@temporalio/client';
import type { WorkflowReader } from '../../../client/workflow-reader.js';

/**
 * Runs a command's work with a connected client (global --address / --namespace) and a reader on
 * it, then closes the connection.
 */
export type RunWithClient = <T>(work: (client: Client, reader: WorkflowReader) => Promise<T>) => Promise<T>;

/**
 * Runs a read-only command's work with the quick read path (no Temporal SDK loaded), then closes
 * the connection.
 */
export type RunWithReader = <T>(work: (reader: WorkflowReader) => Promise<T>) => Promise<T>;
