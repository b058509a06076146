// Discord interactions with the official npm package `discord-interactions`
// (verifyKey, awaited: it returns a Promise<boolean>). The key is the
// application's public key in hex (check.sh passes the test key, from
// `hookspec keys --scheme discord --format hex`, as PUBLIC_KEY). A bad
// signature is answered 401, as Discord requires. Imported by the Discord
// receivers with a bug on purpose, which change one thing each.
import { pathToFileURL } from 'node:url';
import { InteractionResponseType, InteractionType, verifyKey } from 'discord-interactions';
import { serve } from './_server.mjs';

export const discordReceiver = {
  port: Number(process.env.PORT),
  verify: async (raw, headers) =>
    await verifyKey(raw, headers['x-signature-ed25519'], headers['x-signature-timestamp'], process.env.PUBLIC_KEY),
  key: (raw) => interactionId(raw),
  // A PING (type 1) is answered with a PONG, as discord-interactions'
  // verifyKeyMiddleware does: 200, JSON {"type":1}; never processed.
  handshake: (raw) =>
    parsed(raw)?.type === InteractionType.PING
      ? { status: 200, type: 'application/json', body: JSON.stringify({ type: InteractionResponseType.PONG }) }
      : undefined,
};

function parsed(raw) {
  try {
    return JSON.parse(raw.toString('utf8'));
  } catch {
    return undefined;
  }
}

function interactionId(raw) {
  try {
    return JSON.parse(raw.toString('utf8')).id;
  } catch {
    return undefined; // a signed body that is not JSON: nothing to process
  }
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) serve(discordReceiver); // run as the receiver
