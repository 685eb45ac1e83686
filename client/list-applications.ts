/**
 * Lists running application workflows from Temporal visibility: search attributes give status,
 * the `app` memo gives what the fleet workflows need (repo, revision, manifest key). Works with no
 * query handler involved, so it is cheap for a thousand apps.
 */
import type {
  ApplicationFilter,
  ApplicationSummary,
  AutoscalingSummary,
  SourceSummary,
} from '../contract/activities.js';
import { applicationWorkflowId } from '../contract/ids.js';
import type { IgnoreDifference } from '../config/types.js';
import type { WorkflowReader } from './workflow-reader.js';

const APPLICATION_QUERY = `WorkflowType = 'applicationWorkflow' AND ExecutionStatus = 'Running'`;

interface AppMemo {
  repoURL?: string;
  targetRevision?: string;
  chart?: string;
  sources?: SourceSummary[];
  path?: string;
  interval?: string;
  namespace?: string;
  headRevision?: string;
  manifestKey?: string;
  drifted?: boolean;
  syncOptions?: string[];
  ignoreDifferences?: IgnoreDifference[];
  autoscaling?: AutoscalingSummary;
}

/** The apps served by one workflow task queue (a worker manages only its own), optionally filtered. */
export function applicationsOnQueue(taskQueue: string, filter: ApplicationFilter = {}): string {
  const quote = (text: string): string => `'${text.replace(/['\\]/g, '')}'`;
  let query = `${APPLICATION_QUERY} AND TaskQueue = ${quote(taskQueue)}`;
  if (filter.cluster !== undefined) query += ` AND MooringCluster = ${quote(filter.cluster)}`;
  if (filter.names !== undefined) {
    if (filter.names.length > MAX_LISTED_NAMES)
      throw new RangeError(
        `listApplications takes at most ${MAX_LISTED_NAMES} names, got ${filter.names.length}`,
      );
    query += ` AND WorkflowId IN (${filter.names.map((n) => quote(applicationWorkflowId(n))).join(', ') || "''"})`;
  }
  return query;
}

/** Most app names one listing query takes. */
export const MAX_LISTED_NAMES = 100;

/** The apps a listing found, and how many executions it returned (those without an app memo too). */
export interface ApplicationListing {
  apps: ApplicationSummary[];
  listed: number;
}

export async function listApplications(
  reader: WorkflowReader,
  query = APPLICATION_QUERY,
): Promise<ApplicationSummary[]> {
  return (await listApplicationsCounted(reader, query)).apps;
}

/** {@link listApplications}, with the number of executions listed (to compare with a count query). */
export async function listApplicationsCounted(
  reader: WorkflowReader,
  query = APPLICATION_QUERY,
): Promise<ApplicationListing> {
  const apps: ApplicationSummary[] = [];
  for await (const wf of reader.list(query)) {
    const memo = (wf.memo.app ?? {}) as AppMemo;
    const attr = (name: string): string | undefined => wf.keywords[name];
    const name = attr('MooringApp') ?? wf.workflowId.replace(/^app\//, '');
    apps.push({
      name,
      workflowId: wf.workflowId,
      cluster: attr('MooringCluster') ?? 'local',
      repoURL: memo.repoURL ?? '',
      targetRevision: memo.targetRevision ?? 'HEAD',
      ...(memo.chart !== undefined && { chart: memo.chart }),
      ...(memo.sources !== undefined && { sources: memo.sources }),
      headRevision: memo.headRevision || undefined,
      deployedRevision: attr('MooringRevision') || undefined,
      manifestKey: memo.manifestKey || undefined,
      path: memo.path,
      interval: memo.interval,
      namespace: memo.namespace ?? '',
      syncOptions: memo.syncOptions ?? [],
      ignoreDifferences: memo.ignoreDifferences ?? [],
      sync: attr('MooringSyncStatus'),
      health: attr('MooringHealth'),
      drifted: memo.drifted,
      autoscaling: memo.autoscaling,
    });
  }
  return { apps: apps.filter((a) => a.repoURL), listed: apps.length };
}
