/** Typed keys for Mooring's search attributes, and a helper to build upsert lists from a record. */
// Types only: loading @temporalio/common costs a CLI command about 50 ms of its 300 ms budget.
import type { defineSearchAttributeKey, SearchAttributePair, SearchAttributeType } from '@temporalio/common';

type KeywordKey = ReturnType<typeof defineSearchAttributeKey<typeof SearchAttributeType.KEYWORD>>;

/** What the SDK's `defineSearchAttributeKey(name, SearchAttributeType.KEYWORD)` returns. */
function keyword(name: string): KeywordKey {
  return { name, type: 'KEYWORD' };
}

export const SEARCH_ATTRIBUTE_KEYS = {
  MooringApp: keyword('MooringApp'),
  MooringCluster: keyword('MooringCluster'),
  MooringSyncStatus: keyword('MooringSyncStatus'),
  MooringHealth: keyword('MooringHealth'),
  MooringRevision: keyword('MooringRevision'),
  MooringPhase: keyword('MooringPhase'),
} as const;

export type MooringSearchAttribute = keyof typeof SEARCH_ATTRIBUTE_KEYS;

/** Every Mooring search attribute (all Keyword): `scripts/stack up` and docker-compose register these. */
export const SEARCH_ATTRIBUTES = Object.keys(SEARCH_ATTRIBUTE_KEYS) as readonly MooringSearchAttribute[];

/** `{ MooringPhase: 'apply' }` → the typed pairs `upsertSearchAttributes` and start options take. */
export function searchAttributes(
  values: Partial<Record<MooringSearchAttribute, string | undefined>>,
): SearchAttributePair[] {
  const pairs: SearchAttributePair[] = [];
  for (const [name, value] of Object.entries(values) as [MooringSearchAttribute, string | undefined][]) {
    if (value !== undefined) pairs.push({ key: SEARCH_ATTRIBUTE_KEYS[name], value });
  }
  return pairs;
}
