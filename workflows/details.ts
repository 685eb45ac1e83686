/** The markdown an application shows in the Web UI's "Current details" panel. */
import type { AppStatus } from '../contract/messages.js';
import { describeDecision } from '../core/autoscale/describe-decision.js';
import { formatNumber } from '../core/autoscale/recommend.js';
import { shortRevision } from '../contract/revision.js';

export function renderDetails(status: AppStatus): string {
  const short = (revision?: string) => (revision ? shortRevision(revision) : '—');
  const lines = [
    `**${status.name}** → \`${status.cluster}/${status.namespace}\``,
    '',
    `| sync | health | deployed | head | mode |`,
    `|---|---|---|---|---|`,
    `| ${status.sync} | ${status.health} | \`${short(status.deployedRevision)}\` | \`${short(status.headRevision)}\` | ${status.pinnedRevision ? `pinned to \`${short(status.pinnedRevision)}\`` : status.paused ? 'paused' : 'auto'} |`,
  ];
  if (status.operation)
    lines.push(
      '',
      `Operation #${status.operation.id}: ${status.operation.step} (\`${short(status.operation.revision)}\`)`,
    );
  if (status.healthMessage && status.health !== 'Healthy') lines.push('', `Health: ${status.healthMessage}`);
  if (status.badRevisions.length > 0)
    lines.push(
      '',
      `Bad revisions (not auto-synced): ${status.badRevisions.map((r) => `\`${short(r)}\``).join(', ')}`,
    );
  const scaling = status.autoscaling;
  if (scaling) {
    lines.push(
      '',
      `Autoscaling \`${scaling.target}\`: ${scaling.replicas ?? '?'} replicas (min ${scaling.min}, max ${scaling.max})` +
        (scaling.lastValue === undefined ? '' : `, last value ${formatNumber(scaling.lastValue)}`) +
        (scaling.waiting ? `; ${scaling.waiting}` : ''),
    );
    for (const d of scaling.decisions.slice(-3)) lines.push(`- ${describeDecision(d)}`);
  }
  const unavailable = status.conditions.find((c) => c.type === 'AutoscalingUnavailable');
  if (unavailable) lines.push('', `Autoscaling unavailable: ${unavailable.message}`);
  const last = status.history.at(-1);
  if (last)
    lines.push(
      '',
      `Last: #${last.id} ${last.outcome} \`${short(last.revision)}\` by ${last.initiatedBy}${last.initiator ? ` (${last.initiator})` : ''}${last.message ? ` — ${last.message}` : ''}`,
    );
  return lines.join('\n');
}
