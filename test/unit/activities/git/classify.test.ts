import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  classifyGitError,
  gitErrorKind,
  isAmbiguousRevision,
  type GitErrorKind,
} from '../../../../activities/git/classify.js';
import { AuthFailed, RevisionNotFound, Unreachable } from '../../../../contract/errors.js';

// Real git 2.39 output for each situation (HTTP, SSH, git://, local paths).
const cases: [string, GitErrorKind | undefined][] = [
  ["fatal: Authentication failed for 'https://github.com/acme/private.git/'", 'AuthFailed'],
  ["fatal: could not read Username for 'https://github.com': terminal prompts disabled", 'AuthFailed'],
  [
    'git@github.com: Permission denied (publickey).\nfatal: Could not read from remote repository.',
    'AuthFailed',
  ],
  ['Host key verification failed.\nfatal: Could not read from remote repository.', 'AuthFailed'],
  ["fatal: unable to access 'https://h/r.git/': The requested URL returned error: 403", 'AuthFailed'],
  [
    "remote: Repository not found.\nfatal: repository 'https://github.com/acme/nope.git/' not found",
    'RepoNotFound',
  ],
  [
    "fatal: '/srv/missing.git' does not appear to be a git repository\nfatal: Could not read from remote repository.",
    'RepoNotFound',
  ],
  ["fatal: unable to access 'https://h/r.git/': The requested URL returned error: 404", 'RepoNotFound'],
  ['fatal: remote error: access denied or repository not exported: /x', 'RepoNotFound'],
  ["fatal: couldn't find remote ref refs/heads/nope", 'RevisionNotFound'],
  ['fatal: Needed a single revision', 'RevisionNotFound'],
  ['error: short object ID abc1 is ambiguous\nfatal: Needed a single revision', 'RevisionNotFound'],
  [
    'fatal: unable to connect to 127.0.0.1:\n127.0.0.1[0: 127.0.0.1]: errno=Connection refused',
    'Unreachable',
  ],
  [
    "fatal: unable to access 'https://nope.invalid/x.git/': Could not resolve host: nope.invalid",
    'Unreachable',
  ],
  ["fatal: unable to access 'https://h/r.git/': The requested URL returned error: 502", 'Unreachable'],
  [
    'ssh: connect to host h port 22: Connection timed out\nfatal: Could not read from remote repository.',
    'Unreachable',
  ],
  ['fatal: the remote end hung up unexpectedly\nfatal: early EOF', 'Unreachable'],
  ['fatal: something new and strange', undefined],
];

test('gitErrorKind() maps git output to the failure kind', () => {
  for (const [stderr, kind] of cases) assert.equal(gitErrorKind(stderr), kind, stderr);
});

test('classifyGitError() names the action and URL, quotes git and redacts secrets', () => {
  const error = classifyGitError("fatal: Authentication failed for 'https://bob:tok-9876@h/r.git/'", {
    action: 'fetch',
    url: 'https://bob:tok-9876@h/r.git',
    secrets: ['tok-9876'],
  });
  assert.ok(error instanceof AuthFailed);
  assert.equal(error.retryable, false);
  assert.equal(
    error.message,
    'Cannot fetch "https://h/r.git": authentication failed, check the credentials configured for this URL: fatal: Authentication failed for \'https://h/r.git/\'',
  );
});

test('classifyGitError() names the revision of a RevisionNotFound', () => {
  const error = classifyGitError("fatal: couldn't find remote ref refs/heads/nope", {
    action: 'fetch',
    url: '/r.git',
    revision: 'nope',
  });
  assert.ok(error instanceof RevisionNotFound);
  assert.match(error.message, /^Cannot fetch "\/r\.git": revision "nope" not found: /);
});

test('classifyGitError() reports a timeout as Unreachable (retryable)', () => {
  const error = classifyGitError('', { action: 'list refs of', url: 'https://h/r', timedOutAfterMs: 300 });
  assert.ok(error instanceof Unreachable);
  assert.equal(error.retryable, true);
  assert.equal(
    error.message,
    'Cannot list refs of "https://h/r": remote unreachable: git timed out after 300 ms',
  );
});

test('classifyGitError() returns a plain Error for output it does not know', () => {
  const error = classifyGitError('fatal: something new and strange', { action: 'fetch', url: '/r.git' });
  assert.equal(error.constructor, Error);
  assert.equal(error.message, 'Cannot fetch "/r.git": git failed: fatal: something new and strange');
});

test('isAmbiguousRevision() tells an ambiguous abbreviation from a missing revision', () => {
  assert.equal(
    isAmbiguousRevision(
      'error: short object ID abc1 is ambiguous\nhint: The candidates are:\nfatal: Needed a single revision',
    ),
    true,
  );
  assert.equal(isAmbiguousRevision('fatal: Needed a single revision'), false);
  assert.equal(isAmbiguousRevision(''), false);
});
