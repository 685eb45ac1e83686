/**
 * The app's autoscaler: turns the autoscale schedule's evaluations and operators' `scale`
 * requests into `spec.replicas` of the autoscaled target, applied by the agent under the field
 * manager `mooring-autoscaler`. It runs beside the operations (a long sync does not hold a scale),
 * one scale at a time, the newest request winning. Every decision lands in the app's status, its
 * Web UI details and the worker's metrics.
 */
import { condition, proxyActivities, proxySinks } from '@temporalio/workflow';
import type { AutoscalingPolicy } from '../config/types.js';
import type { MetricsActivities } from '../contract/activities.js';
import type {
  AutoscaleEvaluation,
  AutoscalingStatus,
  ScaleAccepted,
  ScaleDecision,
  ScaleInitiator,
  ScaleRequest,
} from '../contract/messages.js';
import type { MooringSinks } from '../contract/sinks.js';
import { boundReplicas } from '../core/autoscale/recommend.js';
import { rememberRecommendation, stabilize } from '../core/autoscale/stabilize.js';
import type { TimedRecommendation } from '../core/autoscale/stabilize.js';
import { metricsProfile } from './activity-profiles.js';
import type { ApplicationEntity } from './application-state.js';
import type { Visibility } from './application-visibility.js';
import { isoTime, workflowNow } from './clock.js';
import { failureMessage } from './sync-results.js';

/** Decisions an app keeps in its status. */
const DECISION_LIMIT = 20;

/** Autoscaler state carried across continue-as-new. */
export interface AutoscalerState {
  replicas?: number;
  recommendations: TimedRecommendation[];
  decisions: ScaleDecision[];
  lastValue?: number;
  lastEvaluatedAt?: string;
  waiting?: string;
  /** Why the last evaluation measured nothing; cleared by the next measurement. */
  problem?: string;
}

interface PendingScale {
  to: number;
  initiatedBy: ScaleInitiator;
  value?: number;
  reason: string;
}

export function initialAutoscalerState(): AutoscalerState {
  return { recommendations: [], decisions: [] };
}

export class Autoscaler {
  readonly #app: ApplicationEntity;
  readonly #visibility: Visibility;
  readonly #metrics = proxySinks<MooringSinks>().metrics;
  #pending: PendingScale | undefined;
  #busy = false;

  constructor(app: ApplicationEntity, visibility: Visibility) {
    this.#app = app;
    this.#visibility = visibility;
  }

  get #state(): AutoscalerState {
    return (this.#app.state.autoscaler ??= initialAutoscalerState());
  }

  /** Nothing queued or running: the workflow may continue-as-new. */
  idle(): boolean {
    return !this.#busy && this.#pending === undefined;
  }

