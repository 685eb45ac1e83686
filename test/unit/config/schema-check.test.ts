import { test } from 'node:test';
import assert from 'node:assert/strict';
import { jqPathProblem } from '../../../config/schema-check.js';

test('jqPathProblem accepts jq paths as Argo CD ignoreDifferences uses them', () => {
  for (const expression of [
    '.spec.replicas',
    '.spec.template.spec.containers[] | select(.name == "web") | .image',
    '.metadata.annotations["a|b"]',
    '.data | keys',
  ])
    assert.equal(jqPathProblem(expression), undefined, expression);
});

test('jqPathProblem names the first syntax problem', () => {
  const cases: [string, string][] = [
    ['spec.replicas', 'must be a jq path expression starting with "."'],
    ['.a | | .b', 'cannot parse as jq: empty pipe stage before character 6'],
    ['.a | select(.b == "x"', 'cannot parse as jq: 1 bracket(s) not closed, expected ")"'],
    ['.a]', 'cannot parse as jq: unexpected "]" at character 3'],
    ['.a["b]', 'cannot parse as jq: the string starting at character 4 is not closed'],
    ['.a |', 'cannot parse as jq: the expression ends with "|"'],
  ];
  for (const [expression, problem] of cases) assert.equal(jqPathProblem(expression), problem, expression);
});
