/**
 * The apply manager's failures, with a fake API server: a rejection is always ApplyRejected, any
 * other failure ApplyFailed (retryable), both naming the object and carrying the change set; the
 * dry run and the diff treat an object whose namespace the sync creates as a create.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ApplyFailed, ApplyRejected } from '../../../../contract/errors.js';
import type { KubeObject } from '../../../../contract/kube-object.js';
import type { KubeClient } from '../../../../activities/cluster/kube-client.js';
import { KubeApiError } from '../../../../activities/cluster/kube-errors.js';
import type { LoadedPlan } from '../../../../activities/cluster/load-plan.js';
import {
  applyAll,
  defaultApplyOptions,
  describeFailure,
} from '../../../../activities/cluster/manager-apply.js';
import { diffApp } from '../../../../activities/cluster/manager-diff.js';
import { dryRunPlan } from '../../../../activities/cluster/manager-dry-run.js';

const namespace = (name: string): KubeObject => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
const configMap = (name: string, ns = 'shop'): KubeObject => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, namespace: ns },
  data: { x: '1' },
});

/**
 * Namespaces that exist (the only objects it reads back), and failures by object name for writes
 * (apply, create); `calls` collects each read and write as `verb Kind namespace/name`.
 */
function fakeClient(
  options: { namespaces?: string[]; failures?: Record<string, Error>; calls?: string[] } = {},
): KubeClient {
  const namespaces = new Set(options.namespaces ?? ['shop', 'default']);
  const note = (verb: string, obj: { kind: string; namespace?: string; name?: string }) =>
    options.calls?.push(`${verb} ${obj.kind} ${obj.namespace ?? ''}/${obj.name ?? ''}`);
  const writer =
    (verb: string) =>
    async (obj: KubeObject): Promise<KubeObject> => {
      note(verb, { kind: obj.kind, ...obj.metadata });
      const failure = options.failures?.[obj.metadata.name ?? ''];
      if (failure) throw failure;
      const ns = obj.metadata.namespace;
      if (ns !== undefined && !namespaces.has(ns))
        throw new KubeApiError(404, 'NotFound', `namespaces "${ns}" not found`);
      return { ...obj, metadata: { ...obj.metadata, resourceVersion: '1' } };
    };
  const fake = {
    get: async (ref: { kind: string; namespace?: string; name: string }) => {
      note('get', ref);
      return ref.kind === 'Namespace' && namespaces.has(ref.name) ? namespace(ref.name) : undefined;
    },
    apply: writer('apply'),
    create: writer('create'),
    list: async () => [],
    request: async (_method: string, path: string) => (path === '/apis' ? { groups: [] } : { resources: [] }),
  };
  return fake as unknown as KubeClient;
}

function loaded(objects: KubeObject[]): LoadedPlan {
  return { plan: { crdKinds: [] } as unknown as LoadedPlan['plan'], objects, resources: objects };
}

const invalid = (): KubeApiError =>
  new KubeApiError(422, 'Invalid', 'ConfigMap "bad" is invalid', [{ field: 'data.x', message: 'bad' }]);

describe('describeFailure', () => {
  it('makes a rejection an ApplyRejected naming the object and the field, the API error as cause', () => {
    const cause = invalid();
    const error = describeFailure(configMap('bad'), cause);
    assert.ok(error instanceof ApplyRejected);
    assert.equal(error.name, 'ApplyRejected');
    assert.equal(error.retryable, false);
    assert.equal(error.cause, cause);
    assert.deepEqual(error.ref, { group: '', kind: 'ConfigMap', namespace: 'shop', name: 'bad' });
    assert.equal(
      error.message,
      'ConfigMap/shop/bad was rejected (Invalid) (field data.x): ConfigMap "bad" is invalid',
    );
  });

  it('makes a server error or a network failure an ApplyFailed (retryable)', () => {
    for (const cause of [
      new KubeApiError(503, 'ServiceUnavailable', 'try later'),
      new Error('socket hang up'),
    ]) {
      const error = describeFailure(configMap('a'), cause);
      assert.ok(error instanceof ApplyFailed, cause.message);
      assert.equal(error.name, 'ApplyFailed');
      assert.equal(error.retryable, true);
      assert.equal(error.cause, cause);
    }
    assert.match(
      describeFailure(configMap('a'), new Error('socket hang up')).message,
      /^ConfigMap\/shop\/a could not be applied: socket hang up$/,
    );
  });

  it('passes typed apply failures through', () => {
    const rejected = new ApplyRejected('m');
    const failed = new ApplyFailed('m');
    assert.equal(describeFailure(configMap('a'), rejected), rejected);
    assert.equal(describeFailure(configMap('a'), failed), failed);
  });
});

