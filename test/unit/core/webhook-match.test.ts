import { test } from 'node:test';
import assert from 'node:assert/strict';
import { indexApps, matchApps, pathTouched, refMatches, repoKey } from '../../../core/webhook/match.js';
import type { WebhookApp } from '../../../core/webhook/match.js';
import { parseWebhookEvent } from '../../../core/webhook/payload.js';
import type { PushEvent } from '../../../core/webhook/payload.js';
import { githubPush, gitlabPush } from './webhook-fixtures.js';

test('repoKey() makes the spellings of one repository equal, as Argo CD compares them', () => {
  const same = [
    'https://github.com/acme/guestbook',
    'https://github.com/Acme/Guestbook.git',
    'https://GitHub.com/acme/guestbook/',
    'http://www.github.com/acme/guestbook',
    'git@github.com:acme/guestbook.git',
    'ssh://git@github.com/acme/guestbook.git',
    'ssh://git@github.com:22/acme/guestbook',
    'git+ssh://github.com/acme/guestbook',
    'https://token:x-oauth@github.com/acme/guestbook.git',
    'git://github.com/acme/guestbook.git',
  ];
  for (const url of same) assert.equal(repoKey(url), 'github.com/acme/guestbook', url);
  assert.notEqual(repoKey('https://github.com/acme/guestbook-2'), repoKey(same[0] ?? ''));
  assert.notEqual(repoKey('https://gitlab.com/acme/guestbook'), repoKey(same[0] ?? ''));
  assert.equal(repoKey('/srv/git/repo.git'), 'file:/srv/git/repo.git');
  assert.equal(repoKey('file:///srv/git/repo.git'), 'file:/srv/git/repo.git');
  assert.equal(repoKey('ext::sh -c evil'), undefined);
});

test('refMatches(): branch and tag by name or full ref; HEAD follows the default branch; a SHA never moves', () => {
  assert.equal(refMatches('refs/heads/main', 'main', 'main'), true);
  assert.equal(refMatches('refs/heads/main', 'main', 'refs/heads/main'), true);
  assert.equal(refMatches('refs/heads/dev', 'main', 'main'), false);
  assert.equal(refMatches('refs/heads/main', 'main', 'HEAD'), true);
  assert.equal(refMatches('refs/heads/main', 'main', ''), true);
  assert.equal(refMatches('refs/heads/dev', 'main', 'HEAD'), false);
  assert.equal(refMatches('refs/heads/dev', undefined, 'HEAD'), true);
  assert.equal(refMatches('refs/tags/v1.2.0', 'main', 'v1.2.0'), true);
  assert.equal(refMatches('refs/tags/v1.2.0', 'main', 'refs/tags/v1.2.0'), true);
  assert.equal(refMatches('refs/tags/v1.2.0', 'main', 'HEAD'), false);
  assert.equal(refMatches('refs/tags/v1', 'main', 'refs/heads/v1'), false);
  assert.equal(refMatches('refs/heads/main', 'main', '0d1a26e67d8f5eaf1f6ba5c57fc3c7d91ac0fd1c'), false);
  assert.equal(refMatches('main', undefined, 'main'), true);
  assert.equal(refMatches(undefined, undefined, 'anything'), true);
});

test('refMatches(): a pushed tag matches a semver constraint it satisfies, and only a tag', () => {
  assert.equal(refMatches('refs/tags/v1.4.0', 'main', '^1.2.0'), true);
  assert.equal(refMatches('refs/tags/1.4.0', 'main', '>=1.0.0 <2.0.0'), true);
  assert.equal(refMatches('refs/tags/v1.4.0', 'main', '~1.2.0'), false);
  assert.equal(refMatches('refs/tags/v2.0.0', 'main', '1.*'), false);
  assert.equal(refMatches('refs/tags/v1.5.0-rc.1', 'main', '^1.2.0'), false);
  assert.equal(refMatches('refs/tags/not-a-version', 'main', '*'), false);
  assert.equal(refMatches('refs/heads/v1.4.0', 'main', '^1.2.0'), false);
  // A plain version stays an exact tag name.
  assert.equal(refMatches('refs/tags/v1.2.4', 'main', 'v1.2.3'), false);
});

