/** Typed keys for Mooring's search attributes, and a helper to build upsert lists from a record. */
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import type { SearchAttributePair } from '@temporalio/common';

export const SEARCH_ATTRIBUTE_KEYS = {
  MooringApp: defineSearchAttributeKey('MooringApp', SearchAttributeType.KEYWORD),
  MooringCluster: defineSearchAttributeKey('MooringCluster', SearchAttributeType.KEYWORD),
  MooringSyncStatus: defineSearchAttributeKey('MooringSyncStatus', SearchAttributeType.KEYWORD),
  MooringHealth: defineSearchAttributeKey('MooringHealth', SearchAttributeType.KEYWORD),
  MooringRevision: defineSearchAttributeKey('MooringRevision', SearchAttributeType.KEYWORD),
  MooringPhase: defineSearchAttributeKey('MooringPhase', SearchAttributeType.KEYWORD),
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
