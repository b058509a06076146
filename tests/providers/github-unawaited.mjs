// BUG ON PURPOSE — GitHub with @octokit/webhooks-methods, verify() not awaited.
//
// verify(secret, payload, signature) is async: it returns a Promise of a
// boolean. Written as if it were synchronous, `if (!verify(...))` tests the
// Promise object itself, which is always truthy, so the refusal branch never
// runs and every delivery is processed, forged or not. (Discord's example
// app shipped the same mistake with discord-interactions' verifyKey.) The
// Promise is dropped unobserved; when it rejects (octokit throws TypeError
// for an empty signature) Node reports an unhandled rejection, which this
// receiver only logs, as apps with a process-wide handler do — without one
// Node 15+ would exit on the first empty signature.
import { verify } from '@octokit/webhooks-methods';
import { serve } from './_server.mjs';

process.on('unhandledRejection', (e) => console.error(`unhandled rejection: ${e?.message ?? e}`));

serve({
  port: Number(process.env.PORT),
  verify: (raw, headers) => {
    const signature = String(headers['x-hub-signature-256'] ?? '');
    if (!verify(process.env.SECRET, raw.toString('utf8'), signature)) return false; // the bug: no await
    return true;
  },
  key: (_raw, headers) =>
    headers['x-github-event'] === 'ping' ? undefined : headers['x-github-delivery'],
});
