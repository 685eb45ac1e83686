/**
 * Replays histories recorded from real runs (test/fixtures/histories/*.json: the application
 * workflow and its sync children, one healthy sync and one automatic rollback of a crash-looping
 * commit) against the current workflow code. A failure means a workflow change would break
 * workflows already running: make the change replay-safe (`patched()`), or, if breaking them is
 * intended, re-record:
 *
 *   eval "$(scripts/stack env)" && node --import tsx scripts/record-histories.ts
 *
 * and commit the new JSON files together with the workflow change. Needs no server.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DefaultLogger, Runtime, Worker } from '@temporalio/worker';
import { projectRoot } from '../support/stack.js';
import { eventTypes, historyFromJson } from './harness/history-json.js';
import { workflowBundle } from './harness/workflow-env.js';

Runtime.install({ logger: new DefaultLogger('WARN') });

const DIR = join(projectRoot, 'test/fixtures/histories');
const files = (await readdir(DIR)).filter((f) => f.endsWith('.json')).sort();

async function load(file: string) {
  return historyFromJson(JSON.parse(await readFile(join(DIR, file), 'utf8')));
}

describe('recorded workflow histories replay on the current workflow code', () => {
  it('has recordings of the application workflow, a healthy sync and a rolled-back sync', () => {
    assert.deepEqual(files, ['application.json', 'sync-rolled-back.json', 'sync-succeeded.json']);
  });

  it('replays every history without a determinism violation', async () => {
    const histories = await Promise.all(
      files.map(async (file) => ({ workflowId: file, history: await load(file) })),
    );
    const results = Worker.runReplayHistories(
      { workflowBundle: await workflowBundle(), replayName: 'mooring-replay' },
      histories,
    );
    const failures: string[] = [];
    let replayed = 0;
    for await (const result of results) {
      replayed += 1;
      if (result.error) failures.push(`${result.workflowId}: ${result.error.message}`);
    }
    assert.equal(replayed, files.length);
    assert.deepEqual(failures, []);
  });

  it('a routine real sync stays within its history budget', async () => {
    const events = eventTypes(await load('sync-succeeded.json'));
    assert.ok(events.length <= 60, `the recorded healthy sync has ${events.length} events`);
    assert.ok(events.includes('ActivityTaskScheduled'), 'the recording is a real sync');
  });
});
