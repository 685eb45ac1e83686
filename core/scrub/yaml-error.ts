/**
 * The reason of a YAML parser error for a manifest failure: `yamlReason` (code frame and quoted
 * source dropped, see config/yaml-reason.ts) plus the rules of `scrubText`.
 */
import { yamlReason } from '../../config/yaml-reason.js';
import { scrubText } from './scrub-text.js';

/** The first line of a YAML error message, without code frame, quoted source or tokens. */
export function yamlErrorReason(error: unknown): string {
  return scrubText(yamlReason(error));
}
