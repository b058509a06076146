// certifylize (seed 001), the vendor's documented Express receiver,
// literally: `express.json({ verify })` keeps the raw body; the header must
// start with `sha256=`; HMAC-SHA256(secret, raw body) in hex compared with
// the vendor's `timingSafeEqualHex` (both sides through `Buffer.from(x,
// 'hex')`, different lengths -> false); 400 for a missing signature or raw
// body, 401 for an invalid one. Node's lenient hex decoding is kept (stops at
// the first non-hex character, ignores an odd last digit, accepts upper
// case).
//
// Added, as the document's best practices ask: each delivery processed once
// by `X-Certifylize-Delivery-Id` (duplicates answered 2xx, not processed
// again), and the effects oracle.
//
//   node tests/vendor/certifylize.mjs --port 0 --secret <secret>

import crypto from 'node:crypto';
import { config, Effects, serve } from './_express.mjs';

const cfg = config();
const effects = new Effects();

function computeHmac(secret, rawBodyBuffer) {
  return crypto.createHmac('sha256', secret).update(rawBodyBuffer).digest('hex');
}

function timingSafeEqualHex(a, b) {
  const aa = Buffer.from(a, 'hex');
  const bb = Buffer.from(b, 'hex');
  if (aa.length !== bb.length) return false;
  return crypto.timingSafeEqual(aa, bb);
}

serve(cfg, effects, (req, res) => {
  const secret = cfg.secret;
  if (!secret) return res.status(500).json({ ok: false, error: 'Missing secret' });

  const header = req.get('X-Certifylize-Signature') || '';
  const provided = header.startsWith('sha256=') ? header.slice('sha256='.length) : '';
  if (!provided || !req.rawBody) {
    return res.status(400).json({ ok: false, error: 'Missing signature or raw body' });
  }
  const expected = computeHmac(secret, req.rawBody);
  const valid = timingSafeEqualHex(provided, expected);
  if (!valid) return res.status(401).json({ ok: false, error: 'Invalid signature' });

  const deliveryId = req.get('X-Certifylize-Delivery-Id');
  const eventType = req.get('X-Certifylize-Event-Type');
  if (deliveryId) effects.processOnce(deliveryId);
  return res.json({ ok: true, deliveryId, eventType });
});
