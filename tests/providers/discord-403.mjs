// BUG ON PURPOSE — Discord with `discord-interactions`, refusing with 403.
//
// Verification is correct (verifyKey, awaited), but a bad or missing
// signature is answered 403 Forbidden, which reads naturally to many
// developers. Discord's documentation asks for 401 and Discord probes
// endpoints with invalid signatures on purpose; an endpoint that does not
// answer them as documented can have its interactions URL removed. Every
// forgery is still refused: only the exact-status cases (SHOULD) warn.
import { serve } from './_server.mjs';
import { discordReceiver } from './discord.mjs';

serve({ ...discordReceiver, rejectStatus: 403 });
