import { test } from 'node:test';
import assert from 'node:assert/strict';
import { detectProvider, parseWebhookEvent, PayloadError, printable } from '../../../core/webhook/payload.js';
import type { PushEvent, WebhookEvent } from '../../../core/webhook/payload.js';
import { githubPush, gitlabPush } from './webhook-fixtures.js';

function push(event: WebhookEvent): PushEvent {
  assert.equal(event.kind, 'push', JSON.stringify(event));
  return (event as { push: PushEvent }).push;
}

test('detectProvider() reads GitHub and GitLab from their event headers, anything else is generic', () => {
  const headers = (h: Record<string, string>) => (name: string) => h[name];
  assert.equal(detectProvider(headers({ 'x-github-event': 'push' })), 'github');
  assert.equal(detectProvider(headers({ 'x-gitlab-event': 'Push Hook' })), 'gitlab');
  assert.equal(detectProvider(headers({})), 'generic');
});

test('a GitHub push gives its URLs, ref, default branch, sender and the union of changed files', () => {
  const event = push(parseWebhookEvent('github', 'push', JSON.stringify(githubPush())));
  assert.deepEqual(event, {
    provider: 'github',
    repoUrls: [
      'https://github.com/Acme/guestbook.git',
      'git@github.com:Acme/guestbook.git',
      'https://github.com/Acme/guestbook',
      'git://github.com/Acme/guestbook.git',
    ],
    ref: 'refs/heads/main',
    defaultBranch: 'main',
    after: '0d1a26e67d8f5eaf1f6ba5c57fc3c7d91ac0fd1c',
    changedPaths: ['apps/guestbook/deployment.yaml', 'apps/api/old.yaml', 'README.md'],
    sender: 'octocat',
  });
});

test('a GitHub push sent form-encoded (payload=<json>) reads the same', () => {
  const form = new URLSearchParams({ payload: JSON.stringify(githubPush()) }).toString();
  const event = push(parseWebhookEvent('github', 'push', form, 'application/x-www-form-urlencoded'));
  assert.equal(event.ref, 'refs/heads/main');
});

test('GitHub ping is a pong, other events and branch deletions are ignored with a reason', () => {
  assert.deepEqual(parseWebhookEvent('github', 'ping', '{"zen":"Keep it logically awesome."}'), {
    kind: 'ping',
  });
  assert.deepEqual(parseWebhookEvent('github', 'issues', '{}'), {
    kind: 'ignored',
    reason: 'GitHub event "issues" is not a push',
  });
  const deleted = parseWebhookEvent('github', 'push', JSON.stringify(githubPush({ deleted: true })));
  assert.equal(deleted.kind, 'ignored');
});

test('a GitHub push without file lists (a tag, a force-push) leaves the changed files unknown', () => {
  const tag = push(
    parseWebhookEvent('github', 'push', JSON.stringify(githubPush({ ref: 'refs/tags/v1.2.0', commits: [] }))),
  );
  assert.equal(tag.ref, 'refs/tags/v1.2.0');
  assert.equal(tag.changedPaths, undefined);
});

test('a GitLab push gives project and repository URLs, default branch, username and changed files', () => {
  const event = push(parseWebhookEvent('gitlab', 'Push Hook', JSON.stringify(gitlabPush())));
  assert.equal(event.provider, 'gitlab');
  assert.deepEqual(event.repoUrls, [
    'http://example.com/mike/diaspora.git',
    'git@example.com:mike/diaspora.git',
    'http://example.com/mike/diaspora',
  ]);
  assert.equal(event.ref, 'refs/heads/main');
  assert.equal(event.defaultBranch, 'main');
  assert.equal(event.sender, 'jsmith');
  assert.deepEqual(event.changedPaths, ['deploy/web/configmap.yaml', 'README.md']);
});

test('a GitLab push listing fewer commits than total_commits_count leaves the changed files unknown', () => {
  const event = push(
    parseWebhookEvent('gitlab', 'Push Hook', JSON.stringify(gitlabPush({ total_commits_count: 40 }))),
  );
  assert.equal(event.changedPaths, undefined);
});

test('GitLab tag pushes are pushes; merge requests and branch deletions are ignored', () => {
  const tag = push(
    parseWebhookEvent(
      'gitlab',
      'Tag Push Hook',
      JSON.stringify(gitlabPush({ object_kind: 'tag_push', ref: 'refs/tags/v1', commits: [] })),
    ),
  );
  assert.equal(tag.ref, 'refs/tags/v1');
  assert.equal(parseWebhookEvent('gitlab', 'Merge Request Hook', '{}').kind, 'ignored');
  const deleted = parseWebhookEvent(
    'gitlab',
    'Push Hook',
    JSON.stringify(gitlabPush({ after: '0000000000000000000000000000000000000000', checkout_sha: null })),
  );
  assert.equal(deleted.kind, 'ignored');
});

test('a generic push takes repository, ref, paths and sender', () => {
  const event = push(
    parseWebhookEvent(
      'generic',
      undefined,
      JSON.stringify({
        repository: 'https://git.example.com/acme/apps.git',
        ref: 'refs/heads/main',
        after: 'abc',
        paths: ['./apps/web/deploy.yaml', '/apps/api/x.yaml'],
        sender: 'ci-bot',
      }),
    ),
  );
  assert.deepEqual(event, {
    provider: 'generic',
    repoUrls: ['https://git.example.com/acme/apps.git'],
    ref: 'refs/heads/main',
    after: 'abc',
    changedPaths: ['apps/web/deploy.yaml', 'apps/api/x.yaml'],
    sender: 'ci-bot',
  });
});

test('bad bodies are refused naming what is wrong', () => {
  const cases: [Parameters<typeof parseWebhookEvent>, RegExp][] = [
    [['github', 'push', '{not json'], /GitHub push: the body is not JSON/],
    [['github', 'push', '[]'], /GitHub push: the body must be a JSON object/],
    [['github', 'push', JSON.stringify(githubPush({ ref: 7 }))], /GitHub push: "ref" is missing/],
    [['github', 'push', JSON.stringify(githubPush({ repository: {} }))], /"repository" has no URL/],
    [
      ['github', 'push', JSON.stringify(githubPush({ commits: [{ added: 'x' }] }))],
      /commits\[0\]\.added must be an array/,
    ],
    [['github', 'push', 'a=b', 'application/x-www-form-urlencoded'], /no "payload" field/],
    [
      ['gitlab', 'Push Hook', JSON.stringify(gitlabPush({ project: {}, repository: {} }))],
      /neither "project" nor "repository" has a URL/,
    ],
    [['generic', undefined, '{}'], /generic push: "repository"/],
    [['generic', undefined, JSON.stringify({ repository: 'x', paths: 'a' })], /"paths" must be an array/],
    [['generic', undefined, JSON.stringify({ repository: 'x', ref: 1 })], /"ref" must be a string/],
  ];
  for (const [args, message] of cases)
    assert.throws(
      () => parseWebhookEvent(...args),
      (err: Error) => err instanceof PayloadError && message.test(err.message),
      String(message),
    );
});

test('the sender is made printable and cut to 64 characters', () => {
  const event = push(
    parseWebhookEvent(
      'github',
      'push',
      JSON.stringify(githubPush({ sender: { login: `evil\u001b[31m\n${'x'.repeat(100)}` } })),
    ),
  );
  assert.equal(event.sender?.length, 64);
  assert.doesNotMatch(event.sender ?? '', /\p{Cc}/u);
  assert.equal(printable('a\u202eb', 10), 'a?b');
});
