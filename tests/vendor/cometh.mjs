// cometh (seed 004), the vendor's documented `validateWebhookEvent`,
// literally: the event is the body parsed by `express.json()` (a body that
// does not parse is body-parser's 400); the public key is fetched from the
// provider's route (`<key server>/webhook/publicKey`, SPKI PEM) on every
// delivery, as the snippet's `getWebhookPublicKey()` call does; then
// `createVerify('RSA-SHA256').update(JSON.stringify(webhookEvent), 'utf8')`
// and `verifier.verify(publicKey, signature, 'base64')` with the
// `x-cometh-indexer-signature` header. Node's lenient base64 decoding is
// kept (characters outside the alphabet are skipped, decoding stops at `=`,
// padding is optional).
//
// The one crash left out: `verifier.verify` throws when the header is
// missing (an Express 500); here any exception in validation means "not
// valid", answered 401.
//
// Added: each event processed once by the body's `id` (CONFORMANCE.md §2),
// and the effects oracle.
//
//   node tests/vendor/cometh.mjs --port 0 --key-server http://127.0.0.1:<port>

import { createVerify } from 'node:crypto';
import { config, Effects, fetchText, serve } from './_express.mjs';

const cfg = config();
const effects = new Effects();

const SIGNATURE_ALGORITHM = 'RSA-SHA256';
const SIGNATURE_OUTPUT_FORMAT = 'base64';
const PRIVATE_KEY_ENCODING = 'utf8';

const getWebhookPublicKey = () => fetchText(`${cfg.keyServer}/webhook/publicKey`);

export const validateWebhookEvent = async (webhookEvent, signature) => {
  const webhookPublicKey = await getWebhookPublicKey();
  const verifier = createVerify(SIGNATURE_ALGORITHM);
  verifier.update(JSON.stringify(webhookEvent), PRIVATE_KEY_ENCODING);
  verifier.end();
  return verifier.verify(webhookPublicKey, signature, SIGNATURE_OUTPUT_FORMAT);
};

serve(cfg, effects, async (req, res) => {
  const signature = req.headers['x-cometh-indexer-signature'];
  let valid;
  try {
    valid = await validateWebhookEvent(req.body, signature);
  } catch {
    valid = false;
  }
  if (!valid) return res.status(401).json({ ok: false, error: 'invalid signature' });
  const id = req.body && req.body.id;
  if (typeof id === 'string') effects.processOnce(id);
  return res.json({ ok: true });
});
