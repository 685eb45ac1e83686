/** Argo CD's default ApplicationSet template style: `{{name}}` replaced by a flat string parameter. */

/** The rendered text and the tags that named no parameter (left in place, as Argo CD does). */
export interface FastTemplateResult {
  text: string;
  unresolved: string[];
}

/**
 * Replaces every `{{ key }}` whose trimmed key is a parameter, e.g. `{{path.basename}}` or
 * `{{metadata.labels.env}}`. Unknown keys are left as they are and listed in `unresolved`.
 */
export function renderFastTemplate(
  text: string,
  params: Readonly<Record<string, string>>,
): FastTemplateResult {
  const unresolved: string[] = [];
  const rendered = text.replace(/\{\{([\s\S]*?)\}\}/g, (tag, inner: string) => {
    const key = inner.trim();
    if (key && Object.hasOwn(params, key)) return params[key] ?? '';
    unresolved.push(key);
    return tag;
  });
  return { text: rendered, unresolved };
}
