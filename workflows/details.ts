/** The markdown an application shows in the Web UI's "Current details" panel. */
import type { AppStatus } from '../contract/messages.js';

export function renderDetails(status: AppStatus): string {
  const short = (sha?: string) => (sha ? sha.slice(0, 7) : '—');
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
  const last = status.history.at(-1);
  if (last)
    lines.push(
      '',
      `Last: #${last.id} ${last.outcome} \`${short(last.revision)}\` by ${last.initiatedBy}${last.message ? ` — ${last.message}` : ''}`,
    );
  return lines.join('\n');
}
