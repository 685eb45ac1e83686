/**
 * Keys written by other tools that the cluster cores read. Mooring's, Argo CD's and Helm's hook
 * keys live in `../render/annotations.ts`.
 */

/** Flux's per-object prune opt-out (`disabled`, compared without case). */
export const FLUX_PRUNE = 'kustomize.toolkit.fluxcd.io/prune';
/** Written by `kubectl apply`; holds the whole last applied object, Secret data included. */
export const KUBECTL_LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';
