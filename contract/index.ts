/**
 * The contract: everything the client, the workflows and the activities share, defined once.
 * Names (task queues, workflow ids and types, schedules), messages (signals, queries, updates),
 * workflow and activity inputs and results, the search attributes, the object identity and the
 * typed errors whose classes decide whether Temporal retries them. No I/O and no Node built-ins:
 * workflow code imports it inside the deterministic sandbox.
 */
export * from './activities.js';
export * from './errors.js';
export * from './ids.js';
export * from './kube-object.js';
export * from './messages.js';
export * from './object-ref.js';
export * from './revision.js';
export * from './search-attributes.js';
export type * from './sinks.js';
export type * from './workflows.js';
