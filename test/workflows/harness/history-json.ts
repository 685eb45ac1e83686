/**
 * Workflow histories to and from Temporal's JSON history format (what `temporal workflow show
 * --output json` writes). `historyToJSON`/`historyFromJSON` of @temporalio/common fail in this
 * install ("type must be a Type": @temporalio/common and @temporalio/proto each carry their own
 * protobufjs copy), so this uses the protobufjs copy that @temporalio/proto's types come from.
 */
import { createRequire } from 'node:module';
import proto from '@temporalio/proto';
import type { temporal } from '@temporalio/proto';
import { patchProtobufRoot } from '@temporalio/proto/lib/patch-protobuf-root.js';

export type History = temporal.api.history.v1.IHistory;

interface ProtoJson {
  toJson(type: unknown, message: unknown): unknown;
  fromJson(type: unknown, json: unknown, options?: { ignoreUnknownFields?: boolean }): unknown;
}

const requireFromProto = createRequire(createRequire(import.meta.url).resolve('@temporalio/proto'));
const protojson = requireFromProto('protobufjs/ext/protojson') as ProtoJson;
const root = patchProtobufRoot(proto as unknown as Record<string, unknown>) as unknown as {
  lookupType(name: string): unknown;
};
const historyType = root.lookupType('temporal.api.history.v1.History');

/** A fetched history as pretty JSON text. */
export function historyToJson(history: History): string {
  const message = proto.temporal.api.history.v1.History.fromObject(history as Record<string, unknown>);
  return JSON.stringify(protojson.toJson(historyType, message), null, 2);
}

/** A JSON history (as written by `historyToJson`) back to the object the replayer takes. */
export function historyFromJson(json: unknown): History {
  return protojson.fromJson(historyType, json, { ignoreUnknownFields: true }) as History;
}

/** Event types of a history, as `WorkflowExecutionSignaled`. */
export function eventTypes(history: History): string[] {
  const json = JSON.parse(historyToJson(history)) as { events?: { eventType?: string }[] };
  return (json.events ?? []).map((e) =>
    (e.eventType ?? '')
      .replace(/^EVENT_TYPE_/, '')
      .toLowerCase()
      .replace(/(^|_)([a-z])/g, (_m, _s: string, c: string) => c.toUpperCase()),
  );
}
