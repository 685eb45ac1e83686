/**
 * Workflow interceptor for workflow tests (bundled with `startWorkflowEnv({ interceptors })`):
 * the health wait's start-to-close timeout becomes `HEALTH_WAIT_START_TO_CLOSE_MS`. In the real
 * profile it is `rollback.healthTimeout` plus a 30 s margin, per attempt, three attempts; a test of
 * what the sync does when that timeout fires would wait minutes. Nothing else changes.
 */
import type {
  ActivityInput,
  Next,
  WorkflowInterceptorsFactory,
  WorkflowOutboundCallsInterceptor,
} from '@temporalio/workflow';

/** The health wait's start-to-close timeout in the tests that bundle this module. */
export const HEALTH_WAIT_START_TO_CLOSE_MS = 1_500;

class ShortHealthWait implements WorkflowOutboundCallsInterceptor {
  async scheduleActivity(
    input: ActivityInput,
    next: Next<WorkflowOutboundCallsInterceptor, 'scheduleActivity'>,
  ): Promise<unknown> {
    if (input.activityType !== 'waitHealthy') return await next(input);
    return await next({
      ...input,
      options: { ...input.options, startToCloseTimeout: HEALTH_WAIT_START_TO_CLOSE_MS },
    });
  }
}

export const interceptors: WorkflowInterceptorsFactory = () => ({ outbound: [new ShortHealthWait()] });
