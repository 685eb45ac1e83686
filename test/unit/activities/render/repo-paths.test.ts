import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import { ManifestInvalid } from '../../../../contract/errors.js';
import {
  assertNoEscapingSymlinks,
  assertNoEscapingSymlinksOnce,
  resolveAppDir,
} from '../../../../activities/render/repo-paths.js';
import { manifest, tempRepo, type TempRepo } from './temp-repo.js';

describe('resolveAppDir', () => {
  let repo: TempRepo;
  let outside: TempRepo;
  before(async () => {
    repo = await tempRepo({ 'apps/web/svc.yaml': manifest('Service', 'web'), 'README.md': '# repo' });
    outside = await tempRepo({ 'secret.yaml': manifest('Secret', 'stolen') });
    await repo.link('apps/escape', outside.root);
    await repo.link('apps/alias', 'web');
  });
  after(async () => {
    await repo.remove();
    await outside.remove();
  });

  it('resolves a relative path, with or without ./ and slashes', async () => {
    for (const path of ['apps/web', './apps/web/', 'apps//web']) {
      assert.equal((await resolveAppDir(repo.root, path)).appDir, join(repo.root, 'apps/web'));
    }
    assert.equal((await resolveAppDir(repo.root, '.')).appDir, repo.root);
    assert.equal((await resolveAppDir(repo.root, '')).appDir, repo.root);
  });

  it('follows a symlinked app directory that stays inside', async () => {
    assert.equal((await resolveAppDir(repo.root, 'apps/alias')).appDir, join(repo.root, 'apps/web'));
  });

  const rejected: [string, RegExp][] = [
    [
      '../other',
      /Invalid app path "\.\.\/other": it must be relative to the repository root and contain no "\.\." segment/,
    ],
    ['apps/../../etc', /contain no "\.\." segment/],
    ['/etc', /Invalid app path "\/etc"/],
    ['apps/missing', /App path "apps\/missing" does not exist in the repository/],
    ['README.md', /App path "README.md" is not a directory/],
    ['apps/escape', /App path "apps\/escape" resolves outside the repository through a symlink/],
  ];
  for (const [path, message] of rejected) {
    it(`rejects "${path}"`, async () => {
      await assert.rejects(resolveAppDir(repo.root, path), (error: unknown) => {
        assert.ok(error instanceof ManifestInvalid);
        assert.match(error.message, message);
        return true;
      });
    });
  }
});

describe('assertNoEscapingSymlinks', () => {
  it('accepts symlinks that stay inside the repository, even dangling ones', async () => {
    const repo = await tempRepo({ 'a/x.yaml': manifest('Service', 'x') });
    try {
      await repo.link('b/x.yaml', '../a/x.yaml');
      await repo.link('b/dir', '../a');
      await repo.link('b/gone.yaml', 'missing.yaml');
      await assertNoEscapingSymlinks(repo.root);
    } finally {
      await repo.remove();
    }
  });

  it('rejects a file or directory symlink anywhere in the tree pointing outside', async () => {
    for (const target of ['/etc/hostname', '/etc', '../../../../../../../../tmp/nowhere']) {
      const repo = await tempRepo({ 'a/x.yaml': manifest('Service', 'x') });
      try {
        await repo.link('deep/er/link', target);
        await assert.rejects(
          assertNoEscapingSymlinks(repo.root),
          new ManifestInvalid(
            `Symlink "deep/er/link" points outside the repository: link target is "${target}"`,
          ),
        );
      } finally {
        await repo.remove();
      }
    }
  });
});

describe('assertNoEscapingSymlinksOnce (a checkout that never changes)', () => {
  it('refuses an escaping symlink at every render of the tree, not only the first', async () => {
    const repo = await tempRepo({ 'a/x.yaml': manifest('Service', 'x') });
    try {
      await repo.link('a/link', '/etc');
      for (let render = 0; render < 3; render++)
        await assert.rejects(
          assertNoEscapingSymlinksOnce(repo.root),
          new ManifestInvalid('Symlink "a/link" points outside the repository: link target is "/etc"'),
        );
    } finally {
      await repo.remove();
    }
  });

  it('walks a clean tree once: a tree is one commit, so what is added later is not looked at', async () => {
    const repo = await tempRepo({ 'a/x.yaml': manifest('Service', 'x') });
    try {
      await assertNoEscapingSymlinksOnce(repo.root);
      await repo.link('a/link', '/etc');
      await assertNoEscapingSymlinksOnce(repo.root);
      await assert.rejects(assertNoEscapingSymlinks(repo.root), ManifestInvalid);
    } finally {
      await repo.remove();
    }
  });
});

describe('assertNoEscapingSymlinks in hidden folders, chains, loops and special files', () => {
  let repo: TempRepo;
  beforeEach(async () => {
    repo = await tempRepo({ 'app/cm.yaml': manifest('ConfigMap', 'x') });
  });
  afterEach(() => repo.remove());

  const refuses = (message: string | RegExp) => (error: unknown) => {
    assert.ok(error instanceof ManifestInvalid, String(error));
    if (typeof message === 'string') assert.equal(error.message, message);
    else assert.match(error.message, message);
    assert.doesNotMatch(error.message, new RegExp(repo.root));
    return true;
  };

  it('checks links inside hidden folders, nested ones too', async () => {
    await repo.link('app/.config/deep/.x/passwd', '/etc/passwd');
    await assert.rejects(
      assertNoEscapingSymlinks(repo.root),
      refuses(
        'Symlink "app/.config/deep/.x/passwd" points outside the repository: link target is "/etc/passwd"',
      ),
    );
  });

  it('skips only the root .git directory, not a nested one', async () => {
    await repo.link('.git/objects/evil', '/etc/passwd');
    await assertNoEscapingSymlinks(repo.root);
    await repo.link('app/.git/evil', '/etc/passwd');
    await assert.rejects(
      assertNoEscapingSymlinks(repo.root),
      refuses(/^Symlink "app\/\.git\/evil" points outside/),
    );
  });

  it('refuses a chain of links that ends outside although each text looks inside', async () => {
    await repo.link('app/here', '.');
    await repo.link('app/sneaky', 'here/..');
    await repo.link('app/z', 'sneaky/..');
    await assert.rejects(
      assertNoEscapingSymlinks(repo.root),
      refuses(
        /^Symlink "app\/z" \(link target "sneaky\/\.\."\) resolves outside the repository through a chain of links$/,
      ),
    );
  });

  it('refuses a loop and a link to a device', async () => {
    await repo.link('a', 'b');
    await repo.link('b', 'a');
    await assert.rejects(
      assertNoEscapingSymlinks(repo.root),
      refuses(/^Symlink "a" \(link target "b"\) is part of a symlink loop/),
    );
    await rm(join(repo.root, 'a'));
    await rm(join(repo.root, 'b'));
    await repo.link('app/null', '/dev/null');
    await assert.rejects(
      assertNoEscapingSymlinks(repo.root),
      refuses(/^Symlink "app\/null" points outside the repository/),
    );
  });

  it('refuses a FIFO in the checkout', async () => {
    execFileSync('mkfifo', [join(repo.root, 'app/.pipe')]);
    await assert.rejects(
      assertNoEscapingSymlinks(repo.root),
      refuses('"app/.pipe" is a fifo; a repository may hold only files, directories and symlinks'),
    );
  });
});
