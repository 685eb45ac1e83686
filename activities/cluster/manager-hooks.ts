/**
 * Runs sync hooks (PreSync / Sync / PostSync / SyncFail Jobs, Pods, …) the way Argo CD does:
 * apply each hook after honouring `BeforeHookCreation`, wait until it completes, then apply the
 * `HookSucceeded` / `HookFailed` delete policies. A failed or timed-out hook fails the step.
 */
import type { ChangeEntry } from '../../contract/activities.js';
import { HookFailed } from '../../contract/errors.js';
import { formatRef, refOf } from '../../contract/object-ref.js';
import type { KubeObject } from '../../contract/kube-object.js';
import { applyObject, defaultApplyOptions, describeFailure } from './manager-apply.js';
import type { KubeClient } from './kube-client.js';
import { waitForSet } from './manager-wait.js';
import { waitForDeletion } from './manager-delete.js';
import { hookDeletePolicies } from '../../core/sync/hooks.js';

export interface HookRunOptions {
  timeoutMs: number;
  signal?: AbortSignal;
  onProgress?: (message: string) => void;
}

/**
 * Applies and awaits every hook in parallel (they share a wave); throws HookFailed on the first
 * hook that fails or times out, ApplyRejected or ApplyFailed (retryable) when one cannot be created.
 */
export async function runHooks(
  client: KubeClient,
  hooks: readonly KubeObject[],
  options: HookRunOptions,
): Promise<ChangeEntry[]> {
  return await Promise.all(hooks.map((hook) => runHook(client, hook, options)));
}

async function runHook(client: KubeClient, hook: KubeObject, options: HookRunOptions): Promise<ChangeEntry> {
  const policies = hookDeletePolicies(hook);
  let obj = hook;
  if (hook.metadata.name && policies.includes('BeforeHookCreation')) {
    const ref = {
      apiVersion: hook.apiVersion,
      kind: hook.kind,
      namespace: hook.metadata.namespace,
      name: hook.metadata.name,
    };
    if (await client.delete(ref, { propagationPolicy: 'Background', signal: options.signal })) {
      await waitForDeletion(client, [hook], { timeoutMs: options.timeoutMs, signal: options.signal });
    }
  }
  if (hook.metadata.name) {
    await applyObject(client, hook, { ...defaultApplyOptions(), signal: options.signal });
  } else {
    try {
      obj = await client.create(hook, {
        fieldManager: defaultApplyOptions().fieldManager,
        signal: options.signal,
      });
      obj = { ...obj, apiVersion: hook.apiVersion, kind: hook.kind };
    } catch (err) {
      throw describeFailure(hook, err);
    }
  }
  const name = formatRef(refOf(obj));
  options.onProgress?.(`hook ${name} running`);
  const waited = await waitForSet(client, [obj], { timeoutMs: options.timeoutMs, signal: options.signal });
  const ref = {
    apiVersion: obj.apiVersion,
    kind: obj.kind,
    namespace: obj.metadata.namespace,
    name: obj.metadata.name ?? '',
  };
  if (waited.health !== 'Healthy') {
    if (policies.includes('HookFailed'))
      await client.delete(ref, { propagationPolicy: 'Background', signal: options.signal });
    const why = waited.timedOut
      ? `did not complete within ${Math.round(options.timeoutMs / 1000)}s`
      : (waited.message ?? waited.health);
    throw new HookFailed(`Hook ${name} failed: ${why}`);
  }
  if (policies.includes('HookSucceeded'))
    await client.delete(ref, { propagationPolicy: 'Background', signal: options.signal });
  return { ...refOf(obj), action: 'created', reason: 'hook completed' };
}
