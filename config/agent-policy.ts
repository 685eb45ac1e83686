/**
 * The agent's policy file: `Project` (native) and `AppProject` (Argo CD) documents, plus at most one
 * `AgentPolicy` with agent-wide settings. The agent reads it from its own disk (or a ConfigMap it
 * loads), never from a workflow payload.
 *
 * An imported AppProject binds no app by itself (Argo CD binds apps through `spec.project`, which
 * anyone able to start a workflow could forge): the annotation `mooring.dev/applications` lists the
 * app-name globs it binds, comma-separated.
 */
import { dirname, isAbsolute, resolve } from 'node:path';
import type {
  AgentPolicy,
  AgentSettings,
  KindRule,
  Project,
  ProjectDestination,
  SyncWindow,
} from './policy-types.js';
import { checkSchema } from './schema-check.js';
import { signingKeysProblem } from './signing-keys.js';
import { checkSyncWindows } from './sync-window.js';
import { readSpecDocuments, type SpecDocument } from './spec-document.js';
import type { SpecWarning } from './spec-error.js';
import { AGENT_POLICY_SCHEMA, APP_PROJECT_SCHEMA, PROJECT_SCHEMA } from './policy-schema.js';

/** Annotation on an imported AppProject listing the app-name globs it binds. */
export const APPLICATIONS_ANNOTATION = 'mooring.dev/applications';
/** Annotation on an imported AppProject listing the projects its apps of apps may create children in. */
export const CHILD_PROJECTS_ANNOTATION = 'mooring.dev/child-projects';

/** Namespaces no app may touch unless the policy file names its own list. */
export const DEFAULT_PROTECTED_NAMESPACES = [
  'mooring-system',
  'kube-system',
  'kube-public',
  'kube-node-lease',
];

const APP_PROJECT_IGNORED = [
  'description',
  'roles',
  'orphanedResources',
  'sourceNamespaces',
  'destinationServiceAccounts',
  'permitOnlyProjectScopedClusters',
];

export interface LoadedPolicy {
  policy: AgentPolicy;
  warnings: SpecWarning[];
}

/** Reads a file's text; injected so tests need no disk. */
export type ReadText = (path: string) => string;

/** A native Project's `spec` after schema defaults: the Project's rules, with keys as files or lines. */
type ProjectSpec = Omit<Project, 'name' | 'origin' | 'signatureKeys' | 'syncWindows'> & {
  signatureKeys: { gpgPublicKeyFile?: string; sshPublicKey?: string; principal: string }[];
  syncWindows: SyncWindow[];
};

