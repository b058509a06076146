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

// --- Providers, written from /work/shared/spec/providers.md (the vendor
// documents and libraries it cites), not from hookspec's code.

/** A Unix-seconds timestamp as canonical decimal digits, or null. */
function unixSeconds(text) {
  if (text === null || !/^(0|[1-9][0-9]{0,15})$/.test(text)) return null;
  const ts = Number(text);
  return Number.isSafeInteger(ts) ? ts : null;
}

/** Strict standard base64 decoding, or null. */
function strictBase64(text) {
  return text !== '' && STRICT_BASE64.test(text) ? Buffer.from(text, 'base64') : null;
}

// Standard Webhooks (providers.md §1): webhook-id, webhook-timestamp,
// webhook-signature: a space-delimited list of `<version>,<base64>`; `v1` is
// HMAC-SHA256 over `{id}.{timestamp}.{body}` with the key = base64 after
// `whsec_`; any `v1` entry may match (rotation); other versions are skipped
// (no library verifies `v1a`); ±300 s, exactly 300 s accepted.
function webhookSignatures(group, req, now, { id, ts, sig }) {
  if (id === null || ts === null || sig === null) return [false, 'a header is missing or repeated'];
  if (!group.secret.startsWith('whsec_')) return [false, 'secret is not whsec_'];
  const key = strictBase64(group.secret.slice('whsec_'.length));
  if (key === null) return [false, 'secret is not base64'];
  const t = unixSeconds(ts);
  if (t === null) return [false, 'timestamp is not unix seconds'];
  const expected = hmac(key, Buffer.from(`${id}.${ts}.`, 'utf8'), body(req));
  let matched = false;
  for (const entry of sig.split(' ')) {
    const parts = entry.split(',');
    if (parts.length !== 2 || parts[0] !== 'v1') continue;
    const got = strictBase64(parts[1]);
    if (got !== null && equal(got, expected)) matched = true;
  }
  if (!matched) return [false, 'no v1 signature matches'];
  if (now - t > 300) return [false, 'too old'];
  if (t - now > 300) return [false, 'too new'];
  return [true, 'a v1 signature matches, inside ±300 s'];
}

function standardWebhooks(group, req, now) {
  return webhookSignatures(group, req, now, {
    id: single(req, 'webhook-id'),
    ts: single(req, 'webhook-timestamp'),
    sig: single(req, 'webhook-signature'),
  });
}

// Svix (providers.md §2): the Standard Webhooks algorithm on `svix-*`
// headers; the libraries also read `webhook-*`, `svix-*` taking precedence.
function svix(group, req, now) {
  const pick = (n) => (values(req, `svix-${n}`).length > 0 ? single(req, `svix-${n}`) : single(req, `webhook-${n}`));
  return webhookSignatures(group, req, now, { id: pick('id'), ts: pick('timestamp'), sig: pick('signature') });
}

// Stripe (providers.md §3): Stripe-Signature: t=<ts>,v1=<hex>[,v1=<hex>…][,v0=…];
// split on `,` then `=`; the last `t` counts; every `v1` is a candidate, any
// one may match; other schemes (v0) are ignored. HMAC-SHA256 over `{t}.{body}`
// keyed with the whole `whsec_…` string as is; lower-case hex. Past only:
// older than the tolerance (300 s) is refused, a future `t` is accepted.
function stripe(group, req, now) {
  const h = single(req, 'Stripe-Signature');
  if (h === null) return [false, 'no single header'];
  let tText = null;
  const v1 = [];
  for (const item of h.split(',')) {
    const at = item.indexOf('=');
    if (at < 0) continue;
    const [k, v] = [item.slice(0, at), item.slice(at + 1)];
    if (k === 't') tText = v;
    if (k === 'v1') v1.push(v);
  }
  if (tText === null || v1.length === 0) return [false, 't or v1 missing'];
  const t = unixSeconds(tText);
  if (t === null) return [false, 't is not unix seconds'];
  const expected = hmac(Buffer.from(group.secret, 'utf8'), Buffer.from(`${tText}.`, 'utf8'), body(req));
  if (!v1.some((s) => HEX32.test(s) && equal(Buffer.from(s, 'hex'), expected))) return [false, 'no v1 matches'];
  if (now - t > (group.tolerance ?? 300)) return [false, 'too old'];
  return [true, 'a v1 matches, not too old (the future side is not checked)'];
}

