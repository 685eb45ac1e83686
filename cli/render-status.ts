/** Text a person reads from `app get`, `app history` and `app list`: pure, so goldens pin it. */
import { createRequire } from 'node:module';
import type * as Yaml from 'yaml';
import type { ApplicationSummary } from '../contract/activities.js';
import type { AppStatus } from '../contract/messages.js';
import { formatDuration, shortSha, table } from './format.js';
import { describeDecision } from '../core/autoscale/describe-decision.js';
import { formatNumber } from '../core/autoscale/recommend.js';

export type OutputFormat = 'text' | 'wide' | 'json' | 'yaml';

export function parseOutputFormat(value: string | undefined, allowed: readonly OutputFormat[]): OutputFormat {
  const format = (value ?? 'text') as OutputFormat;
  if (!allowed.includes(format))
    throw new Error(
      `Output format "${value}" is not supported here: use one of ${allowed.filter((f) => f !== 'text').join(', ')}`,
    );
  return format;
}

function structured(value: unknown, format: OutputFormat): string | undefined {
  if (format === 'json') return JSON.stringify(value, null, 2);
  if (format === 'yaml') return yaml().stringify(value).trimEnd();
  return undefined;
}

export function renderStatus(s: AppStatus, format: OutputFormat = 'text'): string {
  const data = structured(s, format);
  if (data !== undefined) return data;
  const mode = s.pinnedRevision
    ? `pinned to ${shortSha(s.pinnedRevision)} (resume to follow ${s.targetRevision})`
    : s.paused
      ? 'paused'
      : 'auto';
  const lines = [
    `Name:          ${s.name}`,
    ...(s.sources ?? [s]).map(
      (source, i) =>
        `${i === 0 ? (s.sources ? 'Sources:' : 'Source:') : ''}`.padEnd(15) +
        `${source.repoURL} ${source.chart === undefined ? source.path : `chart ${source.chart}`}@${source.targetRevision}` +
        ('ref' in source && source.ref !== undefined ? ` (ref ${source.ref})` : ''),
    ),
    `Destination:   ${s.cluster}/${s.namespace}`,
    `Sync Status:   ${s.sync} (head ${shortSha(s.headRevision)}, deployed ${shortSha(s.deployedRevision)})`,
    `Health:        ${s.health}${s.healthMessage && s.health !== 'Healthy' ? ` - ${s.healthMessage}` : ''}`,
    `Mode:          ${mode}`,
  ];
  if (s.badRevisions.length) lines.push(`Bad revisions: ${s.badRevisions.map(shortSha).join(', ')}`);
  if (s.stoppedRevision)
    lines.push(
      `Stopped:       ${shortSha(s.stoppedRevision)} was terminated; auto-sync waits for a new commit`,
    );
  // Older workers answer without conditions.
  for (const c of s.conditions ?? [])
    lines.push(
      `Condition:     ${c.type}${c.revision ? ` (${shortSha(c.revision)})` : ''} since ${c.since}: ${c.message}`,
    );
  const scaling = s.autoscaling;
  if (scaling) {
    lines.push(
      `Autoscaling:   ${scaling.target} at ${scaling.replicas ?? '?'} replicas (min ${scaling.min}, max ${scaling.max})` +
        (scaling.lastValue === undefined
          ? ''
          : `, last value ${formatNumber(scaling.lastValue)} at ${scaling.lastEvaluatedAt ?? '?'}`) +
        (scaling.waiting ? `; ${scaling.waiting}` : ''),
    );
    for (const d of scaling.decisions.slice(-3)) lines.push(`  scaled ${describeDecision(d)}`);
  }
  const op = s.operation ?? s.lastOperation;
  if (op)
    lines.push(
      `Operation:     #${op.id} ${op.phase} ${shortSha(op.revision)} by ${byWhom(op)}${s.operation ? ` (${op.step})` : ''}${op.message ? `: ${op.message}` : ''}`,
    );
  if (s.resources.length) {
    lines.push(
      '',
      table(
        ['KIND', 'NAMESPACE', 'NAME', 'HEALTH', 'MESSAGE'],
        s.resources.map((r) => [r.kind, r.namespace, r.name, r.health, r.message ?? '']),
      ),
    );
  }
  const recent = s.history.slice(-3);
  if (recent.length)
    lines.push(
      '',
      `Recent history (mooring app history ${s.name} for all):`,
      renderHistory({ ...s, history: recent }),
    );
  return lines.join('\n');
}

/** `auto-sync (webhook:github:alice)`: the kind of operation and, when recorded, who started it. */
function byWhom(entry: { initiatedBy: string; initiator?: string; syncWindowOverride?: boolean }): string {
  const who = [entry.initiator, entry.syncWindowOverride && 'sync windows overridden'].filter(Boolean);
  return who.length > 0 ? `${entry.initiatedBy} (${who.join(', ')})` : entry.initiatedBy;
}

export function renderHistory(s: AppStatus, format: OutputFormat = 'text'): string {
  const data = structured(s.history, format);
  if (data !== undefined) return data;
  return table(
    ['ID', 'REVISION', 'OUTCOME', 'BY', 'DURATION', 'DEPLOYED AT', 'MESSAGE'],
    s.history.map((h) => [
      String(h.id),
      shortSha(h.revision),
      h.outcome + (h.rolledBackTo ? ` → ${shortSha(h.rolledBackTo)}` : ''),
      byWhom(h),
      formatDuration(h.durationMs),
      h.deployedAt,
      h.message ?? '',
    ]),
  );
}

export function renderAppList(apps: readonly ApplicationSummary[], format: OutputFormat = 'text'): string {
  const data = structured(apps, format);
  if (data !== undefined) return data;
  const wide = format === 'wide';
  const header = [
    'NAME',
    'CLUSTER',
    'NAMESPACE',
    'SYNC',
    'HEALTH',
    'REVISION',
    ...(wide ? ['HEAD', 'REPO', 'TARGET'] : []),
  ];
  return table(
    header,
    apps.map((a) => [
      a.name,
      a.cluster,
      a.namespace,
      a.sync ?? 'Unknown',
      a.health ?? 'Unknown',
      shortSha(a.deployedRevision),
      ...(wide ? [shortSha(a.headRevision), a.repoURL, a.targetRevision] : []),
    ]),
  );
}

/** The YAML library, loaded only for `-o yaml` (it costs a short command ~70 ms to load). */
function yaml(): typeof Yaml {
  return createRequire(import.meta.url)('yaml') as typeof Yaml;
}