describe('applyAll', () => {
  const options = { ...defaultApplyOptions(), concurrency: 1 };

  it('stops at a rejection, which carries what was applied before it', async () => {
    const client = fakeClient({ namespaces: ['default'], failures: { bad: invalid() } });
    await assert.rejects(
      applyAll(client, [configMap('bad', 'shop'), namespace('shop')], options),
      (err: unknown) => {
        assert.ok(err instanceof ApplyRejected);
        assert.equal(err.ref?.name, 'bad');
        assert.deepEqual(err.changes, [
          { group: '', kind: 'Namespace', namespace: '', name: 'shop', action: 'created' },
        ]);
        return true;
      },
    );
  });

  it('stops at a transient failure, which carries the change set too', async () => {
    const client = fakeClient({ failures: { busy: new KubeApiError(429, 'TooManyRequests', 'slow down') } });
    await assert.rejects(
      applyAll(client, [configMap('busy'), namespace('shop')], options),
      (err: unknown) => {
        assert.ok(err instanceof ApplyFailed);
        assert.equal(err.changes.length, 1);
        return true;
      },
    );
  });
});

describe('dryRunPlan', () => {
  it('counts an object whose namespace the sync creates as created', async () => {
    const client = fakeClient({ namespaces: ['default'] });
    assert.deepEqual(await dryRunPlan(client, loaded([namespace('fresh'), configMap('a', 'fresh')])), {
      created: 2,
      configured: 0,
      unchanged: 0,
    });
  });

  it('reads nothing in a namespace still to be created: the apply dry run there, refused, then a create dry run elsewhere', async () => {
    const calls: string[] = [];
    await dryRunPlan(
      fakeClient({ namespaces: ['default'], calls }),
      loaded([namespace('fresh'), configMap('a', 'fresh')]),
    );
    assert.deepEqual(
      calls.filter((c) => c.includes('ConfigMap')),
      ['apply ConfigMap fresh/a', 'create ConfigMap default/a'],
    );
    assert.equal(calls.filter((c) => c === 'get Namespace /fresh').length, 1, calls.join('\n'));
  });

  it('dry-runs an object in place once the namespace the sync would create exists', async () => {
    const calls: string[] = [];
    await dryRunPlan(
      fakeClient({ namespaces: ['default', 'fresh'], calls }),
      loaded([namespace('fresh'), configMap('a', 'fresh')]),
    );
    assert.deepEqual(
      calls.filter((c) => c.includes('ConfigMap')),
      ['get ConfigMap fresh/a', 'apply ConfigMap fresh/a'],
    );
  });

  it('rejects an invalid object in a namespace still to be created, naming it where it was meant to go', async () => {
    const client = fakeClient({ namespaces: ['default'], failures: { bad: invalid() } });
    await assert.rejects(
      dryRunPlan(client, loaded([namespace('fresh'), configMap('bad', 'fresh')])),
      (err: unknown) => {
        assert.ok(err instanceof ApplyRejected);
        assert.match(err.message, /ConfigMap\/fresh\/bad was rejected \(Invalid\) \(field data\.x\)/);
        return true;
      },
    );
  });

  it('rejects with ApplyRejected when every problem is a rejection', async () => {
    const client = fakeClient({ failures: { bad: invalid() } });
    await assert.rejects(
      dryRunPlan(client, loaded([configMap('good'), configMap('bad')])),
      (err: unknown) => {
        assert.ok(err instanceof ApplyRejected);
        assert.match(
          err.message,
          /Dry run rejected 1 object\(s\), nothing was applied:\n {2}- ConfigMap\/shop\/bad was rejected/,
        );
        return true;
      },
    );
  });

  it('a namespace missing that the sync does not create is a rejection', async () => {
    const client = fakeClient({ namespaces: ['default'] });
    await assert.rejects(dryRunPlan(client, loaded([configMap('a', 'elsewhere')])), ApplyRejected);
  });

  it('fails with ApplyFailed (retried) when any problem may be transient', async () => {
    const client = fakeClient({
      failures: { bad: invalid(), busy: new KubeApiError(500, 'InternalError', 'etcd timeout') },
    });
    await assert.rejects(
      dryRunPlan(client, loaded([configMap('bad'), configMap('busy')])),
      (err: unknown) => {
        assert.ok(err instanceof ApplyFailed);
        assert.match(err.message, /Dry run rejected 2 object\(s\)/);
        return true;
      },
    );
  });
});

describe('diffApp', () => {
  it('diffs an object whose namespace does not exist yet as a create', async () => {
    const client = fakeClient({ namespaces: ['default'] });
    const diffs = await diffApp(client, loaded([configMap('a', 'fresh')]), [], 'app');
    assert.deepEqual(
      diffs.map((d) => `${d.action} ${d.ref.kind}/${d.ref.name}`),
      ['create ConfigMap/a'],
    );
  });

  it('fails with ApplyRejected naming the object when the server rejects the dry run', async () => {
    const client = fakeClient({ failures: { bad: invalid() } });
    await assert.rejects(diffApp(client, loaded([configMap('bad')]), [], 'app'), (err: unknown) => {
      assert.ok(err instanceof ApplyRejected);
      assert.equal(err.ref?.name, 'bad');
      return true;
    });
  });
});
