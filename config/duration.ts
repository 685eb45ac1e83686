/** Durations in specs: Go-style text such as `30s`, `3m`, `1h30m` or `500ms`. */

/** What a duration looks like: one or more `<number><unit>` with unit ms, s, m or h. */
export const DURATION_PATTERN = '^(?:[0-9]+(?:\\.[0-9]+)?(?:ms|s|m|h))+$';

const UNIT_MS: Readonly<Record<string, number>> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 };

/**
 * Converts a duration to milliseconds.
 *
 * @example parseDuration('1m30s') // 90000
 * @throws {SyntaxError} when the text is not a duration
 */
export function parseDuration(text: string): number {
  if (!new RegExp(DURATION_PATTERN).test(text)) {
    throw new SyntaxError(
      `Cannot parse duration: current value is ${JSON.stringify(text)}, expected a value like "30s", "3m" or "1h"`,
    );
  }
  let ms = 0;
  for (const [, amount, unit] of text.matchAll(/([0-9]+(?:\.[0-9]+)?)(ms|s|m|h)/g)) {
    ms += Number(amount) * (UNIT_MS[unit ?? ''] ?? 0);
  }
  return Math.round(ms);
}

/** The shortest and longest value a duration field accepts, as duration texts. */
export interface DurationRange {
  min: string;
  max: string;
}

/**
 * Why `text` is outside `range`, or undefined when it is inside (or is not a duration at all,
 * which the duration pattern reports).
 *
 * @example durationRangeProblem('999999h', { min: '1s', max: '24h' }) // 'must be a duration from "1s" to "24h"'
 */
export function durationRangeProblem(text: string, range: DurationRange): string | undefined {
  let ms: number;
  try {
    ms = parseDuration(text);
  } catch {
    return undefined;
  }
  if (ms >= parseDuration(range.min) && ms <= parseDuration(range.max)) return undefined;
  return `must be a duration from ${JSON.stringify(range.min)} to ${JSON.stringify(range.max)}`;
}
