/**
 * Sync windows as text: checks a window of a project (schedule, duration, time zone, what it
 * matches) and opens its schedule with cron-parser, the one place both the policy loader and the
 * evaluation in core/policy/sync-windows.ts take the cron options from. It never decides whether
 * a sync may run.
 *
 * A schedule is a five-field cron expression (minute hour day-of-month month day-of-week), as in
 * Argo CD: no seconds field, no `@daily` macros and no `H` (hashed) values, whose result would
 * depend on a seed. cron-parser's `L`, `W` and `#` are accepted on top of what Argo CD takes.
 */
import { CronExpressionParser, type CronExpression } from 'cron-parser';
import { parseDuration } from './duration.js';
import type { SyncWindow } from './policy-types.js';
import type { SpecDocument } from './spec-document.js';

/** Fields of a window schedule: minute, hour, day of month, month, day of week. */
export const CRON_FIELD_COUNT = 5;

/** The time zone of a window that names none. */
export const DEFAULT_WINDOW_TIME_ZONE = 'UTC';

/** Longest description, as Argo CD allows. */
export const MAX_WINDOW_DESCRIPTION = 255;

/** A problem with one field of a window: the field's name within the window, and what is wrong. */
export interface SyncWindowProblem {
  field: keyof SyncWindow;
  problem: string;
}

const HASHED_VALUE = /(?:^|,)H(?:[(/,]|$)/;

/**
 * The IANA time zone `text` names, in its canonical spelling (`europe/berlin` gives
 * `Europe/Berlin`), or undefined when the runtime knows no such zone.
 */
export function canonicalTimeZone(text: string): string | undefined {
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone: text }).resolvedOptions().timeZone;
  } catch {
    return undefined;
  }
}

/**
 * The schedule of `window` as a cron-parser iterator positioned at `at`, in the window's zone.
 * @throws {Error} from cron-parser when the schedule does not parse (checked by {@link syncWindowProblem})
 */
export function windowSchedule(window: Pick<SyncWindow, 'schedule' | 'timeZone'>, at: Date): CronExpression {
  return CronExpressionParser.parse(window.schedule.trim(), { currentDate: at, tz: window.timeZone });
}

function scheduleProblem(schedule: string, timeZone: string): string | undefined {
  const current = `current value is ${JSON.stringify(schedule)}`;
  const fields = schedule.trim().split(/\s+/);
  if (fields.length !== CRON_FIELD_COUNT || schedule.trim().startsWith('@'))
    return `must be a cron expression of ${CRON_FIELD_COUNT} fields (minute hour day-of-month month day-of-week), like "0 22 * * *": ${current}`;
  if (fields.some((f) => HASHED_VALUE.test(f)))
    return `must not use hashed values ("H"), whose times depend on a seed: ${current}`;
  try {
    windowSchedule({ schedule, timeZone }, new Date(0)).next();
  } catch (err) {
    return `cannot parse as a cron expression (${(err as Error).message}): ${current}`;
  }
  return undefined;
}

/**
 * The first problem of `window` (already shaped by the schema, `timeZone` as written), or
 * undefined when the window is usable: the schedule parses as five cron fields, the duration is
 * longer than zero, the time zone exists and the window matches something.
 */
export function syncWindowProblem(window: SyncWindow): SyncWindowProblem | undefined {
  const timeZone = canonicalTimeZone(window.timeZone);
  if (timeZone === undefined)
    return {
      field: 'timeZone',
      problem: `must be an IANA time zone such as "UTC" or "Europe/Berlin": current value is ${JSON.stringify(window.timeZone)}`,
    };
  const schedule = scheduleProblem(window.schedule, timeZone);
  if (schedule !== undefined) return { field: 'schedule', problem: schedule };
  let durationMs: number;
  try {
    durationMs = parseDuration(window.duration);
  } catch {
    return {
      field: 'duration',
      problem: `must be a duration like "30m", "1h" or "1h30m": current value is ${JSON.stringify(window.duration)}`,
    };
  }
  if (durationMs <= 0)
    return {
      field: 'duration',
      problem: `must be longer than zero: current value is ${JSON.stringify(window.duration)}`,
    };
  if ((window.description ?? '').length > MAX_WINDOW_DESCRIPTION)
    return { field: 'description', problem: `must have at most ${MAX_WINDOW_DESCRIPTION} characters` };
  if (window.applications.length + window.namespaces.length + window.clusters.length === 0)
    return {
      field: 'applications',
      problem:
        'the window names no applications, namespaces or clusters, so it would apply to no app: add at least one glob ("*" for all)',
    };
  return undefined;
}

/** One line naming a window: `deny "0 22 * * *" for 1h (Europe/Berlin)`, plus its description. */
export function describeSyncWindow(window: SyncWindow): string {
  const zone = window.timeZone === DEFAULT_WINDOW_TIME_ZONE ? 'UTC' : window.timeZone;
  const text = `${window.kind} "${window.schedule}" for ${window.duration} (${zone})`;
  return window.description ? `${text}: ${window.description}` : text;
}

/**
 * The windows of a project document (`spec.syncWindows`, after the schema), checked, time zones in
 * canonical spelling and Argo CD's extra fields dropped.
 * @throws {SpecError} naming the file, line, project, window index and field of the first problem
 */
export function checkSyncWindows(doc: SpecDocument, windows: readonly SyncWindow[]): SyncWindow[] {
  return windows.map((window, i) => {
    const found = syncWindowProblem(window);
    if (found) throw doc.error(['spec', 'syncWindows', i, found.field], found.problem);
    const { kind, schedule, duration, applications, namespaces, clusters, manualSync, andOperator } = window;
    const timeZone = canonicalTimeZone(window.timeZone) ?? DEFAULT_WINDOW_TIME_ZONE;
    const checked: SyncWindow = {
      kind,
      schedule: schedule.trim(),
      duration,
      applications,
      namespaces,
      clusters,
      manualSync,
      timeZone,
      andOperator,
    };
    if (window.description) checked.description = window.description;
    return checked;
  });
}
