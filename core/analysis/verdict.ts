/**
 * The verdict of a metric analysis (`spec.analysis`) from its measurements: per check and overall.
 * Pure and deterministic (no clock, no I/O, no Node built-ins): it runs in workflow code.
 *
 * A measurement fails when its value is outside the check's `thresholdRange` (bounds inclusive).
 * A check is Failed as soon as its failures exceed `failureLimit` (the caller may stop measuring);
 * once `count` measurements are in it is Inconclusive when failures plus measurements without
 * data exceed `failureLimit`, Passed otherwise; before that it is Running.
 */
import type { AnalysisCheck, AnalysisPolicy } from '../../config/types.js';

/** One measurement of a check: a number, or why there was none (no series, NaN, Prometheus down…). */
export type Measurement = { value: number } | { noData: string };

export type CheckPhase = 'Running' | 'Passed' | 'Failed' | 'Inconclusive';

export interface CheckVerdict {
  phase: CheckPhase;
  /** Measurements outside the threshold range. */
  failures: number;
  /** Measurements without data. */
  inconclusive: number;
  /** Measurements inside the threshold range. */
  successes: number;
  /** For operators: what was measured against what, e.g. `check "error-rate": 2 of 3 measurements outside [0, 0.05] (last 0.31); failureLimit 0`. */
  message: string;
}

export interface AnalysisVerdict {
  phase: 'Passed' | 'Failed' | 'Inconclusive';
  /** The verdict and the messages of the checks that decided it. */
  message: string;
  /** Every check of the policy, by name, in the policy's order. */
  checks: Record<string, CheckVerdict>;
}

/** The reason given for a measurement the analysis ended without taking. */
export const NOT_MEASURED = 'not measured before the analysis ended';

/** Reasons longer than this are cut in messages (they may carry a Prometheus error body). */
const MAX_REASON = 200;
/** Distinct no-data reasons shown in a message. */
const MAX_REASONS = 3;

/** True when min ≤ value ≤ max (an absent bound does not limit); false for NaN. */
export function inRange(range: AnalysisCheck['thresholdRange'], value: number): boolean {
  if (Number.isNaN(value)) return false;
  return (range.min === undefined || value >= range.min) && (range.max === undefined || value <= range.max);
}

/**
 * The verdict of one check from its measurements so far, oldest first. Measurements beyond `count`
 * are ignored; a value of NaN counts as no data.
 */
export function checkVerdict(check: AnalysisCheck, measurements: readonly Measurement[]): CheckVerdict {
  const taken = measurements.slice(0, check.count);
  let failures = 0;
  let successes = 0;
  let lastFailed: number | undefined;
  let last: number | undefined;
  const reasons: string[] = [];
  for (const m of taken) {
    const reason =
      'noData' in m
        ? m.noData || 'no reason given'
        : Number.isNaN(m.value)
          ? 'the query returned NaN'
          : undefined;
    if (reason !== undefined) {
      reasons.push(reason);
    } else if ('value' in m) {
      last = m.value;
      if (inRange(check.thresholdRange, m.value)) successes++;
      else {
        failures++;
        lastFailed = m.value;
      }
    }
  }
  const noData = reasons.length;
  const complete = taken.length >= check.count;
  const phase: CheckPhase =
    failures > check.failureLimit
      ? 'Failed'
      : !complete
        ? 'Running'
        : failures + noData > check.failureLimit
          ? 'Inconclusive'
          : 'Passed';

  const counts = { failures, noData, successes, taken: taken.length };
  const message = describeCheck(check, phase, counts, { lastFailed, last, reasons });
  return { phase, failures, inconclusive: noData, successes, message };
}

/**
 * The verdict of a whole analysis: Failed if any check failed, else Inconclusive if any check is,
 * else Passed. `byCheck` holds each check's measurements by check name (names not in the policy
 * are ignored). This is the final verdict: unless a check already failed, a check with fewer than
 * `count` measurements has the missing ones counted as no data (`NOT_MEASURED`), so an analysis
 * cut short is never Passed.
 */
