import { test } from 'node:test';
import assert from 'node:assert/strict';
import { escapeControlCharacters, formatSpecMessage } from '../../../config/spec-error.js';

test('escapeControlCharacters shows terminal controls as escapes and keeps tabs and newlines', () => {
  assert.equal(
    escapeControlCharacters('\u001b[31mred\u001b]8;;https://x\u0007link\r\u202egnp\tok\n'),
    '\\x1b[31mred\\x1b]8;;https://x\\x07link\\x0d\\u202egnp\tok\n',
  );
  assert.equal(escapeControlCharacters('\u009b2J\u007f'), '\\x9b2J\\x7f');
});

test('formatSpecMessage escapes control characters of every part', () => {
  assert.equal(
    formatSpecMessage(
      { file: 'a\u001b.yaml', line: 3, object: 'Application/\u0007', field: 'spec.\r' },
      'bad \u001b',
    ),
    'a\\x1b.yaml:3: Application/\\x07: spec.\\x0d: bad \\x1b',
  );
});
