/**
 * The application entity workflow (`app/<name>`): one per app, forever. It owns the app's state,
 * turns messages into at most one running operation (a `syncWorkflow` child), records every
 * outcome, keeps search attributes and UI details current, and continues-as-new when the server
 * suggests it and no operation runs. The decisions live in `application-state.ts`, running
 * operations in `application-operations.ts`, what the app shows outside in `application-visibility.ts`.
 */
import {
  allHandlersFinished,
  ApplicationFailure,
  CancellationScope,
  condition,
  continueAsNew,
  setHandler,
  patched,
  sleep,
  workflowInfo,
} from '@temporalio/workflow';
import type { AppSpec } from '../config/types.js';
import { ApplicationEntity, initialState, PERIODIC_CHECK } from './application-state.js';
import type { CarriedState } from './application-state.js';
import { OperationRunner } from './application-operations.js';
import { Visibility } from './application-visibility.js';
import { Autoscaler } from './application-autoscaler.js';
import {
  agentStatusSignal,
  autoscaleSignal,
  driftDetectedSignal,
  pauseSignal,
  pauseUpdate,
  refreshSignal,
  resumeSignal,
  resumeUpdate,
  rollbackSignal,
  rollbackUpdate,
  scaleSignal,
  scaleUpdate,
  setSpecUpdate,
  specQuery,
  statusQuery,
  syncUpdate,
} from '../contract/messages.js';
import { syncWorkflowId } from '../contract/ids.js';
import { MOORING_INITIATORS } from '../contract/messages.js';
import { PATCHES } from './patches.js';
import { Notifier } from './notifier.js';
import { SyncWindowGate } from './sync-window-gate.js';
import type { Initiated, InitiatorIdentity } from '../contract/messages.js';
import { identityOf } from './initiator.js';

export interface ApplicationWorkflowInput {
  spec: AppSpec;
  /** Present after continue-as-new. */
  carried?: CarriedState;
  /** Who created the app (its first sync's initiator). */
  initiator?: InitiatorIdentity;
}

/** With no message at all, the app still checks its source this often (10m before the patch). */
const SAFETY_REFRESH = '1h';
const SAFETY_REFRESH_BEFORE_PATCH = '10m';

export async function applicationWorkflow(input: ApplicationWorkflowInput): Promise<void> {
  const app = new ApplicationEntity(input.spec, input.carried ?? initialState(input.initiator));
  const visibility = new Visibility(app);
  const notifier = new Notifier(app);
  if (!input.carried) notifier.notify('on-created', input.initiator ? { initiator: input.initiator } : {});
  const operations = new OperationRunner(app, visibility, notifier, new SyncWindowGate(app));
  const autoscaler = new Autoscaler(app, visibility);
  registerHandlers(app, visibility, autoscaler, input.carried === undefined); // before the first await
  // Like the main loop, the scaler outlives a cancel request (which stops only the operation).
  void CancellationScope.nonCancellable(() => autoscaler.run());
  // A cancel request (the Web UI's most prominent button) does not end the app: it would drop its
  // history and leave the app unmanaged. It stops the running operation, like `app terminate`,
  // and says so in the status; `mooring app delete` ends an app.
  CancellationScope.current().cancelRequested.catch(() => {
    operations.stopForCancelRequest();
    visibility.publish();
  });
  await CancellationScope.nonCancellable(async () => {
    const safety = new SafetyTimer();
    visibility.publish();
    for (;;) {
      await condition(() => app.hasWork() || safety.due || workflowInfo().continueAsNewSuggested);
      if (safety.due) {
        safety.due = false;
        app.requestRefresh(PERIODIC_CHECK, undefined, MOORING_INITIATORS.periodicCheck);
      }
      if (workflowInfo().continueAsNewSuggested && app.state.pending.manual.length === 0) {
        await condition(() => allHandlersFinished() && autoscaler.idle());
        await notifier.settle();
        await continueAsNew<typeof applicationWorkflow>({ spec: app.spec, carried: app.state });
      }
      await operations.handleNext();
      visibility.publish();
    }
  });
}

