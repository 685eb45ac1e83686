/**
 * The `kustomize edit` commands that apply an app's kustomize options, as Argo CD runs them
 * before `kustomize build`. Pure: builds argument lists only.
 */
import type { KustomizeSource } from '../../config/types.js';

/** Detected as a kustomization, in Argo CD's order of preference. */
export const KUSTOMIZATION_FILES = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'] as const;

function pairs(map: Record<string, string>): string {
  return Object.keys(map)
    .sort()
    .map((key) => `${key}:${map[key] ?? ''}`)
    .join(',');
}

/**
 * Argument lists for `kustomize`, one per edit, in Argo CD's order: name prefix, name suffix,
 * images, common labels, common annotations, namespace. Labels and annotations are added with
 * `--force`, so the app spec overrides values already in the kustomization. Empty options give
 * no edit.
 */
export function kustomizeEditCommands(options: KustomizeSource = {}): string[][] {
  const commands: string[][] = [];
  if (options.namePrefix) commands.push(['edit', 'set', 'nameprefix', '--', options.namePrefix]);
  if (options.nameSuffix) commands.push(['edit', 'set', 'namesuffix', '--', options.nameSuffix]);
  if (options.images && options.images.length > 0) commands.push(['edit', 'set', 'image', ...options.images]);
  if (options.commonLabels && Object.keys(options.commonLabels).length > 0) {
    commands.push(['edit', 'add', 'label', '--force', pairs(options.commonLabels)]);
  }
  if (options.commonAnnotations && Object.keys(options.commonAnnotations).length > 0) {
    commands.push(['edit', 'add', 'annotation', '--force', pairs(options.commonAnnotations)]);
  }
  if (options.namespace) commands.push(['edit', 'set', 'namespace', '--', options.namespace]);
  return commands;
}
