// BUG ON PURPOSE — Svix with the official `svix` package, its error not caught.
//
// Webhook.verify throws WebhookVerificationError for a missing header, a bad
// or stale signature (and SyntaxError for a signed body that is not JSON).
// This receiver calls it without try/catch, so the error reaches the web
// framework, whose default handler answers 500. Every forgery is still
// refused, but with 5xx, which the sender reads as "retry later" and which
// hides the attack among server faults: hookspec requires 4xx.
import { Webhook } from 'svix';
import { serve } from './_server.mjs';

const wh = new Webhook(process.env.SECRET);
serve({
  port: Number(process.env.PORT),
  errors: '500',
  verify: (raw, headers) => wh.verify(raw.toString('utf8'), headers),
  key: (_raw, headers) => headers['svix-id'],
});
