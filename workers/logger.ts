/** Structured JSON logs (pino). Fields only: never manifests, payloads or Secret values. */
import { pino } from 'pino';
import type { Logger } from 'pino';

export type { Logger };

export function createLogger(name: string): Logger {
  return pino({ name, level: process.env.MOORING_LOG_LEVEL ?? 'info', base: { pid: process.pid } });
}
