/**
 * Which sync windows apply to an app, as Argo CD's `SyncWindows.Matches` decides: a window applies
 * when any of its `applications` (app name), `clusters` (cluster name or API server URL) and
 * `namespaces` (destination namespace) glob lists matches; with `andOperator`, when every list
 * that is set matches. A window with no list set applies to nothing. Globs are the project's
 * (`*` alone matches anything). It never looks at time (window-timeline.ts does).
 */
import type { SyncWindow } from '../../config/policy-types.js';
import { globMatch } from './project.js';

/** The app a verdict is for, as windows match it. */
export interface SyncWindowTarget {
  app: string;
  /** The app's destination namespace. */
  namespace: string;
  /** The name of the cluster the app deploys to. */
  cluster: string;
  /** The cluster's API server URL, which `clusters` globs may also match. */
  server?: string;
}

function anyGlob(patterns: readonly string[], value: string | undefined): boolean {
  return value !== undefined && value !== '' && patterns.some((p) => globMatch(p, value));
}

/** Whether `window` applies to `target` (rules in the module comment). */
export function windowMatches(window: SyncWindow, target: SyncWindowTarget): boolean {
  const lists: [readonly string[], boolean][] = [
    [window.applications, anyGlob(window.applications, target.app)],
    [window.clusters, anyGlob(window.clusters, target.cluster) || anyGlob(window.clusters, target.server)],
    [window.namespaces, anyGlob(window.namespaces, target.namespace)],
  ];
  const set = lists.filter(([patterns]) => patterns.length > 0);
  if (set.length === 0) return false;
  return window.andOperator ? set.every(([, hit]) => hit) : set.some(([, hit]) => hit);
}
