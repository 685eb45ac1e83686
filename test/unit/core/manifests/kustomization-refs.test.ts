import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { kustomizationRefs, pluginConfigProblem } from '../../../../core/manifests/kustomization-refs.js';

describe('kustomizationRefs', () => {
  it('sorts resources, bases and components into local and remote, naming the field', () => {
    const refs = kustomizationRefs(
      'resources:\n- deploy.yaml\n- ../base\n- github.com/org/repo//x?ref=v1\nbases:\n- https://h.example/b.yaml\ncomponents:\n- ../components/tls\n',
    );
    assert.deepEqual(refs.local, [
      { field: 'resources[0]', entry: 'deploy.yaml' },
      { field: 'resources[1]', entry: '../base' },
      { field: 'components[0]', entry: '../components/tls' },
    ]);
    assert.deepEqual(refs.remote, [
      { field: 'resources[2]', entry: 'github.com/org/repo//x?ref=v1' },
      { field: 'bases[0]', entry: 'https://h.example/b.yaml' },
    ]);
    assert.deepEqual(refs.plugins, []);
  });

  it('finds URLs in every file field', () => {
    const refs = kustomizationRefs(
      [
        'patches:\n- path: https://h.example/p.yaml',
        'patchesStrategicMerge:\n- https://h.example/psm.yaml',
        'configMapGenerator:\n- name: c\n  files:\n  - k=http://169.254.169.254/latest/meta-data\n  envs:\n  - local.env',
        'openapi:\n  path: https://h.example/schema.json',
      ].join('\n'),
    );
    assert.deepEqual(
      refs.remote.map((r) => r.field),
      ['patchesStrategicMerge[0]', 'patches[0].path', 'openapi.path', 'configMapGenerator[0].files[0]'],
    );
  });

  it('reports Helm charts and inline exec/container plugins, and lists plugin config paths', () => {
    const refs = kustomizationRefs(
      [
        'helmCharts:\n- name: redis\n  repo: https://charts.example',
        'generators:\n- gen.yaml\n- ../generators',
        'transformers:',
        '- apiVersion: builtin\n  kind: PrefixSuffixTransformer\n  metadata:\n    name: p\n  prefix: x-',
        '- apiVersion: fn.example/v1\n  kind: Render\n  metadata:\n    name: r\n    annotations:\n      config.kubernetes.io/function: "container:\\n  image: evil\\n"',
      ].join('\n'),
    );
    assert.deepEqual(refs.plugins, [
      { field: 'transformers[1]', entry: 'Render is a KRM function (exec or container plugin)' },
      { field: 'helmCharts[0]', entry: 'redis (Helm chart inflation)' },
    ]);
    assert.deepEqual(
      refs.pluginConfigs.map((r) => r.entry),
      ['gen.yaml', '../generators'],
    );
  });

  it('throws on text that is not a YAML mapping', () => {
    assert.throws(() => kustomizationRefs('- a\n- b\n'), /must be a YAML mapping/);
    assert.throws(() => kustomizationRefs('resources: [\n'), Error);
  });
});

describe('pluginConfigProblem', () => {
  it('accepts builtins and refuses functions, Helm inflation and non-builtin kinds', () => {
    assert.equal(pluginConfigProblem({ apiVersion: 'builtin', kind: 'LabelTransformer' }), undefined);
    assert.match(String(pluginConfigProblem({ kind: 'HelmChartInflationGenerator' })), /runs helm/);
    assert.match(
      String(pluginConfigProblem({ apiVersion: 'x/v1', kind: 'SopsGenerator' })),
      /not a builtin plugin/,
    );
    assert.match(
      String(
        pluginConfigProblem({
          kind: 'ConfigMapGenerator',
          metadata: { annotations: { 'config.k8s.io/function': 'exec: {path: ./x}' } },
        }),
      ),
      /KRM function/,
    );
  });
});