test('pathTouched(): a changed file in the app directory or below; unknown changes and the root match', () => {
  const changed = ['apps/guestbook/deployment.yaml', 'README.md'];
  assert.equal(pathTouched('apps/guestbook', changed), true);
  assert.equal(pathTouched('./apps/guestbook/', changed), true);
  assert.equal(pathTouched('apps', changed), true);
  assert.equal(
    pathTouched('apps/guest', changed),
    false,
    'a prefix of a directory name is another directory',
  );
  assert.equal(pathTouched('apps/api', changed), false);
  assert.equal(pathTouched('apps/guestbook/deployment.yaml', changed), true);
  assert.equal(pathTouched('.', changed), true);
  assert.equal(pathTouched(undefined, changed), true);
  assert.equal(pathTouched('apps/api', undefined), true);
  assert.equal(pathTouched('apps/api', []), false);
});

const app = (name: string, repoURL: string, path?: string, targetRevision = 'HEAD'): WebhookApp => ({
  name,
  workflowId: `app/${name}`,
  repoURL,
  targetRevision,
  ...(path === undefined ? {} : { path }),
});

test('a GitHub push refreshes the apps of that repository, branch and path only', () => {
  const index = indexApps([
    app('guestbook', 'git@github.com:acme/guestbook.git', 'apps/guestbook'),
    app('api', 'https://github.com/acme/guestbook', 'apps/api'),
    app('docs', 'https://github.com/acme/guestbook', 'docs'),
    app('staging', 'https://github.com/acme/guestbook', 'apps/guestbook', 'staging'),
    app(
      'pinned',
      'https://github.com/acme/guestbook',
      'apps/guestbook',
      '0d1a26e67d8f5eaf1f6ba5c57fc3c7d91ac0fd1c',
    ),
    app('other-repo', 'https://github.com/acme/other', 'apps/guestbook'),
    app('whole-repo', 'https://github.com/acme/guestbook.git', undefined, 'main'),
  ]);
  const event = parseWebhookEvent('github', 'push', JSON.stringify(githubPush()));
  assert.equal(event.kind, 'push');
  const pushed = (event as { push: PushEvent }).push;
  assert.deepEqual(
    matchApps(pushed, index).map((a) => a.name),
    ['guestbook', 'api', 'whole-repo'],
  );
});

test('a GitLab push matches apps by its SSH or HTTP URL', () => {
  const index = indexApps([
    app('web', 'ssh://git@example.com/mike/diaspora', 'deploy/web'),
    app('api', 'http://example.com/mike/diaspora.git', 'deploy/api'),
  ]);
  const event = parseWebhookEvent('gitlab', 'Push Hook', JSON.stringify(gitlabPush()));
  assert.deepEqual(
    matchApps((event as { push: PushEvent }).push, index).map((a) => a.name),
    ['web'],
  );
});

test('a generic push without ref or paths refreshes every app of the repository', () => {
  const index = indexApps([
    app('a', '/srv/git/repo.git', 'a', 'main'),
    app('b', '/srv/git/repo.git', 'b', 'v1'),
  ]);
  const pushed: PushEvent = { provider: 'generic', repoUrls: ['/srv/git/repo.git'] };
  assert.deepEqual(
    matchApps(pushed, index).map((a) => a.name),
    ['a', 'b'],
  );
});

test('matchApps(): an app with several sources matches a push to any of its Git sources, once; charts never', () => {
  const multi: WebhookApp = {
    name: 'web',
    workflowId: 'app/web',
    repoURL: 'oci://registry.example.com/charts',
    targetRevision: '^1.0.0',
    chart: 'web',
    path: '',
    sources: [
      { repoURL: 'oci://registry.example.com/charts', targetRevision: '^1.0.0', chart: 'web', path: '' },
      { repoURL: 'https://github.com/acme/values', targetRevision: 'main', path: '' },
      { repoURL: 'https://github.com/acme/values', targetRevision: 'main', path: 'extra' },
    ],
  };
  const chart: WebhookApp = {
    name: 'chart',
    workflowId: 'app/chart',
    repoURL: 'https://github.com/acme/values',
    targetRevision: 'main',
    chart: 'values',
  };
  const index = indexApps([multi, chart]);
  const push = (repo: string): PushEvent => ({
    provider: 'generic',
    repoUrls: [repo],
    ref: 'refs/heads/main',
    changedPaths: ['extra/values.yaml'],
  });
  assert.deepEqual(
    matchApps(push('https://github.com/acme/values.git'), index).map((a) => a.name),
    ['web'],
  );
  assert.deepEqual(matchApps(push('https://registry.example.com/charts'), index), []);
});
