/** A rendered object with its origin, and the source types. The render activity's input and result are in contract/activities.ts. */
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
