// blockmark (seed 000), the vendor's documented receiver, literally: Express
// with `express.json()`; the X-Token header compared with
// `timingSafeEqual(Buffer.from(hex(HMAC-SHA256(secret) over nothing), 'hex'),
// Buffer.from(xToken, 'hex'))` - no `update`, so the token does not depend
// on the body - then the echo handshake, then the event.
//
// The one documented bug left out: the vendor's code throws (an Express 500)
// when the header is missing (`Buffer.from(undefined)`) or decodes to another
// length (`timingSafeEqual` refuses buffers of different lengths). Here that
// throw is caught and answered 400, the status the document uses for an
// invalid token. Everything else is kept, including Node's lenient hex
// decoding (stops at the first non-hex character, ignores an odd last digit,
// accepts upper case).
//
// Added, as any production receiver has: each event processed once, by its
// `data.slug` (CONFORMANCE.md §2), and the effects oracle.
//
//   node tests/vendor/blockmark.mjs --port 0 --secret <secret>

import crypto from 'node:crypto';
import { config, Effects, serve } from './_express.mjs';

const cfg = config();
const effects = new Effects();

serve(cfg, effects, (req, res) => {
  const { headers, body } = req;
  const { event, data } = body;

  const xToken = headers['x-token'];
  const webhookSecret = cfg.secret;
  const generatedHex = crypto.createHmac('sha256', webhookSecret).digest('hex');
  let valid;
  try {
    valid = crypto.timingSafeEqual(Buffer.from(generatedHex, 'hex'), Buffer.from(xToken, 'hex'));
  } catch {
    valid = false; // the vendor's code throws here (500); a missing/short token is invalid
  }
  if (!valid) {
    return res.status(400).send({ message: 'Invalid X-Token' });
  }

  if (event === 'endpoint.verify') {
    return res.status(200).send(body.secret);
  }

  const slug = data && data.slug;
  if (typeof slug === 'string') effects.processOnce(slug);

  if (event === 'issued_certificate.created') {
    return res.status(200).send({ message: 'Certificate creation processed' });
  }
  if (event === 'issued_certificate.updated') {
    return res.status(200).send({ message: 'Certificate update processed' });
  }
  return res.status(200).send({ message: 'Webhook received' });
});
