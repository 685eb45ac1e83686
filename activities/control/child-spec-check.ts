/**
 * The control plane's check of the child app specs an agent returned. What an agent sends back is
 * untrusted input (a compromised or mismatched agent could send anything), so each spec goes
 * through the same schema, defaults and URL checks as `mooring app apply` before it is registered.
 */
import { stringify } from 'yaml';
import { inlineHelmValuesProblem } from '../../config/app-schema.js';
import { NATIVE_API_VERSION, nativeAppSpec } from '../../config/native-app.js';
import { repoUrlProblem } from '../../config/repo-url-problem.js';
import { isRecord, readSpecDocuments } from '../../config/spec-document.js';
import { escapeControlCharacters, SpecError, SpecSyntaxError } from '../../config/spec-error.js';
import type { AppSpec } from '../../config/types.js';
import { ManifestInvalid } from '../../contract/errors.js';
import { ownNameRefusal } from './child-applications.js';

/** A problem with one field of a returned spec (`name`, `source.repoURL`, …; "" for the whole spec). */
class ChildSpecProblem extends Error {
  constructor(
    readonly field: string,
    readonly problem: string,
  ) {
    super(problem);
  }
}

/** How a message names the child: its name when it has a readable one, else its position. */
function childLabel(raw: unknown, index: number): string {
  const name = isRecord(raw) ? raw.name : undefined;
  if (typeof name !== 'string' || name === '') return `#${index + 1}`;
  const shown = name.length > 63 ? `${name.slice(0, 60)}...` : name;
  return `"${escapeControlCharacters(shown)}"`;
}

/** The AppSpec field a native Application path stands for: `spec.source.path` → `source.path`. */
function specField(field: string): string {
  if (field === 'metadata.name' || field === 'metadata') return 'name';
  return field.replace(/^spec\.?/, '');
}

/** One returned spec, validated and with defaults filled in. @throws {ChildSpecProblem} */
function checkOne(raw: unknown, file: string): AppSpec {
  if (!isRecord(raw)) throw new ChildSpecProblem('', 'must be a mapping');
  const { name, ...spec } = raw;
  if (typeof name !== 'string') throw new ChildSpecProblem('name', 'must be a string');
  // Before the schema, so that no message can show a value that must not travel at all.
  const helm = isRecord(spec.source) ? spec.source.helm : undefined;
  const inline = inlineHelmValuesProblem(helm);
  if (inline) throw new ChildSpecProblem(`source.helm.${inline.field}`, inline.problem);
  const value = { apiVersion: NATIVE_API_VERSION, kind: 'Application', metadata: { name }, spec };
  let app: AppSpec;
  try {
    const [doc] = readSpecDocuments(stringify(value), file);
    if (!doc) throw new ChildSpecProblem('', 'is empty');
    // The imported-app schema: names may be DNS-1123 subdomains, as Argo CD children's are.
    app = nativeAppSpec(doc, { imported: value }).app;
  } catch (err) {
    if (err instanceof SpecError || err instanceof SpecSyntaxError)
      throw new ChildSpecProblem(specField(err.field), err.problem);
    throw err;
  }
  // A chart source's repoURL (https:// or oci://) was checked with the spec (sourceProblem).
  const urlProblem = app.source.chart === undefined ? repoUrlProblem(app.source.repoURL) : undefined;
  if (urlProblem) throw new ChildSpecProblem('source.repoURL', urlProblem);
  return app;
}

/**
 * The specs of `specs`, each validated as `mooring app apply` validates an Application (defaults
 * filled in). One bad spec refuses them all.
 * @param source names the parent in messages, e.g. `app apps @ a1b2c3d`
 * @throws {ManifestInvalid} naming the parent, the child and the field
 * @throws {PolicyViolation} when a child has the parent's own name
 */
export function checkChildSpecs(specs: unknown, source: string, parent: string): AppSpec[] {
  const refuse = (child: string, field: string, problem: string): ManifestInvalid =>
    new ManifestInvalid(
      `${source}: the agent returned child app ${child} with an invalid spec` +
        `${field ? ` (${field})` : ''}: ${problem}; nothing was registered. ` +
        "Check that the cluster's agent runs the same Mooring version as the control plane, and " +
        'its logs: the control plane registers only specs it can validate',
    );
  if (!Array.isArray(specs)) throw refuse('list', '', 'must be a list of application specs');
  const seen = new Set<string>();
  return specs.map((raw: unknown, index) => {
    let app: AppSpec;
    try {
      app = checkOne(raw, `child ${index + 1} of ${source}`);
    } catch (err) {
      if (err instanceof ChildSpecProblem) throw refuse(childLabel(raw, index), err.field, err.problem);
      throw err;
    }
    if (app.name === parent) throw ownNameRefusal(source, parent);
    if (seen.has(app.name))
      throw refuse(childLabel(raw, index), 'name', 'is the name of another child of the same parent');
    seen.add(app.name);
    return app;
  });
}
