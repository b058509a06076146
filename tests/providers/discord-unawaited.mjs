// BUG ON PURPOSE — Discord with `discord-interactions`, verifyKey not awaited.
//
// Since discord-interactions 4 (the tweetnacl removal), verifyKey returns a
// Promise<boolean>. Code written for the older synchronous version, such as
// Discord's own example app before its fix (discord-example-app#51, PR #57),
// does `if (!verifyKey(...))`: the Promise is truthy, the refusal never
// happens, and every forgery is processed. verifyKey never rejects (it
// catches everything and resolves false), so nothing is even logged.
import { verifyKey } from 'discord-interactions';
import { serve } from './_server.mjs';
import { discordReceiver } from './discord.mjs';

serve({
  ...discordReceiver,
  verify: (raw, headers) => {
    const ok = verifyKey(raw, headers['x-signature-ed25519'], headers['x-signature-timestamp'], process.env.PUBLIC_KEY);
    if (!ok) return false; // the bug: `ok` is a Promise, always truthy
    return true;
  },
});
