/**
 * prom-client metrics of DESIGN.md, served with Temporal Core's own metrics on one `/metrics`
 * endpoint (Core's exporter listens on a loopback port; its text is appended to ours).
 */
import * as http from 'node:http';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { InjectedSinks } from '@temporalio/worker';
import type { ApplicationSummary, OperationRecord } from '../contract/activities.js';
import type { MooringSinks } from '../contract/sinks.js';

export class MooringMetrics {
  readonly registry = new Registry();
  readonly syncTotal = new Counter({
    name: 'mooring_sync_total',
    help: 'Finished sync operations by outcome',
    labelNames: ['app', 'outcome'],
    registers: [this.registry],
  });
  readonly syncDuration = new Histogram({
    name: 'mooring_sync_duration_seconds',
    help: 'Duration of sync operations',
    labelNames: ['app'],
    buckets: [0.5, 1, 2, 5, 10, 30, 60, 120, 300, 600],
    registers: [this.registry],
  });
  readonly rollbackTotal = new Counter({
    name: 'mooring_rollback_total',
    help: 'Rollbacks by trigger (automatic or manual)',
    labelNames: ['app', 'trigger'],
    registers: [this.registry],
  });
  readonly driftDetected = new Counter({
    name: 'mooring_drift_detected_total',
    help: 'Drift reports that found differences',
    labelNames: ['app'],
    registers: [this.registry],
  });
  readonly gitRequestDuration = new Histogram({
    name: 'mooring_git_request_duration_seconds',
    help: 'Git operations',
    labelNames: ['op'],
    buckets: [0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10],
    registers: [this.registry],
  });
  readonly k8sRequests = new Counter({
    name: 'mooring_k8s_request_total',
    help: 'Kubernetes API requests by verb and HTTP code',
    labelNames: ['verb', 'code'],
    registers: [this.registry],
  });
  readonly autoscaleEvaluations = new Counter({
    name: 'mooring_autoscale_evaluations_total',
    help: 'Autoscale evaluations an app received, by result (measured, or unavailable: Prometheus down, no data)',
    labelNames: ['app', 'result'],
    registers: [this.registry],
  });
  readonly scaleDecisions = new Counter({
    name: 'mooring_autoscale_decisions_total',
    help: 'Replica changes of autoscaled targets, by who decided and direction',
    labelNames: ['app', 'initiated_by', 'direction'],
    registers: [this.registry],
  });
  readonly autoscaledReplicas = new Gauge({
    name: 'mooring_autoscale_replicas',
    help: "Replicas Mooring last set on an app's autoscaled target",
    labelNames: ['app'],
    registers: [this.registry],
  });
  readonly analysisTotal = new Counter({
    name: 'mooring_analysis_total',
    help: 'Metric analyses of new revisions, by phase (Passed, Failed, Inconclusive)',
    labelNames: ['app', 'phase'],
    registers: [this.registry],
  });
  readonly appInfo: Gauge<'app' | 'cluster' | 'sync_status' | 'health_status'>;

  constructor(listApps: () => Promise<ApplicationSummary[]>) {
    collectDefaultMetrics({ register: this.registry, prefix: 'mooring_process_' });
    this.appInfo = new Gauge({
      name: 'mooring_app_info',
      help: 'One series per application with its current sync and health status',
      labelNames: ['app', 'cluster', 'sync_status', 'health_status'],
      registers: [this.registry],
      async collect() {
        this.reset();
        for (const app of await listApps().catch(() => [])) {
          this.set(
            {
              app: app.name,
              cluster: app.cluster,
              sync_status: app.sync ?? 'Unknown',
              health_status: app.health ?? 'Unknown',
            },
            1,
          );
        }
      },
    });
  }

  /** Counts a finished operation (reported by the application workflow through its metrics sink). */
  recordOperation(r: OperationRecord): void {
    this.syncTotal.inc({ app: r.app, outcome: r.outcome });
    this.syncDuration.observe({ app: r.app }, r.durationMs / 1000);
    if (r.outcome === 'RolledBack') this.rollbackTotal.inc({ app: r.app, trigger: 'automatic' });
    if (r.initiatedBy === 'rollback') this.rollbackTotal.inc({ app: r.app, trigger: 'manual' });
    if (r.initiatedBy === 'self-heal') this.driftDetected.inc({ app: r.app });
  }

  /** The metrics sink the workflow worker injects: every call lands in one of the counters above. */
  sinks(): InjectedSinks<MooringSinks> {
    return {
      metrics: {
        operationFinished: { fn: (_info, record) => this.recordOperation(record), callDuringReplay: false },
        autoscaleEvaluated: {
          fn: (_info, r) => this.autoscaleEvaluations.inc({ app: r.app, result: r.result }),
          callDuringReplay: false,
        },
        scaled: {
          fn: (_info, r) => {
            this.scaleDecisions.inc({ app: r.app, initiated_by: r.initiatedBy, direction: r.direction });
            this.autoscaledReplicas.set({ app: r.app }, r.replicas);
          },
          callDuringReplay: false,
        },
        analysisFinished: {
          fn: (_info, r) => this.analysisTotal.inc({ app: r.app, phase: r.phase }),
          callDuringReplay: false,
        },
      },
    };
  }

  /** Serves `/metrics` (ours, then Core's) on host:port; resolves once listening. */
  async serve(options: { host: string; port: number; coreMetricsUrl?: string }): Promise<http.Server> {
    const server = http.createServer((req, res) => {
      if (req.url !== '/metrics') {
        res.writeHead(404).end();
        return;
      }
      void (async () => {
        let text = await this.registry.metrics();
        if (options.coreMetricsUrl) {
          text += await fetch(options.coreMetricsUrl)
            .then((r) => r.text())
            .catch(() => '# temporal core metrics unavailable\n');
        }
        res.writeHead(200, { 'Content-Type': this.registry.contentType }).end(text);
      })().catch((err: unknown) => res.writeHead(500).end(String(err)));
    });
    await new Promise<void>((resolve) => server.listen(options.port, options.host, resolve));
    return server;
  }
}
