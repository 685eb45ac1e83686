/**
 * Workflow interceptor for workflow tests (bundled with `startWorkflowEnv({ interceptors })`):
 * the application workflow's periodic safety refresh (an hourly timer, `SAFETY_REFRESH` in
 * workflows/application.ts) fires after `SHORT_SAFETY_REFRESH_MS` instead, so a test sees it fire
 * on a real server without time skipping. Other timers keep their durations.
 */
import type {
  Next,
  TimerInput,
  WorkflowInterceptorsFactory,
  WorkflowOutboundCallsInterceptor,
} from '@temporalio/workflow';

/** The safety refresh period of workflows/application.ts. */
export const SAFETY_REFRESH_MS = 60 * 60_000;

/** What it becomes in the tests that bundle this module. */
export const SHORT_SAFETY_REFRESH_MS = 2_000;

class ShortSafetyRefresh implements WorkflowOutboundCallsInterceptor {
  async startTimer(
    input: TimerInput,
    next: Next<WorkflowOutboundCallsInterceptor, 'startTimer'>,
  ): Promise<void> {
    const durationMs = input.durationMs === SAFETY_REFRESH_MS ? SHORT_SAFETY_REFRESH_MS : input.durationMs;
    await next({ ...input, durationMs });
  }
}

export const interceptors: WorkflowInterceptorsFactory = () => ({ outbound: [new ShortSafetyRefresh()] });
