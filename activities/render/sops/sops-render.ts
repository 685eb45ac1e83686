/**
 * SOPS decryption around one render, as Flux's kustomize-controller does it: before kustomize
 * runs, the encrypted files its `secretGenerator`s read (or, for a Helm source, the encrypted
 * `helm.valueFiles`, helm-secrets style) are decrypted into a private copy of the checkout; after
 * any render, the encrypted objects of the output are decrypted. Keys are the agent's own
 * (`AgeKeySource`); a render with something it cannot decrypt fails before anything is stored.
 * Messages of a failed render from a decrypted copy are scrubbed of the decrypted values.
 */
import type { AppSource } from '../../../config/types.js';
import type { KubeObject } from '../../../contract/kube-object.js';
import { MooringError } from '../../../contract/errors.js';
import { scrubText } from '../../../core/scrub/scrub-text.js';
import { resolveAppDir } from '../repo-paths.js';
import { detectSourceType } from '../source-type.js';
import { AgeKeySource, ageKeyFileFrom, type AgeKeyState } from './age-key.js';
import { decryptRenderedObjects } from './decrypt-objects.js';
import { decryptedCopy } from './decrypted-copy.js';
import { findEncryptedGeneratorFiles, type EncryptedSourceFile } from './generator-files.js';
import { findEncryptedValueFiles } from './helm-value-files.js';
import { assertAgeOnly, assertAgentHolds } from './sops-check.js';
import { withSopsSandbox, type SopsRunLimits } from './sops-sandbox.js';

/** Options of `SopsRender`. */
export interface SopsRenderOptions {
  /** The agent's age key file. @default $MOORING_SOPS_AGE_KEY_FILE; none: nothing can be decrypted */
  ageKeyFile?: string;
  /** Limits of each sops run. */
  limits?: SopsRunLimits;
}

/** What to render: the checkout, the app path and its source options. */
export interface SopsRenderInput {
  root: string;
  path: string;
  source: Pick<AppSource, 'helm' | 'kustomize' | 'directory'>;
  signal?: AbortSignal;
}

/** Renders the source at a root (the checkout, or a decrypted copy: `immutable` is false then). */
export type RenderAt = (root: string, immutable: boolean) => Promise<KubeObject[]>;

/** The decrypted render output, and whether anything in it came from an encrypted source. */
export interface SopsRendered {
  objects: KubeObject[];
  decrypted: boolean;
}

/** SOPS decryption for the render activity (see the module comment). */
export class SopsRender {
  readonly keys: AgeKeySource;
  readonly #limits: SopsRunLimits;

  constructor(options: SopsRenderOptions = {}) {
    this.keys = new AgeKeySource(ageKeyFileFrom(options.ageKeyFile));
    this.#limits = options.limits ?? {};
  }

  /** The key file as it is now; its digest belongs in the render cache key. */
  keyState(): Promise<AgeKeyState> {
    return this.keys.state();
  }

  /** Renders through `renderAt` with every SOPS-encrypted generator file and object decrypted. */
  async render(input: SopsRenderInput, state: AgeKeyState, renderAt: RenderAt): Promise<SopsRendered> {
    const limits = { ...this.#limits, signal: input.signal ?? this.#limits.signal };
    const { root, appDir } = await resolveAppDir(input.root, input.path);
    const type = await detectSourceType(appDir, input.source);
    let files: EncryptedSourceFile[] = [];
    if (type === 'Kustomize') files = await findEncryptedGeneratorFiles(root, appDir);
    if (type === 'Helm') files = await findEncryptedValueFiles(root, appDir, input.source.helm);
    let rendered: KubeObject[];
    if (files.length === 0) {
      rendered = await renderAt(input.root, true);
    } else {
      for (const file of files) assertAgeOnly(`file "${file.file}" (${file.field})`, file.recipients);
      rendered = await withSopsSandbox(this.keys.file, limits, async (sandbox) => {
        const key = await this.keys.key(state, sandbox);
        for (const file of files)
          assertAgentHolds(`file "${file.file}" (${file.field})`, file.recipients, key);
        const copy = await decryptedCopy(root, files, sandbox);
        try {
          return await renderAt(copy.root, false);
        } catch (error) {
          throw scrubbed(error, copy.secretValues);
        } finally {
          await copy.remove();
        }
      });
    }
    const result = await this.decryptObjects(rendered, state, input.signal);
    return { objects: result.objects, decrypted: files.length > 0 || result.decrypted };
  }

  /** Decrypts the encrypted objects of a render output only (a source without a checkout, say). */
  async decryptObjects(
    objects: readonly KubeObject[],
    state: AgeKeyState,
    signal?: AbortSignal,
  ): Promise<SopsRendered> {
    const limits = { ...this.#limits, signal: signal ?? this.#limits.signal };
    const result = await decryptRenderedObjects(objects, { keys: this.keys, state, limits });
    return { objects: result.objects, decrypted: result.decrypted > 0 };
  }
}

/** `error` with the decrypted values masked in its message (same class, so retries are unchanged). */
function scrubbed(error: unknown, secretValues: readonly string[]): unknown {
  if (!(error instanceof Error)) return error;
  const message = scrubText(error.message, { secretValues });
  if (message === error.message) return error;
  if (error instanceof MooringError) {
    const ErrorClass = error.constructor as new (message: string) => MooringError;
    return new ErrorClass(message);
  }
  return new Error(message);
}
