// GitHub with the official npm package `@octokit/webhooks-methods`.
import { verify } from '@octokit/webhooks-methods';
import { serve } from './_server.mjs';
serve({
  port: Number(process.env.PORT),
  verify: (raw, headers) =>
    verify(process.env.SECRET, raw.toString('utf8'), String(headers['x-hub-signature-256'] ?? '')),
  // GitHub's ping (sent when a hook is created) is acknowledged, not
  // processed: a receiver acts on the events it subscribed to.
  key: (_raw, headers) =>
    headers['x-github-event'] === 'ping' ? undefined : headers['x-github-delivery'],
});