function nativeProject(doc: SpecDocument, readText: ReadText): Project {
  checkSchema(doc, PROJECT_SCHEMA, doc.value);
  const value = doc.value as { metadata: { name: string }; spec: ProjectSpec };
  const spec = value.spec;
  const gpgPublicKeys: string[] = [];
  const sshAllowedSigners: string[] = [];
  spec.signatureKeys.forEach((key, i) => {
    const path: (string | number)[] = ['spec', 'signatureKeys', i];
    if ((key.gpgPublicKeyFile === undefined) === (key.sshPublicKey === undefined))
      throw doc.error(path, 'must name exactly one of "gpgPublicKeyFile" and "sshPublicKey"');
    if (key.gpgPublicKeyFile !== undefined) {
      const file = isAbsolute(key.gpgPublicKeyFile)
        ? key.gpgPublicKeyFile
        : resolve(dirname(doc.file), key.gpgPublicKeyFile);
      let text: string;
      try {
        text = readText(file);
      } catch (err) {
        throw doc.error([...path, 'gpgPublicKeyFile'], `cannot read ${file}: ${(err as Error).message}`);
      }
      if (!text.includes('BEGIN PGP PUBLIC KEY BLOCK'))
        throw doc.error([...path, 'gpgPublicKeyFile'], `${file} is not an ASCII-armored GPG public key`);
      gpgPublicKeys.push(text);
    }
    if (key.sshPublicKey !== undefined) {
      if (
        !/^(ssh-ed25519|ssh-rsa|ecdsa-sha2-nistp(256|384|521)|sk-ssh-ed25519@openssh\.com) [A-Za-z0-9+/=]+/.test(
          key.sshPublicKey,
        )
      )
        throw doc.error([...path, 'sshPublicKey'], 'must be an SSH public key like "ssh-ed25519 AAAA..."');
      sshAllowedSigners.push(`${key.principal} ${key.sshPublicKey}`);
    }
  });
  const keyProblem = signingKeysProblem({ gpgPublicKeys, sshAllowedSigners }, 'signature keys');
  if (keyProblem !== undefined) throw doc.error(['spec', 'signatureKeys'], keyProblem);
  return {
    name: value.metadata.name,
    origin: `${doc.file}, Project/${value.metadata.name}`,
    applications: spec.applications,
    sourceRepos: spec.sourceRepos,
    destinations: spec.destinations,
    clusterResourceWhitelist: spec.clusterResourceWhitelist,
    clusterResourceBlacklist: spec.clusterResourceBlacklist,
    namespaceResourceWhitelist: spec.namespaceResourceWhitelist,
    namespaceResourceBlacklist: spec.namespaceResourceBlacklist,
    childProjects: spec.childProjects,
    render: spec.render,
    signatureKeys: { gpgPublicKeys, sshAllowedSigners },
    syncWindows: checkSyncWindows(doc, spec.syncWindows),
  };
}

