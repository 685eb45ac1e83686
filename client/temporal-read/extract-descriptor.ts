/**
 * The part of Temporal's API the CLI's read path calls (ListWorkflowExecutions, QueryWorkflow):
 * the request and response messages and every type they reach, cut from @temporalio/proto's
 * reflection tree. `scripts/gen-read-api.ts` writes it to read-api-descriptor.ts; a unit test
 * checks that file against the installed @temporalio/proto, so an SDK upgrade cannot leave it stale.
 */
import protobuf from 'protobufjs/light.js';
import '@temporalio/proto'; // registers the `__temporal` root

export const WORKFLOW_SERVICE = 'temporal.api.workflowservice.v1.WorkflowService';
export const READ_METHODS = ['ListWorkflowExecutions', 'QueryWorkflow'] as const;

/** The JSON descriptor (protobufjs INamespace) of the read methods' messages. */
export function extractReadApiDescriptor(): protobuf.INamespace {
  const root = protobuf.roots.__temporal;
  if (!root) throw new Error('@temporalio/proto did not register its protobuf root "__temporal"');
  const service = root.lookupService(WORKFLOW_SERVICE);
  const reached = new Set<protobuf.ReflectionObject>();
  const reach = (obj: protobuf.ReflectionObject | null | undefined): void => {
    if (!obj || reached.has(obj)) return;
    reached.add(obj);
    if (obj.parent instanceof protobuf.Type) reach(obj.parent);
    if (!(obj instanceof protobuf.Type)) return;
    for (const field of obj.fieldsArray) reach(field.resolve().resolvedType);
    for (const nested of obj.nestedArray) reach(nested);
  };
  for (const name of READ_METHODS) {
    const method = service.methods[name];
    if (!method) throw new Error(`${WORKFLOW_SERVICE} has no method ${name}`);
    method.resolve();
    reach(method.resolvedRequestType);
    reach(method.resolvedResponseType);
  }
  const out: protobuf.INamespace = { nested: {} };
  // A nested type travels inside its parent's JSON; only top-level types are placed by path.
  const placed = [...reached].filter((obj) => !(obj.parent instanceof protobuf.Type));
  for (const obj of placed.sort((a, b) => a.fullName.localeCompare(b.fullName))) {
    const path = obj.fullName.slice(1).split('.');
    let ns = out;
    for (const part of path.slice(0, -1)) {
      ns.nested ??= {};
      ns = (ns.nested[part] ??= { nested: {} }) as protobuf.INamespace;
    }
    ns.nested ??= {};
    ns.nested[path[path.length - 1] ?? ''] = (obj as protobuf.Type | protobuf.Enum).toJSON();
  }
  return out;
}