/** Queries, signals and updates: each turns into a change of the entity's state or pending work. */
function registerHandlers(
  app: ApplicationEntity,
  visibility: Visibility,
  autoscaler: Autoscaler,
  /** This run is the app's first (not continued as new). */
  firstRun: boolean,
): void {
  let specUpdates = 0;
  setHandler(statusQuery, () => app.status());
  setHandler(specQuery, () => app.spec);
  setHandler(refreshSignal, (input) =>
    app.requestRefresh(input?.reason ?? 'refresh', input?.sha, identityOf(input?.initiator)),
  );
  setHandler(driftDetectedSignal, (drift) =>
    app.noteDrift({ ...drift, initiator: identityOf(drift.initiator) }),
  );
  setHandler(agentStatusSignal, ({ missing, message }) => {
    if (missing)
      app.setCondition(
        'AgentUnavailable',
        message ?? `the agent of cluster "${app.spec.destination.cluster}" is missing`,
      );
    else app.clearCondition('AgentUnavailable');
    visibility.publish();
  });
  setHandler(autoscaleSignal, (evaluation) => {
    autoscaler.onEvaluation(evaluation);
    visibility.publish();
  });
  setHandler(scaleSignal, (request) => {
    try {
      autoscaler.onManualScale(request);
    } catch {
      // A signal has no caller to answer; the rejected request is visible in the signal's event.
    }
  });
  setHandler(scaleUpdate, (request) => autoscaler.onManualScale(request), {
    validator: (request) => {
      try {
        autoscaler.validate(request);
      } catch (err) {
        throw ApplicationFailure.nonRetryable((err as Error).message, 'InvalidScale');
      }
    },
  });
  setHandler(pauseSignal, () => app.pause());
  setHandler(resumeSignal, () => app.resume());
  setHandler(rollbackSignal, (request) => {
    try {
      app.queueRollback(
        app.rollbackTarget(request),
        identityOf(request.initiator),
        request.overrideSyncWindows,
      );
    } catch {
      // A signal has no caller to answer; the rejected request is visible in the signal's event.
    }
  });
  setHandler(syncUpdate, (request) => {
    const { initiator: claimed, ...rest } = request;
    const initiator = identityOf(claimed);
    const id = app.queueSync({ ...rest, ...(initiator !== undefined && { initiator }) });
    return { operationId: id, workflowId: syncWorkflowId(app.spec.name, id) };
  });
  setHandler(
    rollbackUpdate,
    (request) => {
      const id = app.queueRollback(
        app.rollbackTarget(request),
        identityOf(request.initiator),
        request.overrideSyncWindows,
      );
      return { operationId: id, workflowId: syncWorkflowId(app.spec.name, id) };
    },
    { validator: (request) => void app.rollbackTarget(request) },
  );
  setHandler(
    setSpecUpdate,
    (spec, meta) => {
      const changed = JSON.stringify(spec) !== JSON.stringify(app.spec);
      // Update-with-start delivers the update that created the app as the first one of its first run.
      const created = firstRun && specUpdates === 0;
      specUpdates += 1;
      app.spec = spec;
      if (changed) app.requestRefresh('spec changed', undefined, identityOf(meta?.initiator));
      return { changed, created };
    },
    {
      validator: (spec: AppSpec, _meta?: Initiated) => {
        if (spec.name !== app.spec.name)
          throw ApplicationFailure.nonRetryable(
            `Spec name "${spec.name}" does not match app "${app.spec.name}"`,
            'InvalidSpec',
          );
      },
    },
  );
  setHandler(pauseUpdate, () => {
    app.pause();
    visibility.publish();
    return app.status();
  });
  setHandler(resumeUpdate, () => {
    app.resume();
    visibility.publish();
    return app.status();
  });
}

/**
 * One long-lived safety timer, re-armed when it fires, rather than a timeout on every wait: a
 * timer per loop would add a start and a cancel event to every operation's history.
 */
class SafetyTimer {
  /** Fired since the main loop last looked: time for a periodic refresh. */
  due = false;

  constructor() {
    this.#arm();
  }

  #arm(): void {
    void sleep(patched(PATCHES.hourlySafetyRefresh) ? SAFETY_REFRESH : SAFETY_REFRESH_BEFORE_PATCH).then(
      () => {
        this.due = true;
        this.#arm();
      },
    );
  }
}
