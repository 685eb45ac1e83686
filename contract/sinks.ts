/**
 * Data workflows hand to the worker process without writing history: operation outcomes, scale
 * decisions and analyses for the worker's Prometheus counters. Sink calls are skipped on replay, so each outcome counts once.
 */
import type { Sinks } from '@temporalio/workflow';
import type { OperationRecord } from './activities.js';

export interface MooringSinks extends Sinks {
  metrics: {
    operationFinished(record: OperationRecord): void;
    /** One autoscale evaluation reached the app: measured, or Prometheus/target unavailable. */
    autoscaleEvaluated(record: { app: string; result: 'measured' | 'unavailable' }): void;
    /** The autoscaled target's replicas were set. */
    scaled(record: {
      app: string;
      initiatedBy: 'autoscaler' | 'operator';
      direction: 'up' | 'down' | 'none';
      replicas: number;
    }): void;
    /** A metric analysis of a new revision ended. */
    analysisFinished(record: { app: string; phase: 'Passed' | 'Failed' | 'Inconclusive' }): void;
  };
}
