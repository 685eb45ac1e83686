/**
 * A node:test reporter that lists every skipped and todo test, with its file and reason, so a run
 * cannot pass by not running something. JavaScript, because the runner loads reporters before
 * `--import tsx` applies. `scripts/test` gives it a file destination next to the
 * spec reporter and, in CI (`CI=1` or `MOORING_NO_SKIP=1`), fails the run when the list is not
 * empty; elsewhere it prints the list.
 *
 * Two counts, and the larger wins: the runner's own summary (`skipped N`, `todo N` diagnostics at
 * the end) and the reporter's count of skip/todo events. The second exists because the runner does
 * not count a skipped `describe`: it reports the suite once, as passed with `skip` set, and nothing
 * for the tests inside it. Here a skipped suite counts as one skip and is named as a suite.
 *
 * Output: nothing when nothing was skipped; otherwise a first line
 * `skip-report: skipped=<n> todo=<n>` (what `scripts/test` reads) and one line per skip.
 */
import { relative } from 'node:path';
import { cwd } from 'node:process';

/**
 * @typedef {import('node:test/reporters').TestEvent} TestEvent
 * @typedef {Extract<TestEvent, { type: 'test:pass' | 'test:fail' }>['data']} Finished
 * @typedef {{ kind: 'skip' | 'todo', what: 'test' | 'suite', file: string, name: string, reason: string }} Skip
 */

/**
 * The skip or todo a finished test or suite reports, or undefined when it ran.
 * @param {Finished} data
 * @returns {Skip | undefined}
 */
function skipOf(data) {
  const kind = data.skip !== undefined && data.skip !== false ? 'skip' : data.todo ? 'todo' : undefined;
  if (!kind) return undefined;
  const reason = kind === 'skip' ? data.skip : data.todo;
  return {
    kind,
    what: data.details.type === 'suite' ? 'suite' : 'test',
    file: data.file ? relative(cwd(), data.file) : '(unknown file)',
    name: data.name,
    reason: typeof reason === 'string' && reason !== '' ? reason : 'no reason given',
  };
}

/**
 * The count in the runner's final summary line for `word` (`skipped 3`, `todo 1`).
 * @param {string} message
 * @param {'skipped' | 'todo'} word
 * @returns {number | undefined}
 */
function summaryCount(message, word) {
  const match = new RegExp(`^${word} (\\d+)$`).exec(message);
  return match ? Number(match[1]) : undefined;
}

/**
 * Collects skips and todos from the event stream; yields the report once the run ends.
 * @param {AsyncIterable<TestEvent>} source
 * @returns {AsyncGenerator<string>}
 */
export default async function* skipReporter(source) {
  /** @type {Skip[]} */
  const skips = [];
  const summary = { skipped: 0, todo: 0 };
  for await (const event of source) {
    if (event.type === 'test:pass' || event.type === 'test:fail') {
      const skip = skipOf(event.data);
      if (skip) skips.push(skip);
    } else if (event.type === 'test:diagnostic' && event.data.file === undefined) {
      // Only the run's final summary has no file; a file's own diagnostics name it.
      summary.skipped = summaryCount(event.data.message, 'skipped') ?? summary.skipped;
      summary.todo = summaryCount(event.data.message, 'todo') ?? summary.todo;
    }
  }
  const counted = (/** @type {Skip['kind']} */ kind) => skips.filter((s) => s.kind === kind).length;
  const skipped = Math.max(summary.skipped, counted('skip'));
  const todo = Math.max(summary.todo, counted('todo'));
  if (skipped === 0 && todo === 0) return;
  yield `skip-report: skipped=${skipped} todo=${todo}\n`;
  for (const s of skips) yield `  ${s.kind} ${s.what} ${s.file} > ${s.name}: ${s.reason}\n`;
}