// GitHub (providers.md §4): X-Hub-Signature-256: sha256=<hex HMAC-SHA256(secret, body)>.
function github(group, req) {
  const h = single(req, 'X-Hub-Signature-256');
  if (h === null || !h.startsWith('sha256=')) return [false, 'no single sha256= header'];
  const sig = h.slice('sha256='.length);
  if (!HEX32.test(sig)) return [false, 'signature not 64 hex digits'];
  return [equal(Buffer.from(sig, 'hex'), hmac(Buffer.from(group.secret, 'utf8'), body(req))), 'hmac compared'];
}

// Slack (providers.md §5): X-Slack-Signature: v0=<hex HMAC-SHA256(secret,
// "v0:{ts}:{body}")>, ts = X-Slack-Request-Timestamp as sent; ±300 s
// (python-slack-sdk: abs(now - ts) > 300 refused).
function slack(group, req, now) {
  const h = single(req, 'X-Slack-Signature');
  const ts = single(req, 'X-Slack-Request-Timestamp');
  if (h === null || ts === null) return [false, 'a header is missing or repeated'];
  if (!h.startsWith('v0=')) return [false, 'no v0= prefix'];
  const sig = h.slice('v0='.length);
  if (!HEX32.test(sig)) return [false, 'signature not 64 hex digits'];
  const t = unixSeconds(ts);
  if (t === null) return [false, 'timestamp is not unix seconds'];
  const expected = hmac(Buffer.from(group.secret, 'utf8'), Buffer.from(`v0:${ts}:`, 'utf8'), body(req));
  if (!equal(Buffer.from(sig, 'hex'), expected)) return [false, 'hmac mismatch'];
  if (Math.abs(now - t) > 300) return [false, 'outside ±300 s'];
  return [true, 'hmac and window ok'];
}

// Shopify (providers.md §6): X-Shopify-Hmac-Sha256: base64 HMAC-SHA256(secret, body).
function shopify(group, req) {
  const h = single(req, 'X-Shopify-Hmac-Sha256');
  if (h === null) return [false, 'no single header'];
  const sig = strictBase64(h);
  if (sig === null) return [false, 'not strict base64'];
  return [equal(sig, hmac(Buffer.from(group.secret, 'utf8'), body(req))), 'hmac compared'];
}

// Discord (providers.md §7): X-Signature-Ed25519: hex Ed25519 signature over
// X-Signature-Timestamp + body (no separator) with the application's public
// key; the timestamp is signed but its age is not checked.
function discord(group, req) {
  const sig = single(req, 'X-Signature-Ed25519');
  const ts = single(req, 'X-Signature-Timestamp');
  if (sig === null || ts === null) return [false, 'a header is missing or repeated'];
  if (!HEX64.test(sig)) return [false, 'signature not 128 hex digits'];
  const message = Buffer.concat([Buffer.from(ts, 'utf8'), body(req)]);
  const ok = group.publicKeys.some((k) => cryptoVerify(null, message, ed25519Key(k), Buffer.from(sig, 'hex')));
  return [ok, ok ? 'signature verified' : 'no key verifies'];
}

const IMPLEMENTATIONS = {
  acme: { node: acme },
  blockmark: { node: blockmark },
  certifylize: { node: certifylize },
  'blink-apikey': { node: blinkApiKey },
  'blink-signature': { node: blinkSignature },
  smartasset: { reserialize: smartasset },
  cometh: { reserialize: comethReserialize, raw: comethRaw },
  'standard-webhooks': { node: standardWebhooks },
  svix: { node: svix },
  stripe: { node: stripe },
  github: { node: github },
  slack: { node: slack },
  shopify: { node: shopify },
  discord: { node: discord },
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
