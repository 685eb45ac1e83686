/**
 * The `helm template` command line for an app, with Argo CD's conventions. Pure: builds the
 * argument list only. Works with Helm v3 and v4.
 */
import type { HelmSource } from '../../config/types.js';

/** Options of `helmTemplateArgs`. */
export interface HelmTemplateArgsOptions {
  releaseName: string;
  /** Chart directory (absolute). */
  chartDir: string;
  /** Destination namespace. */
  namespace: string;
  /** Resolved value files (absolute paths or http(s) URLs), in the app's order. */
  valueFiles?: readonly string[];
  /** File holding the app's inline values; passed after the value files, so it wins. */
  inlineValuesFile?: string;
  parameters?: HelmSource['parameters'];
  /** Leave out the chart's `crds/`. @default false */
  skipCrds?: boolean;
}

/**
 * Escapes commas in a `--set` value as Argo CD does, so `a,b` stays one string; a value in
 * braces (`{a,b}`) is a Helm list and is kept as is.
 */
export function escapeSetValue(value: string): string {
  if (value.startsWith('{') && value.endsWith('}')) return value;
  return value.replace(/(?<!\\),/g, '\\,');
}

/**
 * `template <release> <chart> --namespace <ns> [--values f]... [--values inline]
 * [--set|--set-string name=value]... [--include-crds]`.
 */
export function helmTemplateArgs(options: HelmTemplateArgsOptions): string[] {
  const args = ['template', options.releaseName, options.chartDir, '--namespace', options.namespace];
  for (const file of options.valueFiles ?? []) args.push('--values', file);
  if (options.inlineValuesFile) args.push('--values', options.inlineValuesFile);
  for (const parameter of options.parameters ?? []) {
    args.push(
      parameter.forceString ? '--set-string' : '--set',
      `${parameter.name}=${escapeSetValue(parameter.value)}`,
    );
  }
  if (!options.skipCrds) args.push('--include-crds');
  return args;
}
