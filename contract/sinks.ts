/**
 * Data workflows hand to the worker process without writing history: operation outcomes for the
 * worker's Prometheus counters. Sink calls are skipped on replay, so each outcome counts once.
 */
import type { Sinks } from '@temporalio/workflow';
import type { OperationRecord } from './activities.js';

export interface MooringSinks extends Sinks {
  metrics: {
    operationFinished(record: OperationRecord): void;
  };
}
