/** Shapes of the render activity's input and output, and of a rendered object with its origin. */
import type { DirectorySource, HelmSource, KustomizeSource } from '../../config/types.js';
import type { KubeObject } from '../../contract/kube-object.js';

/** One rendered object and where it came from, so errors can name the file and document. */
export interface ManifestEntry {
  object: KubeObject;
  /** File (relative to the repository) or template the object came from. */
  file: string;
  /** 1-based document index inside that file or stream. */
  document: number;
}

/** How a source directory is rendered, decided like Argo CD does. */
export type SourceType = 'Directory' | 'Kustomize' | 'Helm';

/** Input of the `renderManifests` activity: small, no secrets, safe in Temporal history. */
export interface RenderInput {
  appName: string;
  repoURL: string;
  /** Full commit SHA, already resolved. */
  revision: string;
  /** Directory inside the repository, relative to its root. */
  path: string;
  /** Destination namespace (Helm's `--namespace`). */
  namespace: string;
  helm?: HelmSource;
  kustomize?: KustomizeSource;
  directory?: DirectorySource;
}

/** Output of `renderManifests`: a key into the manifest store plus counts, never the objects. */
export interface RenderSummary {
  manifestKey: string;
  objectCount: number;
  /** Object count per kind, e.g. `{ Deployment: 1, Service: 1 }`. */
  kinds: Record<string, number>;
  /** Objects that run as sync hooks (Mooring or Argo CD hook annotation). */
  hookCount: number;
}
