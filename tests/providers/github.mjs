// GitHub with the official npm package `@octokit/webhooks-methods`.
import { verify } from '@octokit/webhooks-methods';
import { serve } from './_server.mjs';
serve({
  port: Number(process.env.PORT),
  verify: (raw, headers) =>
    verify(process.env.SECRET, raw.toString('utf8'), String(headers['x-hub-signature-256'] ?? '')),
  key: (_raw, headers) => headers['x-github-delivery'],
});
