/**
 * `mooring webhook` assembled on a Temporal client: the app listing (visibility, cached), the
 * refresher (signals, coalesced per app) and the HTTP server, with their metrics on one registry.
 */
import type { Client } from '@temporalio/client';
import { Counter, Registry } from 'prom-client';
import { applicationsOnQueue, listApplications } from '../list-applications.js';
import { sdkWorkflowReader } from '../sdk-workflow-reader.js';
import { AppDirectory } from './app-directory.js';
import { Refresher, temporalTarget } from './refresher.js';
import { startWebhookServer } from './server.js';
import type { WebhookServer, WebhookServerOptions } from './server.js';

export interface WebhookServiceOptions extends Omit<WebhookServerOptions, 'apps' | 'refresh' | 'registry'> {
  client: Client;
  /** Only the apps of this workflow task queue; every app of the namespace when absent. */
  taskQueue?: string;
  /** How long an app listing answers pushes alone; an older one answers at once while a new one is listed. @default 2000 */
  listTtlMs?: number;
  /** How often apps with a signal in flight are checked for settling. @default 200 */
  pollMs?: number;
  /** After this long a merged push is signalled even if the app has not settled. @default 60_000 */
  settleTimeoutMs?: number;
  /** Most apps tracked by the coalescer. @default 10_000 */
  maxApps?: number;
}

export interface WebhookService extends WebhookServer {
  readonly refresher: Refresher;
}

export async function startWebhookService(options: WebhookServiceOptions): Promise<WebhookService> {
  const { client, taskQueue, listTtlMs, pollMs, settleTimeoutMs, maxApps, ...serverOptions } = options;
  const registry = new Registry();
  const signals = new Counter({
    name: 'mooring_webhook_refresh_signals_total',
    help: 'refresh signals sent: immediate (first push of a burst), pending (pushes merged while the app worked), untracked',
    labelNames: ['kind'],
    registers: [registry],
  });
  const query = taskQueue === undefined ? undefined : applicationsOnQueue(taskQueue);
  const directory = new AppDirectory(() => listApplications(sdkWorkflowReader(client), query), {
    ttlMs: listTtlMs,
  });
  // Listed once at start, so the first push does not wait for it (a failure is the first push's to report).
  directory
    .warm()
    .catch((err: unknown) =>
      options.log?.warn(
        { err: err instanceof Error ? err.message : String(err) },
        'cannot list applications at start',
      ),
    );
  const refresher = new Refresher(temporalTarget(client), {
    pollMs,
    settleTimeoutMs,
    maxApps,
    onSignal: (kind) => signals.inc({ kind }),
    onError: (workflowId, message) => options.log?.warn({ workflowId, err: message }, 'refresh signal'),
  });
  const server = await startWebhookServer({
    ...serverOptions,
    registry,
    apps: () => directory.view(),
    refresh: (workflowId, reason) => refresher.push(workflowId, reason),
  });
  return {
    url: server.url,
    registry,
    refresher,
    async close() {
      await server.close();
      await refresher.close();
    },
  };
}
