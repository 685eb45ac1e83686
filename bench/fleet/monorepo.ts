/**
 * The fleet's monorepo: a local bare Git repository with `apps/app-0000` … each holding ten
 * objects (a Deployment of one replica that kwok makes Ready, its headless Service and ServiceAccount, and
 * seven ConfigMaps), committed at once, plus a working clone to push further commits from.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { git } from '../support/git.js';

export const CONFIGMAPS_PER_APP = 7;
export const OBJECTS_PER_APP = CONFIGMAPS_PER_APP + 3;

export function appDir(index: number): string {
  return `apps/app-${String(index).padStart(4, '0')}`;
}

function manifests(name: string, generation: number): Record<string, string> {
  const labels = `    app.kubernetes.io/name: ${name}`;
  const files: Record<string, string> = {
    'deployment.yaml': [
      'apiVersion: apps/v1',
      'kind: Deployment',
      `metadata: {name: ${name}, labels: {app.kubernetes.io/name: ${name}}}`,
      'spec:',
      '  replicas: 1',
      '  progressDeadlineSeconds: 120',
      '  revisionHistoryLimit: 2',
      `  selector: {matchLabels: {app.kubernetes.io/name: ${name}}}`,
      '  template:',
      '    metadata:',
      '      labels:',
      `    ${labels}`,
      '    spec:',
      `      serviceAccountName: ${name}`,
      '      containers:',
      `      - {name: app, image: 'registry.example/fleet:1', ports: [{containerPort: 8080}]}`,
      '',
    ].join('\n'),
    'service.yaml': [
      'apiVersion: v1',
      'kind: Service',
      `metadata: {name: ${name}}`,
      // Headless: a kwok cluster's default Service range (a /24) holds only 254 cluster IPs.
      `spec: {clusterIP: None, selector: {app.kubernetes.io/name: ${name}}, ports: [{port: 80, targetPort: 8080}]}`,
      '',
    ].join('\n'),
    'serviceaccount.yaml': `apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: ${name}}\n`,
  };
  for (let c = 0; c < CONFIGMAPS_PER_APP; c++)
    files[`configmap-${c}.yaml`] =
      `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ${name}-config-${c}}\ndata: {setting: "value-${c}", generation: "${generation}"}\n`;
  return files;
}

export interface Monorepo {
  /** The bare repository's path: the apps' `repoURL`. */
  url: string;
  branch: string;
  /** Changes one app's first ConfigMap, commits and pushes; returns the new SHA. */
  touchApp(index: number, generation: number): Promise<string>;
  remove(): Promise<void>;
}

export async function createMonorepo(apps: number, branch = 'main'): Promise<Monorepo> {
  const root = await mkdtemp(join(tmpdir(), 'mooring-fleet-git-'));
  const url = join(root, 'fleet.git');
  const work = join(root, 'work');
  await git(root, ['init', '--quiet', '--bare', `--initial-branch=${branch}`, url]);
  await git(root, ['init', '--quiet', `--initial-branch=${branch}`, work]);
  for (let i = 0; i < apps; i++) {
    const dir = join(work, appDir(i));
    await mkdir(dir, { recursive: true });
    const name = `app-${String(i).padStart(4, '0')}`;
    await Promise.all(Object.entries(manifests(name, 1)).map(([f, text]) => writeFile(join(dir, f), text)));
  }
  await git(work, ['add', '-A']);
  await git(work, ['commit', '--quiet', '-m', `${apps} apps`]);
  await git(work, ['remote', 'add', 'origin', url]);
  await git(work, ['push', '--quiet', 'origin', branch]);
  return {
    url,
    branch,
    async touchApp(index, generation) {
      const name = `app-${String(index).padStart(4, '0')}`;
      const file = join(work, appDir(index), 'configmap-0.yaml');
      await writeFile(file, manifests(name, generation)['configmap-0.yaml'] ?? '');
      await git(work, ['commit', '--quiet', '-am', `touch ${name} (generation ${generation})`]);
      await git(work, ['push', '--quiet', 'origin', branch]);
      return git(work, ['rev-parse', 'HEAD']);
    },
    remove: () => rm(root, { recursive: true, force: true }),
  };
}
