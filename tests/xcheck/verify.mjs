// An independent verifier for hookspec's vectors, written from the vendor
// documents (not from hookspec's Rust code), using only Node's built-in
// `crypto`. Used by tests/cross_check.rs.
//
//   node tests/xcheck/verify.mjs <vectors dir>
//
// Prints tab-separated lines:
//   verdict   <scheme> <tcId> <implementation> accept|reject <reason>
//   canonical <scheme> <tcId> ok|mismatch
// `canonical` lines are printed for every `valid` smartasset/cometh test and
// say whether the signed event equals JSON.stringify(JSON.parse(event)).
//
// Two implementations exist for the JSON.stringify schemes:
//   reserialize  - the vendors' sample style: parse the JSON, verify over
//                  JSON.stringify(parsed) (cometh also decodes base64 with
//                  Node's lenient decoder, as createVerify(..).verify(.., 'base64') does);
//   raw          - verify over the raw body bytes with strict base64 (cometh).
// A `valid` vector must be accepted and an `invalid` one rejected by both.

import {
  createHash,
  createHmac,
  createPublicKey,
  createVerify,
  timingSafeEqual,
  verify as cryptoVerify,
} from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const HEX32 = /^[0-9a-fA-F]{64}$/;
const HEX64 = /^[0-9a-fA-F]{128}$/;
const STRICT_BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** Every value of header `name` (case-insensitive), OWS trimmed as Node's HTTP parser does. */
function values(req, name) {
  const lower = name.toLowerCase();
  return req.headers.filter(([n]) => n.toLowerCase() === lower).map(([, v]) => v.trim());
}

/** The single value of header `name`, or null when absent or repeated. */
function single(req, name) {
  const v = values(req, name);
  return v.length === 1 ? v[0] : null;
}

function body(req) {
  return req.body !== undefined ? Buffer.from(req.body, 'utf8') : Buffer.from(req.bodyBase64, 'base64');
}

function equal(a, b) {
  return a.length === b.length && timingSafeEqual(a, b);
}

function hmac(secret, ...parts) {
  const h = createHmac('sha256', secret);
  for (const p of parts) h.update(p);
  return h.digest();
}

// blockmark (seed 000): X-Token = hex HMAC-SHA256(secret) of nothing.
function blockmark(group, req) {
  const token = single(req, 'X-Token');
  if (token === null || !HEX32.test(token)) return [false, 'token missing or not 64 hex digits'];
  return [equal(Buffer.from(token, 'hex'), hmac(group.secret)), 'token compared'];
}

// certifylize (seed 001): X-Certifylize-Signature: sha256=<hex HMAC(secret, raw body)>.
function certifylize(group, req) {
  const h = single(req, 'X-Certifylize-Signature');
  if (h === null || !h.startsWith('sha256=')) return [false, 'no single sha256= header'];
  const sig = h.slice('sha256='.length);
  if (!HEX32.test(sig)) return [false, 'signature not 64 hex digits'];
  return [equal(Buffer.from(sig, 'hex'), hmac(group.secret, body(req))), 'hmac compared'];
}

// blink API key (seed 002): ?apikey=<key> or BLINK-API-KEY: <key>.
function blinkApiKey(group, req) {
  const found = [...new URL(req.url).searchParams.getAll('apikey'), ...values(req, 'BLINK-API-KEY')];
  if (found.length === 0) return [false, 'no key'];
  if (found.some((k) => k !== found[0])) return [false, 'conflicting keys'];
  if (found[0] === '') return [false, 'empty key'];
  const digest = (s) => createHash('sha256').update(s, 'utf8').digest();
  return [timingSafeEqual(digest(found[0]), digest(group.secret)), 'key compared'];
}

// blink signature (seed 002): X-BLINK-SIGNATURE: ts=<ts>;sig1=<hex HMAC(key, ts.url.body)>.
// This implementation accepts only the documented exact format.
function blinkSignature(group, req, now) {
  const h = single(req, 'X-BLINK-SIGNATURE');
  if (h === null) return [false, 'no single header'];
  const m = /^ts=(0|[1-9][0-9]{0,15});sig1=([0-9a-fA-F]{64})$/.exec(h);
  if (!m) return [false, 'header not ts=<digits>;sig1=<64 hex>'];
  const ts = Number(m[1]);
  if (!Number.isSafeInteger(ts)) return [false, 'timestamp out of range'];
  const tolerance = group.tolerance ?? 300;
  const sig = Buffer.from(m[2], 'hex');
  const ok = equal(sig, hmac(group.secret, Buffer.from(`${m[1]}.${req.url}.`, 'utf8'), body(req)));
  if (!ok) return [false, 'hmac mismatch'];
  if (Math.abs(now - ts) > tolerance) return [false, 'outside the window'];
  return [true, 'hmac and window ok'];
}

function ed25519Key(hex) {
  const x = Buffer.from(hex, 'hex').toString('base64url');
  return createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x }, format: 'jwk' });
}

