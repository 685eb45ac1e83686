/**
 * Application specs: reads YAML streams of native `mooring.dev/v1` Applications, Argo CD
 * `argoproj.io/v1alpha1` Applications and ApplicationSets, and returns validated AppSpecs with
 * Mooring's defaults filled in.
 *
 * Decides: which kinds are accepted, how Argo CD fields map onto AppSpec, which ApplicationSet
 * generators and template syntax are supported, and the wording and location of every problem.
 * Errors are SpecError (TypeError; SpecSyntaxError, a SyntaxError, for unparsable YAML) with the
 * message `<file>:<line>: <Kind>/<name>: <field>: <problem>`; Argo fields Mooring ignores become
 * warnings of the same shape, never silent drops.
 *
 * Never reads files, Git or clusters: clusters and directory listings come from callbacks.
 * Order: parse YAML → per document, dispatch on apiVersion/kind → schema → conversion → defaults
 * → duplicate names across the whole stream.
 */
import { ARGO_API_VERSION, importArgoApplication } from './argocd-import.js';
import { expandApplicationSet, type ApplicationSetOptions, type SpecResult } from './applicationset.js';
import { NATIVE_API_VERSION, nativeAppSpec } from './native-app.js';
import { isRecord, readSpecDocuments, type FieldPath, type SpecDocument } from './spec-document.js';
import { repoUrlProblem } from './repo-url-problem.js';
import type { SpecLocation } from './spec-error.js';

/** Options of `parseApplications`: the cluster registry and directory listings used by imports. */
export type ParseApplicationsOptions = ApplicationSetOptions;

const KINDS = `"${NATIVE_API_VERSION}" Application, "${ARGO_API_VERSION}" Application or "${ARGO_API_VERSION}" ApplicationSet`;

/**
 * Refuses a repoURL the agent would refuse whatever its policy (credentials in it, an unknown
 * transport, a relative path), so a bad spec fails here, before anything contacts Temporal.
 */
function checkRepoUrl(doc: SpecDocument, repoURL: string): void {
  const problem = repoUrlProblem(repoURL);
  if (problem === undefined) return;
  const value = isRecord(doc.value) ? doc.value : {};
  const template = value.kind === 'ApplicationSet' ? ['spec', 'template'] : [];
  let spec: unknown = value;
  for (const key of [...template, 'spec']) spec = isRecord(spec) ? spec[key] : undefined;
  const source: FieldPath = isRecord(spec) && Array.isArray(spec.sources) ? ['sources', 0] : ['source'];
  throw doc.error([...template, 'spec', ...source, 'repoURL'], problem);
}

function readDocument(doc: SpecDocument, options: ParseApplicationsOptions): SpecResult {
  const { apiVersion, kind } = doc.value as { apiVersion?: unknown; kind?: unknown };
  if (apiVersion === NATIVE_API_VERSION && kind === 'Application') {
    const { app, warnings } = nativeAppSpec(doc);
    return { apps: [app], warnings };
  }
  if (apiVersion === ARGO_API_VERSION && kind === 'Application') {
    const { app, warnings } = importArgoApplication(doc, options);
    return { apps: [app], warnings };
  }
  if (apiVersion === ARGO_API_VERSION && kind === 'ApplicationSet') return expandApplicationSet(doc, options);
  const field = kind === undefined ? 'kind' : 'apiVersion';
  if (apiVersion === undefined || kind === undefined)
    throw doc.error([field], `is required: expected ${KINDS}`);
  throw doc.error(
    [field],
    `unsupported kind ${JSON.stringify(`${String(apiVersion)} ${String(kind)}`)}: expected ${KINDS}`,
  );
}

/**
 * Reads every Application in a multi-document YAML stream. `file` is only used in messages.
 *
 * @example
 * const { apps, warnings } = parseApplications(text, 'apps/guestbook.yaml');
 * @throws {SpecSyntaxError} when the text is not YAML
 * @throws {SpecError} for the first invalid document, unsupported kind or duplicate name
 */
export function parseApplications(
  text: string,
  file: string,
  options: ParseApplicationsOptions = {},
): SpecResult {
  const result: SpecResult = { apps: [], warnings: [] };
  const seen = new Map<string, SpecLocation>();
  for (const doc of readSpecDocuments(text, file)) {
    const { apps, warnings } = readDocument(doc, options);
    for (const app of apps) {
      // A chart source's repoURL (https:// or oci://) was checked with the source (sourceProblem).
      if (app.source.chart === undefined) checkRepoUrl(doc, app.source.repoURL);
      const first = seen.get(app.name);
      if (first) {
        throw doc.error(
          ['metadata', 'name'],
          `duplicate Application name ${JSON.stringify(app.name)}: already defined by ${first.object} at ${first.file}:${first.line}`,
        );
      }
      seen.set(app.name, doc.locate(['metadata', 'name']));
    }
    result.apps.push(...apps);
    result.warnings.push(...warnings);
  }
  return result;
}
