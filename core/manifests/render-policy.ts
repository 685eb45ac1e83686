/**
 * What a render may reach beyond the repository at one commit. The agent decides it per app from
 * its own project configuration (never from a workflow payload); everything is off by default.
 */

/** Per-app permissions of the render activity. */
export interface RenderPolicy {
  /** Helm `valueFiles` may be URLs (`https://…`, or any scheme a Helm getter plugin handles). */
  allowRemoteValueFiles: boolean;
  /** Kustomize resources, bases, components and files may be remote (Git repositories, URLs). */
  allowRemoteBases: boolean;
  /**
   * Helm and kustomize plugins may run: kustomize gets `--enable-alpha-plugins --enable-exec
   * --enable-helm` (so `helmCharts`, exec and container functions work) and helm the agent's
   * `HELM_PLUGINS`. Post-renderers are never used.
   */
  allowPlugins: boolean;
}

/** Nothing remote, no plugins. */
export const DEFAULT_RENDER_POLICY: Readonly<RenderPolicy> = Object.freeze({
  allowRemoteValueFiles: false,
  allowRemoteBases: false,
  allowPlugins: false,
});

/** Names of the policy fields, for messages that say which setting would allow something. */
export type RenderPermission = keyof RenderPolicy;
