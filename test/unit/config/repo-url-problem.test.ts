import { test } from 'node:test';
import assert from 'node:assert/strict';
import { repoUrlProblem } from '../../../config/repo-url-problem.js';
import { loadApplications, parseApplications, SpecError } from '../../../config/index.js';

test('repoUrlProblem() accepts ordinary https, ssh, scp-like, git, file URLs and absolute paths', () => {
  for (const url of [
    'https://github.com/acme/app.git',
    'ssh://git@github.com/acme/app.git',
    'git@github.com:acme/app.git',
    'http://127.0.0.1:8080/r.git',
    'git://h/r',
    'file:///srv/git/r.git',
    '/srv/git/r.git',
    'https://h/r.git?ref=main',
  ]) {
    assert.equal(repoUrlProblem(url), undefined, url);
  }
});

test('repoUrlProblem() refuses credentials in the URL without repeating them', () => {
  const cases: [string, string][] = [
    ['https://x-access-token:ghp_secret1@github.com/acme/app', 'a password'],
    ['https://ghp_secret1@github.com/acme/app', 'a user name or token'],
    ['ssh://git:ghp_secret1@github.com/acme/app', 'a password'],
    ['git:ghp_secret1@github.com:acme/app', 'a password'],
    ['https://h/r.git?private_token=ghp_secret1', 'query parameter "private_token"'],
    ['https://h/r.git?a=1&access_token=ghp_secret1', 'query parameter "access_token"'],
    ['https://h/r.git?sig=ghp_secret1', 'query parameter "sig"'],
    ['https://h/r.git?X-Api-Key=ghp_secret1', 'query parameter "X-Api-Key"'],
  ];
  for (const [url, what] of cases) {
    const problem = repoUrlProblem(url) ?? '';
    assert.match(problem, /^credentials in a repository URL are refused: /, url);
    assert.ok(problem.includes(what), `${url}: ${problem}`);
    assert.match(problem, /MOORING_GIT_CREDENTIALS_FILE/);
    assert.ok(!problem.includes('ghp_secret1'), problem);
  }
});

test('repoUrlProblem() refuses unknown transports, relative paths, options and control characters', () => {
  const cases: [string, RegExp][] = [
    ['ext::sh -c touch% /tmp/pwned', /transport "ext", which Mooring does not support/],
    ['ftp://h/r.git', /transport "ftp"/],
    ['repos/app.git', /is a relative path/],
    ['../app.git', /is a relative path/],
    ['--upload-pack=touch x', /starts with "-"/],
    ['https://h/r\nhost=evil', /control character/],
    ['  ', /is empty/],
  ];
  for (const [url, message] of cases) assert.match(repoUrlProblem(url) ?? '', message, JSON.stringify(url));
});

test('parseApplications and loadApplications refuse a repoURL with credentials at the field, before any Git call', async () => {
  const native = `apiVersion: mooring.dev/v1
kind: Application
metadata: { name: web }
spec:
  source: { repoURL: "https://ghp_spec1@github.com/acme/web.git", path: deploy }
  destination: { namespace: web }
`;
  const argo = `apiVersion: argoproj.io/v1alpha1
kind: Application
metadata: { name: api }
spec:
  sources:
    - repoURL: https://bot:ghp_spec1@github.com/acme/api.git
      path: deploy
  destination: { server: https://kubernetes.default.svc, namespace: api }
`;
  const cases: [string, RegExp][] = [
    [
      native,
      /^apps\.yaml:5: Application\/web: spec\.source\.repoURL: credentials in a repository URL are refused/,
    ],
    [
      argo,
      /^apps\.yaml:6: Application\/api: spec\.sources\[0\]\.repoURL: credentials in a repository URL are refused/,
    ],
  ];
  for (const [text, message] of cases) {
    assert.throws(
      () => parseApplications(text, 'apps.yaml'),
      (error: Error) => {
        assert.ok(error instanceof SpecError, String(error));
        assert.match(error.message, message);
        assert.ok(!error.message.includes('ghp_spec1'), error.message);
        return true;
      },
    );
  }
  const appSet = `apiVersion: argoproj.io/v1alpha1
kind: ApplicationSet
metadata: { name: team }
spec:
  generators:
    - git: { repoURL: "https://h/r.git?private_token=ghp_spec1", directories: [{ path: "apps/*" }] }
  template:
    metadata: { name: "{{path.basename}}" }
    spec:
      source: { repoURL: https://h/r.git, path: "{{path}}" }
      destination: { server: https://kubernetes.default.svc, namespace: x }
`;
  let listed = 0;
  const loading = loadApplications(appSet, 'set.yaml', {
    listDirectories: () => {
      listed += 1;
      return Promise.resolve([]);
    },
  });
  await assert.rejects(
    loading,
    /set\.yaml:6: ApplicationSet\/team: spec\.generators\[0\]\.git\.repoURL: credentials in a repository URL are refused: .*query parameter "private_token"/,
  );
  assert.equal(listed, 0, 'no directory listing was asked for');
});
