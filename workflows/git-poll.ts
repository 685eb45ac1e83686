/**
 * Scheduled every few seconds (Temporal Schedule `git-poll`): checks the apps whose
 * `syncPolicy.interval` elapsed, with one remote check per distinct (repository, target revision)
 * however many apps share it, and a `refresh` signal only to the apps whose target commit moved
 * and touched their sources. In a monorepo a push moves every app's commit; the apps whose
 * directory (and kustomize references, chart dependencies) the push did not touch are left alone.
 */
import type { GitPollInput, GitPollResult } from '../contract/workflows.js';
import { getExternalWorkflowHandle, patched, proxyActivities, workflowInfo } from '@temporalio/workflow';
import { revisionQueryOf } from '../contract/activities.js';
import type { ApplicationSummary, ClusterActivities, ControlActivities } from '../contract/activities.js';
import { parseDuration } from '../config/duration.js';
import { fleetListProfile, remoteCheckProfile } from './activity-profiles.js';
import { groupByRevision, listInPages, mapBounded } from './fleet.js';
import { MOORING_INITIATORS, refreshSignal } from '../contract/messages.js';
import { PATCHES } from './patches.js';
import { intervalMs, pollDue, tickEnd } from '../core/poll/poll-due.js';

const CONCURRENCY = 8;
/** Paths per `affectedAppPaths` call (the activity's own limit is higher). */
const PATHS_PER_CALL = 2000;

export async function gitPollWorkflow(input: GitPollInput = {}): Promise<GitPollResult> {
  const control = proxyActivities<ControlActivities>(fleetListProfile());
  const window = pollWindow(input);
  const filtered = window !== undefined && patched(PATCHES.pollDueOnActivity);
  const filter = filtered ? { pollDue: window } : undefined;
  const listed = patched(PATCHES.pagedFleetListing)
    ? await listInPages(control, filter)
    : await control.listApplications(filter);
  const selective = patched(PATCHES.pollChangedPaths);
  const apps = selective && !filtered ? dueApps(listed, window) : listed;
  const groups = groupByRevision(apps);
  const refreshed: string[] = [];
  const unchanged: string[] = [];
  const errors: string[] = [];
  await mapBounded(groups, CONCURRENCY, async (group) => {
    const git = proxyActivities<ClusterActivities>(remoteCheckProfile(group.cluster));
    try {
      const { repoURL, chart, sources } = group;
      const { sha } = await git.checkRemote(revisionQueryOf({ source: group, sources }));
      const moved = group.apps.filter((app) => app.headRevision !== sha);
      // A chart's new pin is a change to its whole content; only one Git source's commits compare by path.
      const byPath = selective && chart === undefined && sources === undefined;
      const touched = byPath ? await touchedApps(git, repoURL, sha, moved, errors) : moved;
      for (const app of moved) {
        if (!touched.includes(app)) {
          unchanged.push(app.name);
          continue;
        }
        await getExternalWorkflowHandle(app.workflowId).signal(refreshSignal, {
          sha,
          reason: 'new commit',
          initiator: MOORING_INITIATORS.gitPoll,
        });
        refreshed.push(app.name);
      }
    } catch (err) {
      const source = group.chart === undefined ? group.repoURL : `${group.repoURL} chart ${group.chart}`;
      errors.push(`${source}@${group.targetRevision}: ${message(err)}`);
    }
  });
  return {
    // With the activity filtering, `apps` counts the due apps only (the fleet's size is not listed).
    apps: listed.length,
    ...(selective && { due: apps.length, unchanged }),
    remoteChecks: groups.length,
    refreshed,
    errors,
  };
}

/** The tick this run checks; undefined for a run started by hand, which checks every app. */
function pollWindow(input: GitPollInput): { tickEndMs: number; tickMs: number } | undefined {
  if (!input.tick) return undefined;
  const tickMs = parseDuration(input.tick);
  return { tickEndMs: tickEnd(workflowInfo().runStartTime.getTime(), tickMs), tickMs };
}

/** The apps whose poll interval elapsed during this run's tick; all of them for a run started by hand. */
function dueApps(
  apps: ApplicationSummary[],
  window: { tickEndMs: number; tickMs: number } | undefined,
): ApplicationSummary[] {
  if (!window) return apps;
  return apps.filter((app) => pollDue(app.name, intervalMs(app.interval), window.tickEndMs, window.tickMs));
}

/**
 * The apps among `moved` whose sources changed between the commit they know and `sha`. An app that
 * knows no commit yet, or whose comparison fails (a force-push removed its commit), counts as
 * touched: a needless render is cheap, a missed commit is not.
 */
async function touchedApps(
  git: ClusterActivities,
  repoURL: string,
  sha: string,
  moved: ApplicationSummary[],
  errors: string[],
): Promise<ApplicationSummary[]> {
  const touched: ApplicationSummary[] = [];
  const byHead = new Map<string, ApplicationSummary[]>();
  for (const app of moved) {
    if (!app.headRevision || app.path === undefined) touched.push(app);
    else byHead.set(app.headRevision, [...(byHead.get(app.headRevision) ?? []), app]);
  }
  for (const [from, apps] of byHead) {
    const paths = [...new Set(apps.map((a) => a.path ?? ''))];
    try {
      const affected = new Set<string>();
      for (let i = 0; i < paths.length; i += PATHS_PER_CALL) {
        const result = await git.affectedAppPaths({
          repoURL,
          from,
          to: sha,
          paths: paths.slice(i, i + PATHS_PER_CALL),
        });
        for (const p of result.affected) affected.add(p);
      }
      touched.push(...apps.filter((a) => affected.has(a.path ?? '')));
    } catch (err) {
      errors.push(
        `${repoURL}: comparing ${from.slice(0, 12)}..${sha.slice(0, 12)}: ${message(err)}; refreshing its apps`,
      );
      touched.push(...apps);
    }
  }
  return touched;
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
