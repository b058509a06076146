// Svix with the official npm package `svix`.
import { Webhook } from 'svix';
import { serve } from './_server.mjs';
const wh = new Webhook(process.env.SECRET);
serve({
  port: Number(process.env.PORT),
  verify: (raw, headers) => wh.verify(raw.toString('utf8'), headers),
  key: (_raw, headers) => headers['svix-id'],
});
