/**
 * What an application workflow shows outside: search attributes (for `mooring app list` and the
 * Web UI's filters), the memo the fleet workflows read (repo, revision, manifest key, drift...), and
 * the "Current details" markdown. Attributes and memo are upserted only when they changed.
 */
import { patched, setCurrentDetails, upsertMemo, upsertSearchAttributes } from '@temporalio/workflow';
import { PATCHES } from './patches.js';
import { searchAttributes } from '../contract/search-attributes.js';
import type { ApplicationEntity } from './application-state.js';
import { renderDetails } from './details.js';
import type { AppSource } from '../config/types.js';
import type { SourceSummary } from '../contract/activities.js';

export class Visibility {
  readonly #app: ApplicationEntity;
  /** The attributes and memo last upserted, as JSON. */
  #published = '';

  constructor(app: ApplicationEntity) {
    this.#app = app;
  }

  /** Asked once: a workflow started before the memo had the interval keeps its old memo. */
  #interval: boolean | undefined;
  #withInterval(): boolean {
    this.#interval ??= patched(PATCHES.pollInterval);
    return this.#interval;
  }

  publish(): void {
    const app = this.#app;
    const s = app.state;
    const attrs = {
      MooringApp: app.spec.name,
      MooringCluster: app.spec.destination.cluster,
      MooringSyncStatus: s.sync,
      MooringHealth: s.health,
      MooringRevision: s.deployedRevision ?? '',
      MooringPhase: app.phase(),
    };
    const memo = {
      repoURL: app.spec.source.repoURL,
      targetRevision: app.spec.source.targetRevision,
      ...(app.spec.source.chart !== undefined && { chart: app.spec.source.chart }),
      ...(app.spec.sources && { sources: app.spec.sources.map(sourceSummary) }),
      path: app.spec.source.path,
      ...(this.#withInterval() && { interval: app.spec.syncPolicy.interval }),
      namespace: app.spec.destination.namespace,
      headRevision: s.headRevision ?? '',
      manifestKey: s.manifestKey ?? '',
      drifted: s.drifted,
      syncOptions: app.spec.syncPolicy.syncOptions,
      ignoreDifferences: app.spec.ignoreDifferences,
      ...(app.spec.autoscaling && {
        autoscaling: {
          policy: app.spec.autoscaling,
          replicas: s.autoscaler?.replicas,
          pending: (s.autoscaler?.recommendations.length ?? 0) > 0,
          problem: s.autoscaler?.problem,
        },
      }),
    };
    const fingerprint = JSON.stringify([attrs, memo]);
    setCurrentDetails(renderDetails(app.status()));
    if (fingerprint === this.#published) return;
    this.#published = fingerprint;
    upsertSearchAttributes(searchAttributes(attrs));
    upsertMemo({ app: memo });
  }
}

/** What the fleet workflows and the webhook need of one source of an app with several. */
function sourceSummary(source: AppSource): SourceSummary {
  const { repoURL, targetRevision, path, chart } = source;
  return { repoURL, targetRevision, path, ...(chart !== undefined && { chart }) };
}