// smartasset (seed 003): {"event":…,"signature":<hex>} with an Ed25519
// signature over the UTF-8 bytes of JSON.stringify(event).
function smartasset(group, req) {
  let env;
  try {
    env = JSON.parse(body(req).toString('utf8'));
  } catch {
    return [false, 'body is not JSON'];
  }
  if (env === null || typeof env !== 'object' || Array.isArray(env)) return [false, 'envelope not an object'];
  if (!Object.hasOwn(env, 'event')) return [false, 'no event'];
  if (typeof env.signature !== 'string' || !HEX64.test(env.signature)) return [false, 'signature not 128 hex digits'];
  const message = Buffer.from(JSON.stringify(env.event), 'utf8');
  const sig = Buffer.from(env.signature, 'hex');
  const ok = group.publicKeys.some((k) => cryptoVerify(null, message, ed25519Key(k), sig));
  return [ok, ok ? 'signature verified' : 'no published key verifies'];
}

// cometh (seed 004), vendor-sample style: JSON.stringify(parsed body), lenient base64.
function comethReserialize(group, req) {
  const sig = single(req, 'x-cometh-indexer-signature');
  if (sig === null || sig === '') return [false, 'no single signature header'];
  let event;
  try {
    event = JSON.parse(body(req).toString('utf8'));
  } catch {
    return [false, 'body is not JSON'];
  }
  const v = createVerify('RSA-SHA256');
  v.update(JSON.stringify(event), 'utf8');
  v.end();
  const ok = v.verify(group.publicKeyPem, sig, 'base64');
  return [ok, ok ? 'signature verified' : 'signature does not verify'];
}

// cometh, raw style: the raw body bytes, strict base64.
function comethRaw(group, req) {
  const sig = single(req, 'x-cometh-indexer-signature');
  if (sig === null || !STRICT_BASE64.test(sig) || sig === '') return [false, 'not strict base64'];
  const v = createVerify('RSA-SHA256');
  v.update(body(req));
  v.end();
  const ok = v.verify(group.publicKeyPem, Buffer.from(sig, 'base64'));
  return [ok, ok ? 'signature verified' : 'signature does not verify'];
}

// acme (tests/schemes/acme.toml, a scheme file that is no vendor's):
// X-Acme-Signature: t=<ts>,v1=<base64 HMAC-SHA512(hex-decoded secret, "<t>:<body>")>,
// ±300 s. This implementation accepts only that exact format, strict base64.
function acme(group, req, now) {
  const h = single(req, 'X-Acme-Signature');
  if (h === null) return [false, 'no single header'];
  const m = /^t=(0|[1-9][0-9]{0,15}),v1=([A-Za-z0-9+/]{86}==)$/.exec(h);
  if (!m) return [false, 'header not t=<digits>,v1=<base64 of 64 bytes>'];
  const ts = Number(m[1]);
  if (!Number.isSafeInteger(ts)) return [false, 'timestamp out of range'];
  const mac = createHmac('sha512', Buffer.from(group.secret, 'hex'));
  mac.update(Buffer.from(`${m[1]}:`, 'utf8'));
  mac.update(body(req));
  if (!equal(Buffer.from(m[2], 'base64'), mac.digest())) return [false, 'hmac mismatch'];
  if (Math.abs(now - ts) > (group.tolerance ?? 300)) return [false, 'outside the window'];
  return [true, 'hmac and window ok'];
}

const IMPLEMENTATIONS = {
  acme: { node: acme },
  blockmark: { node: blockmark },
  certifylize: { node: certifylize },
  'blink-apikey': { node: blinkApiKey },
  'blink-signature': { node: blinkSignature },
  smartasset: { reserialize: smartasset },
  cometh: { reserialize: comethReserialize, raw: comethRaw },
};

/** Whether the event inside the request is its own JSON.stringify form. */
function canonical(scheme, req) {
  const text = body(req).toString('utf8');
  if (scheme === 'cometh') return JSON.stringify(JSON.parse(text)) === text;
  const event = JSON.stringify(JSON.parse(text).event);
  for (const m of text.matchAll(/"event"\s*:\s*/g)) {
    if (text.startsWith(event, m.index + m[0].length)) return true;
  }
  return false;
}

const dir = process.argv[2];
if (!dir) {
  console.error('usage: node verify.mjs <vectors dir>');
  process.exit(2);
}
const lines = [];
for (const name of readdirSync(dir).filter((n) => n.endsWith('.json')).sort()) {
  const file = JSON.parse(readFileSync(join(dir, name), 'utf8'));
  const impls = IMPLEMENTATIONS[file.scheme];
  if (!impls) {
    console.error(`unknown scheme ${file.scheme} in ${name}`);
    process.exit(2);
  }
  for (const group of file.testGroups) {
    for (const test of group.tests) {
      for (const [impl, fn] of Object.entries(impls)) {
        let ok;
        let why;
        try {
          [ok, why] = fn(group, test.request, test.now);
        } catch (e) {
          [ok, why] = [false, `threw: ${e.message}`];
        }
        lines.push(['verdict', file.scheme, test.tcId, impl, ok ? 'accept' : 'reject', why].join('\t'));
      }
      if ((file.scheme === 'smartasset' || file.scheme === 'cometh') && test.result === 'valid') {
        let ok;
        try {
          ok = canonical(file.scheme, test.request);
        } catch {
          ok = false;
        }
        lines.push(['canonical', file.scheme, test.tcId, ok ? 'ok' : 'mismatch'].join('\t'));
      }
    }
  }
}
process.stdout.write(lines.join('\n') + '\n');
