/** What every `mooring app …` command is registered with. */
import type { Client } from '@temporalio/client';

/** Runs a command's work with a connected client (global --address / --namespace), then closes it. */
export type RunWithClient = <T>(work: (client: Client) => Promise<T>) => Promise<T>;