  /** An evaluation from the autoscale schedule. */
  onEvaluation(evaluation: AutoscaleEvaluation): void {
    const policy = this.#app.spec.autoscaling;
    if (!policy) return;
    const state = this.#state;
    const now = workflowNow();
    state.lastEvaluatedAt = isoTime(now);
    if (evaluation.problem !== undefined || evaluation.recommendation === undefined) {
      state.problem = evaluation.problem ?? 'no recommendation';
      this.#app.setCondition(
        'AutoscalingUnavailable',
        `${evaluation.problem ?? 'no recommendation'}; replicas of ${policy.target} left at ${state.replicas ?? 'their current value'}`,
      );
      if (evaluation.currentReplicas !== undefined) state.replicas = evaluation.currentReplicas;
      this.#metrics.autoscaleEvaluated({ app: this.#app.spec.name, result: 'unavailable' });
      return;
    }
    this.#app.clearCondition('AutoscalingUnavailable');
    state.problem = undefined;
    const current = evaluation.currentReplicas ?? state.replicas ?? policy.min;
    state.replicas = current;
    state.lastValue = evaluation.value;
    state.recommendations = rememberRecommendation(
      state.recommendations,
      { at: now, replicas: evaluation.recommendation },
      current,
      policy.behavior,
    );
    const decision = stabilize(current, state.recommendations, now, policy.behavior);
    state.waiting = decision.waiting;
    this.#metrics.autoscaleEvaluated({ app: this.#app.spec.name, result: 'measured' });
    if (decision.replicas !== current)
      this.#pending = {
        to: decision.replicas,
        initiatedBy: 'autoscaler',
        value: evaluation.value,
        reason: evaluation.reason,
      };
  }

  /** Validates an operator's request; throws for an app without autoscaling or a bad count. */
  validate(request: ScaleRequest): void {
    if (!this.#app.spec.autoscaling)
      throw new RangeError(
        `App ${this.#app.spec.name} has no spec.autoscaling: scale its workload in Git (spec.replicas), or add an autoscaling policy`,
      );
    if (!Number.isInteger(request.replicas) || request.replicas < 0)
      throw new RangeError(`replicas must be a whole number ≥ 0: got ${JSON.stringify(request.replicas)}`);
  }

  /**
   * An operator's `scale`: bounded to [min, max] and applied at once; the autoscaler's next
   * evaluations start from it (like `kubectl scale` on an HPA's target).
   */
  onManualScale(request: ScaleRequest): ScaleAccepted {
    this.validate(request);
    const policy = this.#app.spec.autoscaling as AutoscalingPolicy;
    const replicas = boundReplicas(policy, request.replicas);
    const bounded = replicas !== request.replicas;
    this.#state.recommendations = [];
    this.#state.waiting = undefined;
    this.#pending = {
      to: replicas,
      initiatedBy: 'operator',
      reason:
        (request.reason?.slice(0, 200) ?? 'manual scale') +
        (bounded
          ? ` (${request.replicas} asked, bounded to ${replicas}: min ${policy.min}, max ${policy.max})`
          : ''),
    };
    return { replicas, bounded };
  }

  /** Applies queued scales one at a time, forever. */
  async run(): Promise<void> {
    for (;;) {
      await condition(() => this.#pending !== undefined);
      const scale = this.#pending as PendingScale;
      this.#pending = undefined;
      this.#busy = true;
      try {
        await this.#apply(scale);
      } finally {
        this.#busy = false;
      }
      this.#visibility.publish();
    }
  }

  async #apply(scale: PendingScale): Promise<void> {
    const app = this.#app;
    const policy = app.spec.autoscaling;
    if (!policy) return;
    const state = this.#state;
    const agent = proxyActivities<MetricsActivities>(metricsProfile(app.spec.destination.cluster));
    try {
      const result = await agent.scaleTarget.executeWithOptions(
        {
          ...metricsProfile(app.spec.destination.cluster),
          summary: `scale ${policy.target} to ${scale.to} (${scale.initiatedBy})`,
        },
        [
          {
            app: app.spec.name,
            namespace: app.spec.destination.namespace,
            target: policy.target,
            replicas: scale.to,
          },
        ],
      );
      const from = result.previousReplicas ?? state.replicas ?? scale.to;
      state.replicas = result.replicas;
      state.recommendations = state.recommendations.filter((r) => r.replicas !== result.replicas);
      state.waiting = undefined;
      state.decisions.push({
        at: isoTime(workflowNow()),
        from,
        to: result.replicas,
        initiatedBy: scale.initiatedBy,
        value: scale.value,
        reason: scale.reason,
      });
      if (state.decisions.length > DECISION_LIMIT)
        state.decisions.splice(0, state.decisions.length - DECISION_LIMIT);
      if (state.problem === undefined) app.clearCondition('AutoscalingUnavailable'); // a failed scale's
      this.#metrics.scaled({
        app: app.spec.name,
        initiatedBy: scale.initiatedBy,
        direction: result.replicas > from ? 'up' : result.replicas < from ? 'down' : 'none',
        replicas: result.replicas,
      });
    } catch (err) {
      app.setCondition(
        'AutoscalingUnavailable',
        `scaling ${policy.target} to ${scale.to} failed: ${failureMessage(err)}`,
      );
    }
  }
}

/** What `app get` and the Web UI show of the autoscaler; undefined without `spec.autoscaling`. */
export function autoscalingStatus(
  policy: AutoscalingPolicy | undefined,
  state: AutoscalerState | undefined,
): AutoscalingStatus | undefined {
  if (!policy) return undefined;
  return {
    target: policy.target,
    min: policy.min,
    max: policy.max,
    replicas: state?.replicas,
    lastValue: state?.lastValue,
    lastEvaluatedAt: state?.lastEvaluatedAt,
    waiting: state?.waiting,
    decisions: [...(state?.decisions ?? [])],
  };
}
