/**
 * Credentials of the production profile's Temporal authorization: signs one JWT per identity with
 * the stack's RSA key and publishes the public half as a JWKS the server reads. The `permissions`
 * claim is Temporal's (`<namespace>:<role>`); `mooring_task_queues` limits an agent's polls.
 *
 *   node --import tsx scripts/production/mint-tokens.ts <signing-key.pem> <out-dir> <namespace> <cluster>...
 *
 * Writes <out-dir>/jwks.json and <out-dir>/<identity>.jwt (mode 0600) for: admin, operator,
 * control-plane, ui, reader, and agent-<cluster> for each cluster.
 */
import { createPrivateKey, createPublicKey } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { exportJWK, SignJWT, calculateJwkThumbprint } from 'jose';

const TOKEN_LIFETIME = '30d';
const ISSUER = 'mooring-local-stack';

/** Who holds which token, and what the server lets it do (docs/PRODUCTION.md, roles). */
function identities(namespace: string, clusters: readonly string[]): Record<string, Record<string, unknown>> {
  const result: Record<string, Record<string, unknown>> = {
    admin: { permissions: ['temporal-system:admin', `${namespace}:admin`] },
    operator: { permissions: [`${namespace}:write`] },
    'control-plane': { permissions: [`${namespace}:write`] },
    ui: { permissions: ['temporal-system:read', `${namespace}:write`] },
    reader: { permissions: [`${namespace}:read`] },
  };
  for (const cluster of clusters)
    result[`agent-${cluster}`] = {
      permissions: [`${namespace}:worker`],
      mooring_task_queues: [`mooring-cluster-${cluster}`],
    };
  return result;
}

async function main(): Promise<void> {
  const [keyFile, outDir, namespace, ...clusters] = process.argv.slice(2);
  if (!keyFile || !outDir || !namespace)
    throw new Error('usage: mint-tokens.ts <signing-key.pem> <out-dir> <namespace> <cluster>...');
  const privateKey = createPrivateKey(readFileSync(keyFile));
  const jwk = await exportJWK(createPublicKey(privateKey));
  const kid = await calculateJwkThumbprint(jwk);
  writeFileSync(
    join(outDir, 'jwks.json'),
    JSON.stringify({ keys: [{ ...jwk, kid, alg: 'RS256', use: 'sig' }] }, null, 2) + '\n',
  );
  for (const [identity, claims] of Object.entries(identities(namespace, clusters))) {
    const token = await new SignJWT(claims)
      .setProtectedHeader({ alg: 'RS256', kid, typ: 'JWT' })
      .setIssuer(ISSUER)
      .setSubject(identity)
      .setIssuedAt()
      .setExpirationTime(TOKEN_LIFETIME)
      .sign(privateKey);
    writeFileSync(join(outDir, `${identity}.jwt`), token + '\n', { mode: 0o600 });
  }
}

await main();
