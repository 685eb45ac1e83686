/**
 * The `helm template` command line for an app, with Argo CD's conventions. Pure: builds the
 * argument list only. Works with Helm v3 and v4. Values come only from files: the app's value
 * files in Git, then the files the agent wrote from the app's `valuesFrom` Secrets; never `--set`
 * (a command line shows in process listings and in error messages).
 */

/** Options of `helmTemplateArgs`. */
export interface HelmTemplateArgsOptions {
  releaseName: string;
  /** Chart directory (absolute). */
  chartDir: string;
  /** Destination namespace. */
  namespace: string;
  /** Resolved value files (absolute paths or http(s) URLs), in the app's order. */
  valueFiles?: readonly string[];
  /**
   * Files holding the values read from the app's `helm.valuesFrom` Secrets, in the app's order;
   * passed after the value files, so they win.
   */
  secretValuesFiles?: readonly string[];
  /** Leave out the chart's `crds/`. @default false */
  skipCrds?: boolean;
}

/**
 * `template <release> <chart> --namespace <ns> [--values f]... [--values secret-values]...
 * [--include-crds]`.
 */
export function helmTemplateArgs(options: HelmTemplateArgsOptions): string[] {
  const args = ['template', options.releaseName, options.chartDir, '--namespace', options.namespace];
  for (const file of [...(options.valueFiles ?? []), ...(options.secretValuesFiles ?? [])])
    args.push('--values', file);
  if (!options.skipCrds) args.push('--include-crds');
  return args;
}
