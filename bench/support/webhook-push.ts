/** A signed GitHub push event to an in-process `mooring webhook`, as the benches send it. */
import type { WebhookService } from '../../client/webhook/service.js';
import { signBody } from '../../core/webhook/signature.js';

/** Waits (at most 30 s) until the receiver holds no push for an app that has not taken the previous. */
export async function webhookSettled(webhook: WebhookService): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (webhook.refresher.tracked().length > 0 && Date.now() < deadline)
    await new Promise((r) => setTimeout(r, 20));
}

/** The headers GitHub sends with a push event, signed with `secret`. */
export function githubPushHeaders(body: string, secret: string): Record<string, string> {
  return {
    'Content-Type': 'application/json',
    'X-GitHub-Event': 'push',
    'X-Hub-Signature-256': signBody(Buffer.from(body), secret),
  };
}

/**
 * Waits (at most 30 s) until the receiver holds no earlier push (it keeps one per app until the app
 * has taken the previous), then posts `payload` signed with `secret` and checks that `app` was
 * signalled.
 */
export async function pushToWebhook(
  webhook: WebhookService,
  secret: string,
  payload: Record<string, unknown>,
  app: string,
): Promise<void> {
  await webhookSettled(webhook);
  const body = JSON.stringify(payload);
  const res = await fetch(`${webhook.url}/api/webhook`, {
    method: 'POST',
    headers: githubPushHeaders(body, secret),
    body,
  });
  const answer = (await res.json()) as { signaled?: string[] };
  if (res.status !== 200 || !answer.signaled?.includes(app))
    throw new Error(`mooring webhook did not signal ${app}: ${res.status} ${JSON.stringify(answer)}`);
}
