/**
 * Cutting a listing of apps into pages that stay far under Temporal's payload limit: apps in name
 * order, each page as many as fit in a byte budget, the next page after the last name taken. Pure;
 * the fleet index and the workflow tests' stub share it.
 */
import type { ApplicationPage, ApplicationSummary } from '../../contract/activities.js';

const encoder = new TextEncoder();

/** Bytes of an app's summary as JSON (what it adds to an activity result). */
export function summaryBytes(app: ApplicationSummary): number {
  return encoder.encode(JSON.stringify(app)).length + 1;
}

/** Name order by code units, the same on every machine (no locale). */
export function compareNames(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** `names` after the cursor, in name order. */
export function namesAfter(names: readonly string[], after: string | undefined): string[] {
  return names.filter((name) => after === undefined || name > after).sort(compareNames);
}

/**
 * The first page of `apps` (already after the cursor, in name order): as many as fit in
 * `maxBytes`, at least one. `more` says apps beyond `apps` remain; `next` is set when any remain.
 */
export function firstPage(
  apps: readonly ApplicationSummary[],
  maxBytes: number,
  more = false,
): ApplicationPage {
  const taken: ApplicationSummary[] = [];
  let bytes = 0;
  for (const app of apps) {
    const size = summaryBytes(app);
    if (taken.length > 0 && bytes + size > maxBytes) break;
    taken.push(app);
    bytes += size;
  }
  const last = taken.at(-1);
  return last !== undefined && (more || taken.length < apps.length)
    ? { apps: taken, next: last.name }
    : { apps: taken };
}

/** The first page of the apps after the cursor `after`, in name order (`firstPage` of those). */
export function pageAfter(
  apps: readonly ApplicationSummary[],
  after: string | undefined,
  maxBytes: number,
  more = false,
): ApplicationPage {
  const ordered = apps
    .filter((app) => after === undefined || app.name > after)
    .sort((a, b) => compareNames(a.name, b.name));
  return firstPage(ordered, maxBytes, more);
}
