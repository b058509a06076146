// blink-signature (seed 002, "Signature"), as the document describes it:
// header `X-BLINK-SIGNATURE: ts=<timestamp>;sig1=<hmac>`, where hmac is the
// hex HMAC-SHA256, keyed with the API key, of `<timestamp>.<url>.<raw body>`
// and url is the full webhook URL including its query. The document shows
// only the sender (`openssl dgst -sha256 -hmac`), so the receiver recomputes
// exactly that text - the lowercase hex digest - and compares it with `sig1`
// as text (constant time). The header is read as `;`-separated `key=value`
// parameters (a repeated key: the last one wins). The raw body is kept with
// `express.json({ verify })`.
//
// Added: the timestamp window the project fixes (±300 s, CONFORMANCE.md §2;
// `ts` read with `Number`), each event processed once by the body's `id`,
// and the effects oracle. The public URL is this server's
// `http://127.0.0.1:<port>` plus the request target.
//
//   node tests/vendor/blink-signature.mjs --port 0 --secret <api key>

import crypto from 'node:crypto';
import { config, Effects, serve } from './_express.mjs';

const cfg = config();
const effects = new Effects();

function params(header) {
  const out = {};
  for (const part of (header || '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0) out[part.slice(0, eq)] = part.slice(eq + 1);
  }
  return out;
}

const server = serve(cfg, effects, (req, res) => {
  const { ts, sig1 } = params(req.get('X-BLINK-SIGNATURE'));
  if (!ts || !sig1 || !req.rawBody) {
    return res.status(401).json({ ok: false, error: 'missing signature' });
  }
  const url = `http://127.0.0.1:${server.address().port}${req.url}`;
  const expected = crypto
    .createHmac('sha256', cfg.secret)
    .update(`${ts}.${url}.`)
    .update(req.rawBody)
    .digest('hex');
  const a = Buffer.from(sig1, 'utf8');
  const b = Buffer.from(expected, 'utf8');
  if (a.length !== b.length || !crypto.timingSafeEqual(a, b)) {
    return res.status(401).json({ ok: false, error: 'invalid signature' });
  }
  const when = Number(ts);
  const now = Math.floor(Date.now() / 1000);
  if (!Number.isFinite(when) || Math.abs(now - when) > cfg.tolerance) {
    return res.status(401).json({ ok: false, error: 'timestamp outside the window' });
  }
  const id = req.body && req.body.id;
  if (typeof id === 'string') effects.processOnce(id);
  return res.json({ ok: true });
});
