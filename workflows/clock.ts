/**
 * Time inside workflow code. The Temporal sandbox replaces `Date` with the time of the current
 * workflow task, read back from history on replay, so this is deterministic; it is the only
 * place workflow code reads the clock: to measure how long an operation took, and to order an
 * operation's end against the drift checks made around it.
 */
export function workflowNow(): number {
  // eslint-disable-next-line no-restricted-globals -- deterministic in the workflow sandbox (see above)
  return Date.now();
}

/** A workflow time (from `workflowNow`) as ISO 8601, for messages and conditions. */
export function isoTime(ms: number): string {
  // eslint-disable-next-line no-restricted-globals -- formatting a given instant reads no clock
  return new Date(ms).toISOString();
}

/** The instant an ISO 8601 text names, in ms; NaN when it names none. */
export function parseIsoTime(text: string): number {
  // eslint-disable-next-line no-restricted-globals -- parsing a given text reads no clock
  return Date.parse(text);
}
