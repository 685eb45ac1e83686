/** kubectl and API access for the peers bench, against the stack's cluster ($KUBECONFIG). */
import { execFile } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { stringify } from 'yaml';
import { KubeClient } from '../../activities/cluster/kube-client.js';

const run = promisify(execFile);

export async function kubectl(args: string[], input?: string): Promise<string> {
  const child = run('kubectl', args, { maxBuffer: 256 * 2 ** 20, timeout: 600_000 });
  if (input !== undefined) child.child.stdin?.end(input);
  try {
    return (await child).stdout;
  } catch (err) {
    const e = err as { stderr?: string; message: string };
    throw new Error(`kubectl ${args.join(' ')} failed: ${e.stderr?.trim() || e.message}`, { cause: err });
  }
}

/** Applies objects (server-side, so a thousand of them is one request each, no last-applied annotation). */
export async function applyObjects(objects: unknown[], fieldManager = 'peers-bench'): Promise<void> {
  for (let i = 0; i < objects.length; i += 500) {
    const text = objects
      .slice(i, i + 500)
      .map((o) => stringify(o))
      .join('---\n');
    await kubectl(
      ['apply', '--server-side', '--force-conflicts', `--field-manager=${fieldManager}`, '-f', '-'],
      text,
    );
  }
}

/** Applies the CustomResourceDefinitions among the YAML files of `dir` and waits until they are established. */
export async function applyCrds(dir: string): Promise<void> {
  const files = (await readdir(dir)).filter((f) => f.endsWith('.yaml')).sort();
  const crds: string[] = [];
  for (const f of files) {
    const text = await readFile(join(dir, f), 'utf8');
    if (/^kind: CustomResourceDefinition$/m.test(text)) crds.push(join(dir, f));
  }
  if (!crds.length)
    throw new Error(`No CustomResourceDefinition in ${dir}: rebuild the peer (bench/peers/build.sh)`);
  await kubectl(['apply', '--server-side', '--force-conflicts', ...crds.flatMap((f) => ['-f', f])]);
  // A CRD created a moment ago may have no status.conditions yet, which `kubectl wait` reports as
  // an error instead of waiting: ask again until the deadline.
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      await kubectl([
        'wait',
        '--for=condition=Established',
        '--timeout=60s',
        ...crds.flatMap((f) => ['-f', f]),
      ]);
      return;
    } catch (err) {
      if (!/status\.conditions accessor error/.test(String(err)) || Date.now() > deadline) throw err;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
}

export function namespaceObjects(names: string[]): unknown[] {
  return names.map((name) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } }));
}

/** Deletes namespaces and waits until they are gone (their objects with them). */
export async function deleteNamespaces(names: string[]): Promise<void> {
  for (let i = 0; i < names.length; i += 200)
    await kubectl(['delete', 'namespace', '--ignore-not-found', '--wait=false', ...names.slice(i, i + 200)]);
  for (let i = 0; i < names.length; i += 200)
    await kubectl([
      'wait',
      '--for=delete',
      '--timeout=600s',
      ...names.slice(i, i + 200).map((n) => `namespace/${n}`),
    ]).catch(() => undefined);
}

let client: KubeClient | undefined;
export async function kube(): Promise<KubeClient> {
  client ??= await KubeClient.fromKubeconfig();
  return client;
}

/** The ConfigMap's `data.generation` of an app (undefined when absent). */
export async function liveGeneration(namespace: string, app: string): Promise<string | undefined> {
  const cm = (await (
    await kube()
  ).get({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    namespace,
    name: `${app}-config`,
  })) as { data?: Record<string, string> } | undefined;
  return cm?.data?.generation;
}

export async function liveImage(namespace: string, app: string): Promise<string | undefined> {
  const d = (await (
    await kube()
  ).get({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    namespace,
    name: app,
  })) as { spec?: { template?: { spec?: { containers?: { image?: string }[] } } } } | undefined;
  return d?.spec?.template?.spec?.containers?.[0]?.image;
}

/** A hand edit of the Deployment's image, as `kubectl set image` makes it (its own field manager). */
export async function patchImage(namespace: string, app: string, image: string): Promise<void> {
  const k = await kube();
  const path = await k.pathFor({ apiVersion: 'apps/v1', kind: 'Deployment', namespace, name: app });
  await k.request('PATCH', path, {
    contentType: 'application/strategic-merge-patch+json',
    query: { fieldManager: 'bench-hand-edit' },
    body: { spec: { template: { spec: { containers: [{ name: 'app', image }] } } } },
  });
}

/** Sets annotations on one object (a JSON merge patch). */
export async function annotate(
  ref: { apiVersion: string; kind: string; namespace: string; name: string },
  annotations: Record<string, string>,
): Promise<void> {
  const k = await kube();
  await k.request('PATCH', await k.pathFor(ref), {
    contentType: 'application/merge-patch+json',
    body: { metadata: { annotations } },
  });
}

export async function list(apiVersion: string, kind: string, namespace: string): Promise<unknown[]> {
  return (await kube()).list(apiVersion, kind, { namespace });
}
