/**
 * The peers' benchmark repository: one bare Git repository (a monorepo) with `app-0000` … each
 * holding a Deployment of one replica (kwok makes its pod Ready), a headless Service and a
 * ConfigMap, served over Git smart HTTP (test/support/git-http.ts) so that Flux, Argo CD and
 * Mooring fetch it through the same transport. `touch` changes one app's ConfigMap and pushes.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { git } from '../support/git.js';
import { serveGitHttp } from '../../test/support/git-http.js';

export const OBJECTS_PER_APP = 3;
export const IMAGE = 'registry.example/peers:1';

/** `app-0007`: the app's directory in the repository and the name of its objects. */
export function appName(index: number): string {
  return `app-${String(index).padStart(4, '0')}`;
}

function configMap(name: string, generation: number): string {
  return `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ${name}-config}\ndata: {generation: "${generation}"}\n`;
}

function manifests(name: string): Record<string, string> {
  return {
    'deployment.yaml': [
      'apiVersion: apps/v1',
      'kind: Deployment',
      `metadata: {name: ${name}, labels: {app.kubernetes.io/name: ${name}}}`,
      'spec:',
      '  replicas: 1',
      '  revisionHistoryLimit: 2',
      `  selector: {matchLabels: {app.kubernetes.io/name: ${name}}}`,
      '  template:',
      `    metadata: {labels: {app.kubernetes.io/name: ${name}}}`,
      '    spec:',
      `      containers: [{name: app, image: '${IMAGE}', ports: [{containerPort: 8080}]}]`,
      '',
    ].join('\n'),
    // Headless: a kwok cluster's default Service range (a /24) holds only 254 cluster IPs.
    'service.yaml': `apiVersion: v1\nkind: Service\nmetadata: {name: ${name}}\nspec: {clusterIP: None, selector: {app.kubernetes.io/name: ${name}}, ports: [{port: 80, targetPort: 8080}]}\n`,
    'configmap.yaml': configMap(name, 1),
  };
}

export interface PeersRepo {
  /** `http://127.0.0.1:<port>/apps-<n>.git` */
  url: string;
  /** `http://127.0.0.1:<port>/`: what a credentials entry matches. */
  baseUrl: string;
  branch: string;
  username: string;
  password: string;
  apps: number;
  head(): Promise<string>;
  /** Sets app `index`'s ConfigMap `data.generation`, commits and pushes; returns the new SHA. */
  touch(index: number, generation: number): Promise<string>;
  close(): Promise<void>;
}

export async function createPeersRepo(apps: number, branch = 'main'): Promise<PeersRepo> {
  const root = await mkdtemp(join(tmpdir(), 'mooring-peers-git-'));
  const bare = `apps-${apps}.git`;
  const work = join(root, 'work');
  await git(root, ['init', '--quiet', '--bare', `--initial-branch=${branch}`, bare]);
  // Smart HTTP serves only repositories that allow it; a bare repo made by `git init` does for reads.
  await git(join(root, bare), ['config', 'http.receivepack', 'false']);
  await git(root, ['init', '--quiet', `--initial-branch=${branch}`, work]);
  for (let i = 0; i < apps; i++) {
    const dir = join(work, appName(i));
    await mkdir(dir, { recursive: true });
    await Promise.all(
      Object.entries(manifests(appName(i))).map(([f, text]) => writeFile(join(dir, f), text)),
    );
  }
  await git(work, ['add', '-A']);
  await git(work, ['commit', '--quiet', '-m', `${apps} apps`]);
  await git(work, ['remote', 'add', 'origin', join(root, bare)]);
  await git(work, ['push', '--quiet', 'origin', branch]);
  const username = 'bench';
  const password = randomBytes(12).toString('hex');
  const server = await serveGitHttp(root, username, password);
  return {
    url: `${server.baseUrl}/${bare}`,
    baseUrl: `${server.baseUrl}/`,
    branch,
    username,
    password,
    apps,
    head: () => git(work, ['rev-parse', 'HEAD']),
    async touch(index, generation) {
      const name = appName(index);
      await writeFile(join(work, name, 'configmap.yaml'), configMap(name, generation));
      await git(work, ['commit', '--quiet', '-am', `touch ${name} (generation ${generation})`]);
      await git(work, ['push', '--quiet', 'origin', branch]);
      return git(work, ['rev-parse', 'HEAD']);
    },
    async close() {
      await server.close();
      await rm(root, { recursive: true, force: true });
    },
  };
}
