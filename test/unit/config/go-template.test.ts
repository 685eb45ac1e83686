import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderGoTemplate, TemplateError } from '../../../config/index.js';

const DATA = {
  name: 'Prod_EU',
  path: { basename: 'guestbook', segments: ['apps', 'guestbook'] },
  values: { tier: 'web', empty: '' },
};

test('renderGoTemplate evaluates fields, literals, pipes and functions', () => {
  const cases: [string, string][] = [
    ['{{.path.basename}}', 'guestbook'],
    ['app-{{ .name | lower | replace "_" "-" }}', 'app-prod-eu'],
    ['{{ upper .values.tier }}', 'WEB'],
    ['{{ .values.missing | default "none" }}/{{ default `d` .values.empty }}', 'none/d'],
    ['{{ trunc 4 .name }}|{{ trunc -2 .name }}', 'Prod|EU'],
    ['{{ index .path.segments 1 }}', 'guestbook'],
    ['{{ printf "%s-%d" .name 3 }}', 'Prod_EU-3'],
    ['{{ lower (printf "%s.%s" .values.tier .name) }}', 'web.prod_eu'],
    ['{{ join "/" .path.segments | quote }}', '"apps/guestbook"'],
    ['a  {{- " b " -}}  c', 'a b c'],
    ['{{ true }} {{ 42 }}', 'true 42'],
  ];
  for (const [template, expected] of cases)
    assert.equal(renderGoTemplate(template, DATA), expected, template);
});

test('renderGoTemplate refuses what it does not support instead of guessing', () => {
  const cases: [string, string][] = [
    [
      '{{ range .path.segments }}x{{ end }}',
      'unsupported template syntax "{{ range .path.segments }}": "range" blocks are not supported',
    ],
    [
      '{{/* note */}}',
      'unsupported template syntax at "/* note */}}": variables, comments and assignments are not supported',
    ],
    [
      '{{ env "HOME" }}',
      'unsupported function "env": supported functions are lower, upper, trim, trimPrefix, trimSuffix, replace, trunc, default, quote, join, index, printf',
    ],
    ['{{ .values.nope }}', '{{ .values.nope }} has no value'],
    ['{{ .path }}', '{{ .path }} is a mapping, not a value'],
    ['{{ .name "x" }}', '".name" is not a function and takes no arguments'],
    ['{{ .name', 'unclosed action "{{ .name": expected "}}"'],
  ];
  for (const [template, message] of cases) {
    assert.throws(
      () => renderGoTemplate(template, DATA),
      (err) => err instanceof TemplateError && err.message === message,
      template,
    );
  }
});
