import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseAllDocuments } from 'yaml';
import { yamlErrorReason } from '../../../../core/scrub/yaml-error.js';

const SECRET = 'hunter2-Marker';

/** The first error `yaml` reports for `text`, with its code frame (prettyErrors). */
function firstError(text: string): Error {
  const docs = parseAllDocuments(text, { prettyErrors: true });
  const error = (Array.isArray(docs) ? docs : [docs]).flatMap((d) => d.errors)[0];
  assert.ok(error, 'the text has a YAML error');
  return error;
}

describe('yamlErrorReason', () => {
  it('drops the code frame that quotes the broken line of a Secret, keeping the position', () => {
    const error = firstError(`apiVersion: v1\nkind: Secret\nstringData:\n  password: ${SECRET}: x\n`);
    assert.ok(error.message.includes(SECRET), 'the raw message quotes the value');
    const reason = yamlErrorReason(error);
    assert.ok(!reason.includes(SECRET), reason);
    assert.match(reason, /at line 4, column \d+$/);
  });

  it('drops source text quoted by the message itself', () => {
    const error = firstError(`kind: Secret\nstringData:\n  password: "ab\\q${SECRET}"\n`);
    const reason = yamlErrorReason(error);
    assert.ok(!reason.includes('\\q'), reason);
    assert.match(reason, /^Invalid escape sequence \*\*\*/);
  });

  it('keeps messages that quote nothing', () => {
    assert.equal(
      yamlErrorReason(new Error('Map keys must be unique at line 3, column 1:\n\nx: 1\n^\n')),
      'Map keys must be unique at line 3, column 1',
    );
  });
});
