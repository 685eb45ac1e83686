import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compileDirectoryFilter } from '../../../../core/manifests/directory-glob.js';

describe('compileDirectoryFilter', () => {
  const cases: [string, { include?: string; exclude?: string }, string, boolean][] = [
    ['no patterns keeps everything', {}, 'sub/a.yaml', true],
    ['empty patterns keep everything', { include: '', exclude: ' ' }, 'a.yaml', true],
    ['star crosses directories as in Argo CD', { include: '*.yaml' }, 'sub/deep/a.yaml', true],
    ['star include drops other extensions', { include: '*.yaml' }, 'a.json', false],
    ['brace list includes each name', { include: '{a.yaml,b.yaml}' }, 'b.yaml', true],
    ['brace list excludes other names', { include: '{a.yaml,b.yaml}' }, 'c.yaml', false],
    ['brace list names match whole paths only', { include: '{a.yaml,b.yaml}' }, 'sub/a.yaml', false],
    ['exclude with a directory glob', { exclude: '{config.json,env-usw2/*}' }, 'env-usw2/deep/x.yaml', false],
    ['exclude keeps other files', { exclude: '{config.json,env-usw2/*}' }, 'env-use1/x.yaml', true],
    ['exclude wins over include', { include: '*.yaml', exclude: 'secret*' }, 'secret-db.yaml', false],
    ['question mark matches one character', { include: 'app-?.yaml' }, 'app-1.yaml', true],
    ['dot files are matched like any other', { include: '*.yaml' }, '.hidden.yaml', true],
  ];
  for (const [name, options, path, expected] of cases) {
    it(`${name}: ${JSON.stringify(options)} on "${path}" is ${expected}`, () => {
      assert.equal(compileDirectoryFilter(options)(path), expected);
    });
  }
});
