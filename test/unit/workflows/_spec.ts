/** A complete application spec for workflow unit tests; `change` edits a fresh copy. */
import type { AppSpec } from '../../../config/types.js';

export function appSpec(change?: (s: AppSpec) => void): AppSpec {
  const s: AppSpec = {
    name: 'shop',
    source: { repoURL: 'https://git.example.test/shop.git', targetRevision: 'main', path: 'deploy' },
    destination: { cluster: 'prod', namespace: 'shop' },
    syncPolicy: {
      automated: { prune: true, selfHeal: true, allowEmpty: false },
      interval: '3m',
      syncOptions: [],
    },
    rollback: { automatic: true, healthTimeout: '2m' },
    ignoreDifferences: [],
  };
  change?.(s);
  return s;
}
