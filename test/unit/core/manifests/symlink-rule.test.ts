import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { specialFileProblem, symlinkProblem } from '../../../../core/manifests/symlink-rule.js';

describe('symlinkProblem', () => {
  const link = {
    path: '.github/x',
    target: 'y',
    lexical: '.github/y',
    real: '.github/y',
    kind: 'file',
  } as const;

  it('allows links that stay inside, dangling ones too', () => {
    assert.equal(symlinkProblem(link), undefined);
    assert.equal(symlinkProblem({ ...link, real: undefined, kind: 'missing' }), undefined);
    assert.equal(symlinkProblem({ ...link, kind: 'directory' }), undefined);
  });

  it('refuses a target outside, naming the link and its text', () => {
    assert.equal(
      symlinkProblem({
        ...link,
        target: '/etc/passwd',
        lexical: '../../etc/passwd',
        real: '../../etc/passwd',
      }),
      'Symlink ".github/x" points outside the repository: link target is "/etc/passwd"',
    );
  });

  it('refuses a chain that ends outside, a loop and special files', () => {
    assert.match(
      String(symlinkProblem({ ...link, real: '../outside' })),
      /resolves outside the repository through a chain of links/,
    );
    assert.match(String(symlinkProblem({ ...link, real: undefined, kind: 'loop' })), /symlink loop/);
    for (const kind of ['device', 'fifo', 'socket'] as const)
      assert.match(String(symlinkProblem({ ...link, kind })), new RegExp(`points to a ${kind}`));
  });
});

describe('specialFileProblem', () => {
  it('refuses devices, FIFOs and sockets only', () => {
    assert.equal(specialFileProblem('a', 'file'), undefined);
    assert.equal(
      specialFileProblem('.cache/pipe', 'fifo'),
      '".cache/pipe" is a fifo; a repository may hold only files, directories and symlinks',
    );
  });
});