export function analysisVerdict(
  policy: AnalysisPolicy,
  byCheck: Readonly<Record<string, readonly Measurement[]>>,
): AnalysisVerdict {
  const measured = (check: AnalysisCheck): readonly Measurement[] =>
    Object.hasOwn(byCheck, check.name) ? (byCheck[check.name] ?? []) : [];
  const checks: Record<string, CheckVerdict> = {};
  for (const check of policy.checks) checks[check.name] = checkVerdict(check, measured(check));
  const failed = Object.values(checks).filter((v) => v.phase === 'Failed');
  if (failed.length > 0)
    return { phase: 'Failed', message: `analysis failed: ${joinMessages(failed)}`, checks };

  for (const check of policy.checks) {
    if (checks[check.name]?.phase !== 'Running') continue;
    const taken = measured(check).slice(0, check.count);
    const missing = Array.from({ length: check.count - taken.length }, () => ({ noData: NOT_MEASURED }));
    checks[check.name] = checkVerdict(check, [...taken, ...missing]);
  }
  const inconclusive = Object.values(checks).filter((v) => v.phase === 'Inconclusive');
  if (inconclusive.length > 0)
    return {
      phase: 'Inconclusive',
      message: `analysis inconclusive (spec.analysis.inconclusive: ${policy.inconclusive}): ${joinMessages(inconclusive)}`,
      checks,
    };
  return { phase: 'Passed', message: `analysis passed: ${joinMessages(Object.values(checks))}`, checks };
}

/** The operator's sentence for a check verdict (see `CheckVerdict.message`). */
function describeCheck(
  check: AnalysisCheck,
  phase: CheckPhase,
  counts: { failures: number; noData: number; successes: number; taken: number },
  seen: { lastFailed?: number; last?: number; reasons: readonly string[] },
): string {
  const { failures, noData, successes, taken: n } = counts;
  const range = formatRange(check.thresholdRange);
  const parts: string[] = [];
  if (failures > 0)
    parts.push(`${failures} of ${n} measurements outside ${range} (last ${formatNumber(seen.lastFailed)})`);
  if (noData > 0) parts.push(`no data in ${noData} of ${n} measurements (${formatReasons(seen.reasons)})`);
  if (parts.length === 0)
    parts.push(
      n === 0
        ? 'no measurement yet'
        : `${successes} of ${n} measurements inside ${range} (last ${formatNumber(seen.last)})`,
    );
  let message = `check ${JSON.stringify(check.name)}: ${parts.join(', ')}; failureLimit ${check.failureLimit}`;
  if (phase === 'Running') message += `; ${n} of ${check.count} measurements taken`;
  else if (phase === 'Failed' && n < check.count)
    message += `; stopped after ${n} of ${check.count} measurements`;
  return message;
}

function joinMessages(verdicts: readonly CheckVerdict[]): string {
  return verdicts.map((v) => v.message).join(' | ');
}

/** `[0, 0.05]`, `[0, +Inf)` or `(-Inf, 0.05]`: thresholds as written. */
function formatRange(range: AnalysisCheck['thresholdRange']): string {
  const low = range.min === undefined ? '(-Inf' : `[${String(range.min)}`;
  const high = range.max === undefined ? '+Inf)' : `${String(range.max)}]`;
  return `${low}, ${high}`;
}

/** A measured value with at most 6 significant digits (0.30000000000000004 → 0.3). */
function formatNumber(value: number | undefined): string {
  if (value === undefined) return '?';
  if (!Number.isFinite(value)) return value > 0 ? '+Inf' : '-Inf';
  return String(Number(value.toPrecision(6)));
}

/** The distinct no-data reasons, oldest first, each cut to MAX_REASON characters. */
function formatReasons(reasons: readonly string[]): string {
  const distinct = [
    ...new Set(reasons.map((r) => (r.length > MAX_REASON ? `${r.slice(0, MAX_REASON - 1)}…` : r))),
  ];
  const shown = distinct.slice(0, MAX_REASONS).join('; ');
  const more = distinct.length - MAX_REASONS;
  return more > 0 ? `${shown}; and ${more} other reason${more === 1 ? '' : 's'}` : shown;
}
