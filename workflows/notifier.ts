/**
 * Notifications, workflow side: an event the app's subscriptions (`spec.notifications`, Argo CD's
 * `notifications.argoproj.io/subscribe.*` annotations) ask for becomes one `deliverNotification`
 * activity per target, on the workflow's own queue (the control plane holds the receivers' URLs
 * and keys). Deliveries are never awaited by the sync path and cannot be cancelled by it; a
 * failed delivery is dropped after its retries (the activity's, core/notify). The app settles
 * them before it continues as new, so no retry is abandoned.
 */
import { CancellationScope, log, patched, proxyActivities } from '@temporalio/workflow';
import { matchSubscriptions, notifyActivityOptions } from '../core/notify/index.js';
import type { NotificationEvent, NotificationTrigger, NotifyActivities } from '../core/notify/index.js';
import type { AppSpec } from '../config/types.js';
import { isoTime, workflowNow } from './clock.js';
import { PATCHES } from './patches.js';

/** What an event says beyond the app and its trigger. */
export type EventDetails = Omit<NotificationEvent, 'app' | 'trigger' | 'time' | 'cluster' | 'namespace'>;

export class Notifier {
  /** The app (its current spec: a `setSpec` update may change the subscriptions). */
  readonly #app: { readonly spec: AppSpec };
  readonly #pending = new Set<Promise<void>>();

  constructor(app: { readonly spec: AppSpec }) {
    this.#app = app;
  }

  /** Starts the deliveries `trigger` asks for; returns at once. */
  notify(trigger: NotificationTrigger, details: EventDetails = {}): void {
    const spec = this.#app.spec;
    const targets = matchSubscriptions({ trigger }, spec.notifications?.subscriptions ?? []);
    if (targets.length === 0 || !patched(PATCHES.notifications)) return;
    const event: NotificationEvent = {
      app: spec.name,
      trigger,
      time: isoTime(workflowNow()),
      cluster: spec.destination.cluster,
      namespace: spec.destination.namespace,
      repoURL: spec.source.repoURL,
      targetRevision: spec.source.targetRevision,
      ...details,
    };
    const notify = proxyActivities<NotifyActivities>(notifyActivityOptions());
    for (const target of targets) {
      const delivery = CancellationScope.nonCancellable(() =>
        notify.deliverNotification({ event, ...target }),
      ).then(
        () => undefined,
        (err: unknown) =>
          log.warn('notification not delivered', {
            app: spec.name,
            trigger,
            service: target.service,
            error: err instanceof Error ? err.message : String(err),
          }),
      );
      this.#pending.add(delivery);
      void delivery.finally(() => this.#pending.delete(delivery));
    }
  }

  /** Resolves once every delivery started so far has ended (before continue-as-new). */
  async settle(): Promise<void> {
    await Promise.allSettled([...this.#pending]);
  }
}
