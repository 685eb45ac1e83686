/**
 * Whether a reference in a Helm or kustomize source names content outside the repository. Pure
 * string rules, matching how the tools themselves decide (and erring on the side of "remote"):
 *
 * - a Helm value file is remote when it has a URL scheme, as Helm asks a getter for any
 *   `scheme:` it parses (http, https, oci, or a plugin's such as `s3:` or `secrets:`);
 * - a kustomize base (resources, bases, components) is remote when it has a scheme (`https://`,
 *   `ssh://`, `git::`, `gh:`, `file://`), is scp-like (`git@host:org/repo`), starts with a public
 *   Git host kustomize clones without a scheme (`github.com/…`), or uses the go-getter forms
 *   (`?ref=`, `?version=`, `//` before a subdirectory, Azure's `_git/`);
 * - a kustomize file reference (patches, generator files, …) is remote when it is a URL.
 */

const SCHEME = /^[a-z][a-z0-9+.-]*:/i;
const URL_SCHEME = /^[a-z][a-z0-9+.-]*:\/\//i;
const SCP_LIKE = /^[^/\s@]+@[^/\s:]+:/;
const GIT_HOSTS = /^(github\.com|gitlab\.com|bitbucket\.org)([/:]|$)/i;
const GO_GETTER_QUERY = /\?(.*&)?(ref|version|submodules|timeout)=/i;

/** A Helm `valueFiles` entry Helm would fetch rather than read from the checkout. */
export function isRemoteValueFile(entry: string): boolean {
  return SCHEME.test(entry.trim());
}

/** A kustomize resources/bases/components entry kustomize would clone or download. */
export function isRemoteKustomizeBase(entry: string): boolean {
  const text = entry.trim();
  return (
    SCHEME.test(text) ||
    SCP_LIKE.test(text) ||
    GIT_HOSTS.test(text) ||
    GO_GETTER_QUERY.test(text) ||
    text.includes('//') ||
    text.includes('_git/')
  );
}

/**
 * A kustomize file entry (a patch path, a generator's `files`/`envs`, `crds`, …) kustomize would
 * download. Generator `files` entries may be `key=path`; the key is ignored.
 */
export function isRemoteKustomizeFile(entry: string): boolean {
  const text = entry.trim();
  const equals = text.indexOf('=');
  const path = equals > 0 && !text.slice(0, equals).includes('/') ? text.slice(equals + 1) : text;
  return URL_SCHEME.test(path.trim());
}
