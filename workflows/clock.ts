/**
 * Time inside workflow code. The Temporal sandbox replaces `Date` with the time of the current
 * workflow task, read back from history on replay, so this is deterministic; it is the only
 * place workflow code reads the clock, and only to measure how long an operation took.
 */
export function workflowNow(): number {
  // eslint-disable-next-line no-restricted-globals -- deterministic in the workflow sandbox (see above)
  return Date.now();
}
