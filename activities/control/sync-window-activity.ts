/**
 * Sync windows on the cluster's queue, where the agent's policy is: `checkSyncWindow` tells the
 * application workflow whether its app may sync now and, when not, from when. The input names the
 * app and its destination namespace; the project, its windows and the cluster come from the
 * agent's own policy and identity, never from the payload. The clock is the agent's: the workflow
 * records the answer in its history and sleeps on a durable timer until `openAt`.
 */
import { syncWindowVerdict } from '../../core/policy/sync-windows.js';
import type {
  CheckSyncWindowInput,
  CheckSyncWindowResult,
  SyncWindowActivities,
  SyncWindowAnswer,
} from '../../contract/activities.js';
import type { PolicyGuard } from '../cluster/policy-guard.js';

export interface SyncWindowDeps {
  /** The agent's policy and cluster identity. */
  guard: PolicyGuard;
  /** The agent's clock; injected by tests. @default () => new Date() */
  now?: () => Date;
}

export function createSyncWindowActivities(deps: SyncWindowDeps): SyncWindowActivities {
  const now = deps.now ?? (() => new Date());
  return {
    async checkSyncWindow({ app, namespace, trigger }) {
      const project = deps.guard.projectFor(app);
      const at = now();
      const verdict = syncWindowVerdict(
        project.syncWindows ?? [],
        { app, namespace, cluster: deps.guard.cluster.name, server: deps.guard.cluster.server },
        { now: at, trigger },
      );
      const result: CheckSyncWindowResult = {
        allowed: verdict.allowed,
        reason: verdict.reason,
        message: verdict.message,
        project: project.name,
        matched: verdict.matched,
        active: verdict.active,
        evaluatedAt: at.toISOString(),
      };
      if (verdict.openAt) result.openAt = verdict.openAt.toISOString();
      if (verdict.blockedAtLeastUntil) result.blockedAtLeastUntil = verdict.blockedAtLeastUntil.toISOString();
      if (verdict.nextChangeAt) result.nextChangeAt = verdict.nextChangeAt.toISOString();
      return result;
    },
  };
}

/**
 * The windows' answer given inside another call (`resolveRevision`): a check that fails says why
 * instead of failing that call, as a failed `checkSyncWindow` lets the sync through with a warning.
 */
export async function answerSyncWindow(
  windows: SyncWindowActivities,
  input: CheckSyncWindowInput,
): Promise<SyncWindowAnswer> {
  try {
    return { answer: await windows.checkSyncWindow(input) };
  } catch (err) {
    return { failure: err instanceof Error ? err.message : String(err) };
  }
}