function splitList(text: string | undefined): string[] {
  return (text ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

function importedProject(doc: SpecDocument, warnings: SpecWarning[]): Project {
  checkSchema(doc, APP_PROJECT_SCHEMA, doc.value);
  const value = doc.value as {
    metadata: { name: string; annotations?: Record<string, string> };
    spec: Record<string, unknown> & {
      sourceRepos?: string[];
      destinations?: { server?: string; name?: string; namespace?: string }[];
      clusterResourceWhitelist?: KindRule[];
      clusterResourceBlacklist?: KindRule[];
      namespaceResourceWhitelist?: KindRule[];
      namespaceResourceBlacklist?: KindRule[];
      signatureKeys?: unknown[];
      syncWindows: (SyncWindow & { syncOverrun?: boolean })[];
    };
  };
  const { spec, metadata } = value;
  if (spec.signatureKeys && spec.signatureKeys.length > 0)
    throw doc.error(
      ['spec', 'signatureKeys'],
      'Argo CD key IDs refer to keys Mooring does not hold: declare the keys in a mooring.dev/v1 Project (signatureKeys[].gpgPublicKeyFile or sshPublicKey)',
    );
  for (const field of APP_PROJECT_IGNORED)
    if (spec[field] !== undefined)
      warnings.push(doc.warning(['spec', field], 'is not enforced by Mooring; ignored'));
  spec.syncWindows.forEach((w, i) => {
    if (w.syncOverrun !== undefined)
      warnings.push(
        doc.warning(
          ['spec', 'syncWindows', i, 'syncOverrun'],
          'is not needed: Mooring checks windows when a sync starts, and a started sync always runs to its end',
        ),
      );
  });
  const applications = splitList(metadata.annotations?.[APPLICATIONS_ANNOTATION]);
  if (applications.length === 0 && metadata.name !== 'default')
    warnings.push(
      doc.warning(
        ['metadata', 'annotations'],
        `binds no application: add the annotation "${APPLICATIONS_ANNOTATION}" with the app-name globs this project governs`,
      ),
    );
  const destinations = (spec.destinations ?? []).map((d, i): ProjectDestination => {
    if (d.namespace === undefined)
      throw doc.error(['spec', 'destinations', i, 'namespace'], 'is required (use "*" for every namespace)');
    if (d.server === undefined && d.name === undefined)
      throw doc.error(
        ['spec', 'destinations', i],
        'must name "server" or "name" (use "*" for every cluster)',
      );
    return { cluster: d.name, server: d.server, namespace: d.namespace };
  });
  return {
    name: metadata.name,
    origin: `${doc.file}, AppProject/${metadata.name}`,
    applications,
    sourceRepos: spec.sourceRepos ?? [],
    destinations,
    clusterResourceWhitelist: (spec.clusterResourceWhitelist ?? []).map((r) => ({
      group: r.group ?? '',
      kind: r.kind,
    })),
    clusterResourceBlacklist: (spec.clusterResourceBlacklist ?? []).map((r) => ({
      group: r.group ?? '',
      kind: r.kind,
    })),
    namespaceResourceWhitelist: spec.namespaceResourceWhitelist?.map((r) => ({
      group: r.group ?? '',
      kind: r.kind,
    })),
    namespaceResourceBlacklist: (spec.namespaceResourceBlacklist ?? []).map((r) => ({
      group: r.group ?? '',
      kind: r.kind,
    })),
    childProjects: splitList(metadata.annotations?.[CHILD_PROJECTS_ANNOTATION]),
    render: { allowRemoteValueFiles: false, allowRemoteBases: false, allowPlugins: false },
    signatureKeys: { gpgPublicKeys: [], sshAllowedSigners: [] },
    syncWindows: checkSyncWindows(doc, spec.syncWindows),
  };
}

function agentSettings(doc: SpecDocument): AgentSettings {
  checkSchema(doc, AGENT_POLICY_SCHEMA, doc.value);
  const spec = (doc.value as { spec: { git: { allowedSchemes: string[] }; protectedNamespaces?: string[] } })
    .spec;
  return {
    allowedRepoSchemes: [...new Set(spec.git.allowedSchemes)],
    protectedNamespaces: spec.protectedNamespaces ?? DEFAULT_PROTECTED_NAMESPACES,
  };
}

/**
 * Parses a policy file's text. Throws a SpecError naming file, line, object and field for any
 * problem; a file without a single project is an error (the agent would refuse every app).
 */
export function parsePolicy(text: string, file: string, readText: ReadText): LoadedPolicy {
  const warnings: SpecWarning[] = [];
  const projects: Project[] = [];
  let settings: AgentSettings | undefined;
  const docs = readSpecDocuments(text, file);
  for (const doc of docs) {
    const value = doc.value as Record<string, unknown>;
    const kind = `${String(value.apiVersion)}/${String(value.kind)}`;
    let project: Project | undefined;
    if (kind === 'mooring.dev/v1/Project') project = nativeProject(doc, readText);
    else if (kind === 'argoproj.io/v1alpha1/AppProject') project = importedProject(doc, warnings);
    else if (kind === 'mooring.dev/v1/AgentPolicy') {
      if (settings) throw doc.error(['kind'], 'a policy file holds at most one AgentPolicy');
      settings = agentSettings(doc);
    } else
      throw doc.error(
        ['kind'],
        `must be mooring.dev/v1 Project, argoproj.io/v1alpha1 AppProject or mooring.dev/v1 AgentPolicy: current value is "${kind}"`,
      );
    if (project) {
      if (projects.some((p) => p.name === project.name))
        throw doc.error(['metadata', 'name'], `project "${project.name}" is declared twice`);
      projects.push(project);
    }
  }
  if (projects.length === 0)
    throw new TypeError(
      `${file}: declares no Project or AppProject: the agent would refuse every app (see docs/SECURITY.md)`,
    );
  for (const p of projects)
    if (p.destinations.length === 0)
      warnings.push({
        file,
        line: 1,
        object: `Project/${p.name}`,
        field: 'spec.destinations',
        problem: 'is empty: no app of this project can deploy anywhere',
        message: `${file}: Project/${p.name}: spec.destinations is empty: no app of this project can deploy anywhere`,
      });
  return {
    policy: {
      source: file,
      projects,
      settings: settings ?? {
        allowedRepoSchemes: ['https', 'ssh'],
        protectedNamespaces: DEFAULT_PROTECTED_NAMESPACES,
      },
    },
    warnings,
  };
}
