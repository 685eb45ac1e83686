/** An app as `listApplications` reports it, for the pure fleet tests: `extra` overrides. */
import type { ApplicationSummary } from '../../contract/activities.js';

export function appSummary(name: string, extra: Partial<ApplicationSummary> = {}): ApplicationSummary {
  return {
    name,
    workflowId: `app/${name}`,
    cluster: 'local',
    repoURL: 'https://git.example/mono',
    targetRevision: 'main',
    namespace: name,
    syncOptions: [],
    ignoreDifferences: [],
    ...extra,
  };
}
