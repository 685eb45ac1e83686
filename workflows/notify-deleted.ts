/**
 * `on-deleted` notifications (`mooring app delete`): the app's own workflow has ended, so the
 * deliveries its subscriptions ask for run here, each with the activity's retries, and the
 * workflow ends once every one has ended. Started by the CLI only when a subscription asks for
 * `on-deleted`.
 */
import type { NotifyDeletedInput } from '../contract/workflows.js';
import { identityOf } from './initiator.js';
import { Notifier } from './notifier.js';

export async function notifyDeletedWorkflow(input: NotifyDeletedInput): Promise<void> {
  const notifier = new Notifier({ spec: input.spec });
  const initiator = identityOf(input.initiator);
  notifier.notify('on-deleted', { message: input.message.slice(0, 200), ...(initiator && { initiator }) });
  await notifier.settle();
}
