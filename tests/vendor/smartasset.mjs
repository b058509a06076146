// smartasset (seed 003, "Option 1"), the vendor's documented verification,
// literally: the body `{ event, signature }` read with `express.json()`; the
// published keys fetched from `<key server>/webhook/getEventSignaturePublicKey`
// (`{ publicKeys: [...] }`, fetched on every delivery: no cache, so a rotation
// is seen at once); the delivery is authentic when
// `verifySignature(event, signature, publicKey)` holds for one of them, and
// any exception in it means "not valid" (the document's try/catch).
//
// The document's snippet uses the `elliptic` package; this file has no npm
// dependency, so it does what that snippet does with Node's `crypto`:
// - the public key and the signature are hex strings read the way
//   `elliptic` reads hex: characters other than [0-9a-zA-Z] are dropped, an
//   odd number of digits gets a leading `0`, and a pair that is not hex makes
//   the value invalid; a signature must then be 64 bytes, a key 32;
// - the message is `JSON.stringify(event)`. The snippet hands that string to
//   `elliptic`, which would read it as hex: that is the documented bug, fixed
//   here as the project's README says (the UTF-8 bytes are verified).
//
// Added, as the document recommends: each event processed once by
// `event.raw.id`, an event whose block number is lower than the last one
// stored for the same owner and token ignored (answered 200, not processed),
// and the effects oracle.
//
//   node tests/vendor/smartasset.mjs --port 0 --key-server http://127.0.0.1:<port>

import crypto from 'node:crypto';
import { config, Effects, fetchText, serve } from './_express.mjs';

const cfg = config();
const effects = new Effects();
const latestBlock = new Map();

/** Hex as `elliptic`'s `utils.toArray(msg, 'hex')` reads it; null if a pair is not hex. */
function ellipticHex(text) {
  let msg = String(text).replace(/[^a-z0-9]+/gi, '');
  if (msg.length % 2 !== 0) msg = `0${msg}`;
  const out = [];
  for (let i = 0; i < msg.length; i += 2) {
    const byte = parseInt(msg[i] + msg[i + 1], 16);
    if (Number.isNaN(byte)) return null;
    out.push(byte);
  }
  return Buffer.from(out);
}

function publicKeyFromHex(hex) {
  const raw = ellipticHex(hex);
  if (!raw || raw.length !== 32) throw new Error('bad public key');
  return crypto.createPublicKey({
    key: { kty: 'OKP', crv: 'Ed25519', x: raw.toString('base64url') },
    format: 'jwk',
  });
}

export const verifySignature = (event, signature, publicKey) => {
  try {
    const key = publicKeyFromHex(publicKey);
    if (typeof signature !== 'string') throw new Error('no signature');
    const sig = ellipticHex(signature);
    if (!sig || sig.length !== 64) throw new Error('bad signature size');
    return crypto.verify(null, Buffer.from(JSON.stringify(event), 'utf8'), key, sig);
  } catch (e) {
    return false;
  }
};

serve(cfg, effects, async (req, res) => {
  const { event, signature } = req.body;
  let publicKeys;
  try {
    ({ publicKeys } = JSON.parse(
      await fetchText(`${cfg.keyServer}/webhook/getEventSignaturePublicKey`),
    ));
  } catch {
    return res.status(503).json({ ok: false, error: 'public keys unavailable' });
  }
  const valid = Array.isArray(publicKeys) && publicKeys.some((k) => verifySignature(event, signature, k));
  if (!valid) return res.status(401).json({ ok: false, error: 'invalid signature' });

  const id = event && event.raw && event.raw.id;
  const token = event && event.tokenId;
  const block = event && event.blocknumber;
  if (token !== undefined && typeof block === 'number') {
    const slot = `${event.owner}/${token}`;
    const last = latestBlock.get(slot);
    if (last !== undefined && block < last) return res.json({ ok: true, outcome: 'stale' });
  }
  if (typeof id === 'string' && effects.processOnce(id) && token !== undefined && typeof block === 'number') {
    const slot = `${event.owner}/${token}`;
    latestBlock.set(slot, Math.max(latestBlock.get(slot) ?? block, block));
  }
  return res.json({ ok: true });
});
