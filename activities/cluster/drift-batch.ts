/**
 * drift-scan's `detectDriftBatch`: `detectDrift` for many apps of one cluster in one activity, a
 * few at a time. At 1,000 apps one call per app cost the scan 1,000 activities (3,000 history
 * events, as many task dispatches); a batch of 50 costs one.
 */
import pLimit from 'p-limit';
import { MAX_DRIFT_BATCH } from '../../contract/activities.js';
import type {
  DetectDriftBatchInput,
  DetectDriftBatchResult,
  DetectDriftResult,
  DriftBatchEntry,
  PlanInput,
} from '../../contract/activities.js';

/** Apps of a batch checked at once: what drift-scan ran at once with one activity per app. */
export const DRIFT_BATCH_CONCURRENCY = 4;

export interface DriftBatchContext {
  /** Called after each app with the progress so far (the activity heartbeats it). */
  heartbeat: (details: { checked: number; of: number }) => void;
  signal?: AbortSignal;
}

export async function detectDriftBatch(
  input: DetectDriftBatchInput,
  detect: (app: PlanInput) => Promise<DetectDriftResult>,
  context: DriftBatchContext,
): Promise<DetectDriftBatchResult> {
  const { apps } = input;
  if (!Array.isArray(apps) || apps.length > MAX_DRIFT_BATCH)
    throw new TypeError(
      `detectDriftBatch takes a list of at most ${MAX_DRIFT_BATCH} apps, got ${Array.isArray(apps) ? apps.length : typeof apps}`,
    );
  const limit = pLimit(DRIFT_BATCH_CONCURRENCY);
  let checked = 0;
  const results = await Promise.all(
    apps.map((app) =>
      limit(async (): Promise<DriftBatchEntry> => {
        context.signal?.throwIfAborted();
        try {
          const { changes: _changes, ...drift } = await detect(app);
          return { drift };
        } catch (err) {
          // A cancelled scan ends the batch; any other failure is this app's alone.
          context.signal?.throwIfAborted();
          return { error: err instanceof Error ? err.message : String(err) };
        } finally {
          checked += 1;
          context.heartbeat({ checked, of: apps.length });
        }
      }),
    ),
  );
  return { results };
}
