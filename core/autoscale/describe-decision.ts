/** One scale decision as a line of `app get` and the Web UI details. Pure. */
import type { ScaleDecision } from '../../contract/messages.js';
import { formatNumber } from './recommend.js';

export function describeDecision(d: ScaleDecision): string {
  const value = d.value === undefined ? '' : ` at value ${formatNumber(d.value)}`;
  return `${d.at} ${d.from} → ${d.to} by ${d.initiatedBy}${value}: ${d.reason}`;
}
