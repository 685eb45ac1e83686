/** The asynchronous front of `parseApplications`, for git directory generators backed by a real repository. */
import type { RegisteredCluster } from './appset-generators.js';
import type { ArgoImportOptions } from './argocd-import.js';
import type { SpecResult } from './applicationset.js';
import { parseApplications } from './parse-application.js';
import { isRecord, readSpecDocuments } from './spec-document.js';
import { repoUrlProblem } from './repo-url-problem.js';

/** Options of `loadApplications`. */
export interface LoadApplicationsOptions extends ArgoImportOptions {
  /** The cluster registry, read by ApplicationSet `clusters` generators. */
  clusters?: () => readonly RegisteredCluster[];
  /** Lists the directories of a repository at a revision ("/"-separated, relative to the root). */
  listDirectories?: (repoURL: string, revision: string) => Promise<readonly string[]>;
}

/** The (repoURL, revision) pairs that the git generators of a YAML stream read. */
export function gitDirectorySources(text: string, file: string): { repoURL: string; revision: string }[] {
  const found = new Map<string, { repoURL: string; revision: string }>();
  for (const doc of readSpecDocuments(text, file)) {
    const spec =
      isRecord(doc.value) && doc.value.kind === 'ApplicationSet' && isRecord(doc.value.spec)
        ? doc.value.spec
        : {};
    for (const [index, generator] of (Array.isArray(spec.generators) ? spec.generators : []).entries()) {
      const git: unknown = isRecord(generator) ? generator.git : undefined;
      if (!isRecord(git) || typeof git.repoURL !== 'string') continue;
      // Refused before any listing reaches Git (the agent refuses it too).
      const problem = repoUrlProblem(git.repoURL);
      if (problem) throw doc.error(['spec', 'generators', index, 'git', 'repoURL'], problem);
      const revision = typeof git.revision === 'string' ? git.revision : 'HEAD';
      found.set(`${git.repoURL}\u0000${revision}`, { repoURL: git.repoURL, revision });
    }
  }
  return [...found.values()];
}

/**
 * Lists the directories every git generator needs (once per repository and revision), then reads
 * the stream with `parseApplications`.
 */
export async function loadApplications(
  text: string,
  file: string,
  options: LoadApplicationsOptions = {},
): Promise<SpecResult> {
  const listings = new Map<string, readonly string[]>();
  const { listDirectories, ...rest } = options;
  if (listDirectories) {
    for (const { repoURL, revision } of gitDirectorySources(text, file)) {
      listings.set(`${repoURL}\u0000${revision}`, await listDirectories(repoURL, revision));
    }
  }
  return parseApplications(text, file, {
    ...rest,
    directories: listDirectories
      ? (repoURL, revision) => listings.get(`${repoURL}\u0000${revision}`) ?? []
      : undefined,
  });
}
