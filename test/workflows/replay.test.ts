/**
 * Replays every history recorded from a release (test/fixtures/histories/<version>-<sha7>/*.json:
 * the application workflow and its sync children, one healthy sync and one automatic rollback of a
 * crash-looping commit) against the current workflow code. A failure means a workflow change would
 * break workflows started by that release and still running: wrap the change in `patched()` (see
 * docs/VERSIONING.md). Recordings are never overwritten or deleted to make this pass; a release
 * adds its own folder:
 *
 *   eval "$(scripts/stack env)" && node --import tsx scripts/record-histories.ts
 *
 * Needs no server.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DefaultLogger, Runtime, Worker } from '@temporalio/worker';
import { eventTypes } from './harness/history-json.js';
import { listRecordings, loadHistory, recordingFolder } from './harness/recordings.js';
import { NO_METRICS_SINKS, workflowBundle } from './harness/workflow-env.js';

Runtime.install({ logger: new DefaultLogger('WARN') });

/** A routine real sync (render, dry-run, one wave, prune, health wait) must stay this small. */
const SYNC_EVENT_BUDGET = 60;

const recordings = await listRecordings();

describe('recorded workflow histories replay on the current workflow code', () => {
  it('has at least one release folder, each named after its manifest and holding histories', () => {
    assert.ok(recordings.length > 0, 'no release folder under test/fixtures/histories');
    for (const r of recordings) {
      assert.equal(r.folder, recordingFolder(r.manifest.version, r.manifest.commit));
      assert.ok(r.files.length > 0, `${r.folder} holds no history`);
    }
  });

  for (const recording of recordings) {
    for (const file of recording.files) {
      it(`${recording.folder}/${file}`, async () => {
        await Worker.runReplayHistory(
          {
            workflowBundle: await workflowBundle(),
            replayName: `mooring-replay-${recording.folder}`,
            sinks: NO_METRICS_SINKS,
          },
          await loadHistory(recording, file),
          `${recording.folder}/${file}`,
        );
      });
    }

    if (recording.files.includes('sync-succeeded.json')) {
      it(`${recording.folder}/sync-succeeded.json stays within the history budget of a routine sync`, async () => {
        const events = eventTypes(await loadHistory(recording, 'sync-succeeded.json'));
        assert.ok(events.includes('ActivityTaskScheduled'), 'the recording is a real sync');
        assert.ok(
          events.length <= SYNC_EVENT_BUDGET,
          `the recorded healthy sync has ${events.length} events (budget ${SYNC_EVENT_BUDGET})`,
        );
      });
    }
  }
});
