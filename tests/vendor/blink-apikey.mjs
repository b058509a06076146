// blink-apikey (seed 002, "API Key"), as the document describes it: the
// webhook's API key arrives either in the query (`?apikey=<key>`) or in the
// `BLINK-API-KEY` header, and the request is authentic when that key is the
// configured one. The document shows only the sender's curl commands, so the
// comparison is the plain one a receiver would write: the exact string,
// compared with `timingSafeEqual` over equal-length UTF-8 bytes. The body is
// read with `express.json()`, like the other Express receivers here.
//
// Added: each event processed once by the body's `id` (CONFORMANCE.md §2),
// and the effects oracle.
//
//   node tests/vendor/blink-apikey.mjs --port 0 --secret <api key>

import crypto from 'node:crypto';
import { config, Effects, serve } from './_express.mjs';

const cfg = config();
const effects = new Effects();

function sameKey(given, expected) {
  if (typeof given !== 'string') return false;
  const a = Buffer.from(given, 'utf8');
  const b = Buffer.from(expected, 'utf8');
  return a.length === b.length && crypto.timingSafeEqual(a, b);
}

serve(cfg, effects, (req, res) => {
  const apiKey = req.query.apikey ?? req.get('BLINK-API-KEY');
  if (!sameKey(apiKey, cfg.secret)) {
    return res.status(401).json({ ok: false, error: 'invalid api key' });
  }
  const id = req.body && req.body.id;
  if (typeof id === 'string') effects.processOnce(id);
  return res.json({ ok: true });
});
