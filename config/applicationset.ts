/**
 * Expansion of an Argo CD ApplicationSet into AppSpecs: each generator yields parameter sets, each
 * set renders `spec.template` (fasttemplate `{{key}}` style, or Go templates with `goTemplate:
 * true`) into an Argo CD Application, which is imported like a hand-written one. Errors and
 * warnings point at the ApplicationSet's own lines.
 */
import { importArgoApplication, ARGO_API_VERSION, type ArgoImportOptions } from './argocd-import.js';
import { unsupportedFields, unsupportedReason } from './argocd-schema.js';
import { DNS1123_SUBDOMAIN } from './app-schema.js';
import { generatorParams, type GeneratorSources, type ParamSet } from './appset-generators.js';
import { renderFastTemplate } from './fast-template.js';
import { renderGoTemplate, TemplateError } from './go-template.js';
import { checkSchema } from './schema-check.js';
import { isRecord, type FieldPath, type SpecDocument } from './spec-document.js';
import type { SpecWarning } from './spec-error.js';
import type { AppSpec } from './types.js';

/** Options of `expandApplicationSet`: how to resolve servers, clusters and directories. */
export interface ApplicationSetOptions extends ArgoImportOptions, GeneratorSources {}

/** Applications read from a spec, with the warnings found on the way. */
export interface SpecResult {
  apps: AppSpec[];
  warnings: SpecWarning[];
}

/** The most Applications one ApplicationSet may generate (a typo in a generator can yield thousands). */
export const MAX_GENERATED_APPS = 1000;

const open = (properties: Record<string, unknown>, required: string[] = []) => ({
  type: 'object',
  properties,
  required,
});

/** The supported subset of an Argo CD ApplicationSet; generators are checked one by one. */
export const APPLICATION_SET_SCHEMA = open(
  {
    apiVersion: { const: ARGO_API_VERSION },
    kind: { const: 'ApplicationSet' },
    metadata: open(
      { name: { type: 'string', pattern: DNS1123_SUBDOMAIN, description: 'a DNS-1123 subdomain' } },
      ['name'],
    ),
    spec: open(
      {
        goTemplate: { type: 'boolean' },
        goTemplateOptions: { type: 'array', items: { type: 'string' } },
        generators: { type: 'array', minItems: 1, items: { type: 'object', additionalProperties: {} } },
        template: {
          type: 'object',
          additionalProperties: {},
          properties: { metadata: { type: 'object' }, spec: { type: 'object' } },
          required: ['metadata', 'spec'],
        },
      },
      ['generators', 'template'],
    ),
  },
  ['apiVersion', 'kind', 'metadata', 'spec'],
);

interface AppSetSpec {
  goTemplate?: boolean;
  generators: unknown[];
  template: Record<string, unknown>;
  templatePatch?: unknown;
}

function renderValue(
  doc: SpecDocument,
  value: unknown,
  path: FieldPath,
  set: ParamSet,
  goTemplate: boolean,
  warnings: SpecWarning[],
): unknown {
  if (typeof value === 'string') {
    if (!value.includes('{{')) return value;
    try {
      if (goTemplate) return renderGoTemplate(value, set.nested);
    } catch (err) {
      if (err instanceof TemplateError) throw doc.error(['spec', 'template', ...path], err.message);
      throw err;
    }
    const { text, unresolved } = renderFastTemplate(value, set.flat);
    for (const key of unresolved) {
      warnings.push(
        doc.warning(
          ['spec', 'template', ...path],
          `no generator sets the parameter "{{${key}}}": left as it is`,
        ),
      );
    }
    return text;
  }
  if (Array.isArray(value))
    return value.map((v, i) => renderValue(doc, v, [...path, i], set, goTemplate, warnings));
  if (isRecord(value)) {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [
        k,
        renderValue(doc, v, [...path, k], set, goTemplate, warnings),
      ]),
    );
  }
  return value;
}

/**
 * Generates the Applications of an ApplicationSet document and imports each one.
 *
 * @throws {SpecError} for unsupported generators or template syntax, invalid generated
 *   Applications and duplicate generated names
 */
export function expandApplicationSet(doc: SpecDocument, options: ApplicationSetOptions = {}): SpecResult {
  checkSchema(doc, APPLICATION_SET_SCHEMA, structuredClone(doc.value));
  const spec = (doc.value as { spec: AppSetSpec }).spec;
  if (spec.templatePatch !== undefined)
    throw doc.error(
      ['spec', 'templatePatch'],
      'is not supported by Mooring: put the fields in spec.template',
    );
  const warnings: SpecWarning[] = unsupportedFields(doc.value, APPLICATION_SET_SCHEMA).map((path) =>
    doc.warning(path, unsupportedReason(path)),
  );
  const goTemplate = spec.goTemplate === true;
  const apps: AppSpec[] = [];
  const names = new Set<string>();
  const generated = spec.generators.map((_, index) =>
    generatorParams(doc, index, options, { goTemplate, warnings }),
  );
  const count = generated.reduce((sum, sets) => sum + sets.length, 0);
  if (count > MAX_GENERATED_APPS)
    throw doc.error(
      ['spec', 'generators'],
      `generate ${count} Applications, more than the ${MAX_GENERATED_APPS} one ApplicationSet may generate: split it into several ApplicationSets or narrow its generators`,
    );
  generated.forEach((sets) => {
    for (const set of sets) {
      const rendered = renderValue(doc, spec.template, [], set, goTemplate, warnings) as Record<
        string,
        unknown
      >;
      const generated = { apiVersion: ARGO_API_VERSION, kind: 'Application', ...rendered };
      const metadata = isRecord(rendered.metadata) ? rendered.metadata : {};
      const name = String(metadata.name ?? '');
      const view = doc.scoped(
        generated,
        ['spec', 'template'],
        ` (in the Application generated as ${JSON.stringify(name)})`,
      );
      const result = importArgoApplication(view, options);
      if (names.has(result.app.name)) {
        throw doc.error(
          ['spec', 'template', 'metadata', 'name'],
          `generates the Application name ${JSON.stringify(result.app.name)} more than once: make the name depend on a parameter that differs`,
        );
      }
      names.add(result.app.name);
      apps.push(result.app);
      warnings.push(...result.warnings);
    }
  });
  if (apps.length === 0) warnings.push(doc.warning(['spec', 'generators'], 'generate no Applications'));
  const unique = new Map(warnings.map((w) => [w.message, w]));
  return { apps, warnings: [...unique.values()] };
}
