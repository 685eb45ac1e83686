import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as errors from '../../../contract/errors.js';
import { MooringError, NON_RETRYABLE_ERRORS, REVISION_FAULTS } from '../../../contract/errors.js';

type ErrorClass = (new (message: string) => MooringError) & {
  readonly retryable: boolean;
  readonly revisionFault: boolean;
};

/** Every error class the module exports (the abstract base excluded), by export name. */
const classes: [string, ErrorClass][] = Object.entries(errors as Record<string, unknown>).filter(
  (entry): entry is [string, ErrorClass] =>
    typeof entry[1] === 'function' && (entry[1] as { prototype: unknown }).prototype instanceof MooringError,
);
const names = (list: readonly [string, ErrorClass][]): string[] => list.map(([name]) => name).sort();

describe('contract errors', () => {
  it('exports the error classes (the enumeration finds them)', () => {
    assert.ok(classes.length >= 10, names(classes).join(', '));
  });

  it('each class declares its own boolean retryable, which its instances report', () => {
    for (const [name, ErrorClass] of classes) {
      assert.ok(Object.hasOwn(ErrorClass, 'retryable'), `${name} declares retryable`);
      assert.equal(typeof ErrorClass.retryable, 'boolean', name);
      assert.equal(new ErrorClass('m').retryable, ErrorClass.retryable, name);
    }
  });

  it('each class is named as it is exported: the name is the ApplicationFailure type workflows see', () => {
    for (const [name, ErrorClass] of classes) {
      assert.equal(ErrorClass.name, name);
      const error = new ErrorClass('message');
      assert.equal(error.name, name);
      assert.ok(error instanceof Error);
      assert.equal(error.message, 'message');
    }
  });

  it('NON_RETRYABLE_ERRORS is exactly the classes marked non-retryable, each once', () => {
    assert.deepEqual([...NON_RETRYABLE_ERRORS].sort(), names(classes.filter(([, c]) => !c.retryable)));
    assert.equal(new Set(NON_RETRYABLE_ERRORS).size, NON_RETRYABLE_ERRORS.length);
  });

  it('NON_RETRYABLE_ERRORS names no type that is not an error class', () => {
    const known = new Set(names(classes));
    for (const name of NON_RETRYABLE_ERRORS) assert.ok(known.has(name), name);
  });

  it('every permanent failure is non-retryable', () => {
    for (const name of [
      'ManifestsMissing',
      'ManifestInvalid',
      'RepoNotFound',
      'AuthFailed',
      'RevisionNotFound',
      'ApplyRejected',
      'HealthDegraded',
      'HookFailed',
      'EmptyRender',
      'PolicyViolation',
      'RepoUrlRefused',
      'CommitUnverified',
    ]) {
      assert.ok(NON_RETRYABLE_ERRORS.includes(name), name);
    }
  });

  it('transient failures are retried', () => {
    for (const name of ['Unreachable', 'ApplyFailed']) {
      assert.ok(names(classes).includes(name), `${name} is an error class`);
      assert.ok(!NON_RETRYABLE_ERRORS.includes(name), name);
    }
  });

  it('each class has a boolean revisionFault, false unless the class says otherwise', () => {
    assert.equal(MooringError.revisionFault, false, 'the base says: the environment failed');
    for (const [name, ErrorClass] of classes) {
      assert.equal(typeof ErrorClass.revisionFault, 'boolean', name);
      if (ErrorClass.revisionFault) assert.ok(Object.hasOwn(ErrorClass, 'revisionFault'), name);
    }
  });

  it('REVISION_FAULTS is exactly the classes marked revisionFault, each once', () => {
    assert.deepEqual([...REVISION_FAULTS].sort(), names(classes.filter(([, c]) => c.revisionFault)));
    assert.equal(new Set(REVISION_FAULTS).size, REVISION_FAULTS.length);
    assert.ok(Object.isFrozen(REVISION_FAULTS));
  });

  it('REVISION_FAULTS names no type that is not an error class', () => {
    const known = new Set(names(classes));
    for (const name of REVISION_FAULTS) assert.ok(known.has(name), name);
  });

  it("what the revision's content or its effect caused marks it bad; an environment failure does not", () => {
    assert.deepEqual([...REVISION_FAULTS].sort(), [
      'ApplyRejected',
      'CommitUnverified',
      'EmptyRender',
      'HealthDegraded',
      'HookFailed',
      'ManifestInvalid',
      'PolicyViolation',
      'RevisionNotFound',
    ]);
    for (const name of [
      'Unreachable',
      'ApplyFailed',
      'AuthFailed',
      'RepoNotFound',
      'ManifestsMissing',
      'TooManyDirectories',
      'RepoUrlRefused',
    ]) {
      assert.ok(names(classes).includes(name), `${name} is an error class`);
      assert.ok(!REVISION_FAULTS.includes(name), name);
    }
  });

  it('a revision fault is never retried: the same revision fails the same way', () => {
    for (const name of REVISION_FAULTS) assert.ok(NON_RETRYABLE_ERRORS.includes(name), name);
  });

  it('new classes are appended, so the list workflows recorded only grew', () => {
    assert.equal(errors.EmptyRender.retryable, false);
    assert.equal(errors.EmptyRender.revisionFault, true);
    assert.deepEqual(NON_RETRYABLE_ERRORS.slice(-5), [
      'EmptyRender',
      'PolicyViolation',
      'RepoUrlRefused',
      'CommitUnverified',
      'InvalidAutoscalingTarget',
    ]);
  });

  it('apply failures carry the object, the change set and the cause', () => {
    const cause = new Error('HTTP 422');
    const ref = { group: '', kind: 'ConfigMap', namespace: 'ns', name: 'a' };
    const changes = [{ ...ref, name: 'b', action: 'created' as const }];
    for (const ErrorClass of [errors.ApplyRejected, errors.ApplyFailed]) {
      const error = new ErrorClass('ConfigMap/ns/a was rejected', { cause, ref, changes });
      assert.equal(error.cause, cause);
      assert.deepEqual(error.ref, ref);
      assert.deepEqual(error.changes, changes);
      assert.deepEqual(new ErrorClass('m').changes, []);
    }
  });
});
