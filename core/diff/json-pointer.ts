/** RFC 6901 JSON pointers, used to drop ignored fields before a diff. */

/**
 * The reference tokens of a pointer (`/spec/template/0` → `['spec','template','0']`, with `~1`
 * read as `/` and `~0` as `~`), or undefined when the text is not a pointer to a member
 * (it must start with `/`; the whole-document pointer `""` cannot be removed).
 */
export function parsePointer(pointer: string): string[] | undefined {
  if (!pointer.startsWith('/')) return undefined;
  return pointer
    .slice(1)
    .split('/')
    .map((token) => token.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Removes the member a pointer names from `doc`, in place. Returns false when the path does not
 * exist (not an error: an ignore rule may name a field an object does not have).
 */
export function removeAtPointer(doc: unknown, tokens: readonly string[]): boolean {
  let node = doc;
  for (const [i, token] of tokens.entries()) {
    const last = i === tokens.length - 1;
    if (Array.isArray(node)) {
      if (!/^(0|[1-9]\d*)$/.test(token)) return false;
      const index = Number(token);
      if (index >= node.length) return false;
      if (last) node.splice(index, 1);
      else node = node[index];
    } else if (isRecord(node)) {
      if (!Object.hasOwn(node, token)) return false;
      if (last) delete node[token];
      else node = node[token];
    } else {
      return false;
    }
  }
  return tokens.length > 0;
}
