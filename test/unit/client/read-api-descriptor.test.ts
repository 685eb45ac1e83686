/**
 * The read path's message descriptor is cut from @temporalio/proto (scripts/gen-read-api.ts); after
 * an SDK upgrade this says to regenerate it instead of letting the CLI decode with stale messages.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import protobuf from 'protobufjs/light.js';
import { extractReadApiDescriptor } from '../../../client/temporal-read/extract-descriptor.js';
import { READ_API_DESCRIPTOR } from '../../../client/temporal-read/read-api-descriptor.js';

test('the read path descriptor matches the installed @temporalio/proto', () => {
  assert.deepEqual(
    READ_API_DESCRIPTOR,
    JSON.parse(JSON.stringify(extractReadApiDescriptor())),
    'stale: run node --import tsx scripts/gen-read-api.ts',
  );
});

test('the descriptor resolves on its own: every type the read calls reach is in it', () => {
  const root = protobuf.Root.fromJSON(READ_API_DESCRIPTOR as protobuf.INamespace);
  root.resolveAll(); // throws on a type it does not hold
  for (const name of ['ListWorkflowExecutions', 'QueryWorkflow'])
    for (const end of ['Request', 'Response'])
      assert.ok(root.lookupType(`temporal.api.workflowservice.v1.${name}${end}`));
});
