/**
 * `defineSignal`, `defineQuery` and `defineUpdate` as @temporalio/workflow defines them (a plain
 * `{ type, name }` object), without loading that package: the CLI imports the message
 * definitions, and @temporalio/workflow takes longer to load than `mooring --help` may take.
 */
import type { QueryDefinition, SignalDefinition, UpdateDefinition } from '@temporalio/common';

export function defineSignal<Args extends unknown[] = [], Name extends string = string>(
  name: Name,
): SignalDefinition<Args, Name> {
  return { type: 'signal', name } as SignalDefinition<Args, Name>;
}

export function defineQuery<Ret, Args extends unknown[] = [], Name extends string = string>(
  name: Name,
): QueryDefinition<Ret, Args, Name> {
  return { type: 'query', name } as QueryDefinition<Ret, Args, Name>;
}

export function defineUpdate<Ret, Args extends unknown[] = [], Name extends string = string>(
  name: Name,
): UpdateDefinition<Ret, Args, Name> {
  return { type: 'update', name } as UpdateDefinition<Ret, Args, Name>;
}
