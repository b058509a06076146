// Every vector of the seven provider schemes through the provider's OFFICIAL
// library (issue 13, point 5). Run by check.sh from the scratch directory
// that holds the installed packages:
//
//   node vectors.mjs <vectors dir> <expected-differences file> <slack verdicts file>
//
// How a vector reaches a library. Each request is written byte for byte
// (method, headers in order, raw body) to a loopback server of Node's own
// `http` module, and the library is called from the request handler with
// what a Node receiver has there: `req.headers` (names lower-cased, repeated
// headers joined with ", " or dropped as Node documents, values as latin1
// text) and the raw body bytes. So a vector's duplicated or non-ASCII header
// means to the library what it means behind a real Node server.
//
// The clock is the vector's `now` (unix seconds): passed to the library where
// it takes one (stripe: `receivedAt`, in ms), otherwise `Date.now` is replaced
// for the call (standardwebhooks and svix read `Date.now()`). @octokit,
// Shopify and discord-interactions check no time.
//
// Slack's official library is Python (slack_sdk): vectors_slack.py makes its
// verdicts, one TSV line each, and this script compares them like the rest.
//
// A verdict differs when a `valid` vector is refused or an `invalid` one
// accepted; `acceptable` vectors are reported (what the library did), never
// a difference. A difference fails the step unless the expected-differences
// file lists it with a reason; a listed difference that no longer happens is
// an error too, so the list cannot rot. Exit 0 = no unexpected difference.

import http from 'node:http';
import net from 'node:net';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { Webhook as StandardWebhook } from 'standardwebhooks';
import { Webhook as SvixWebhook } from 'svix';
import Stripe from 'stripe';
import { verify as octokitVerify } from '@octokit/webhooks-methods';
import { verifyKey } from 'discord-interactions';
import '@shopify/shopify-api/adapters/node';
import { shopifyApi, ApiVersion, LogSeverity } from '@shopify/shopify-api';

const [dir, expectedFile, slackVerdictsFile] = process.argv.slice(2);
if (!dir || !expectedFile || !slackVerdictsFile) {
  console.error('usage: node vectors.mjs <vectors dir> <expected-differences> <slack verdicts>');
  process.exit(2);
}

const realDateNow = Date.now;
/** Runs fn (sync or async) with Date.now() answering the vector's clock. */
async function atClock(nowSeconds, fn) {
  Date.now = () => nowSeconds * 1000;
  try {
    return await fn();
  } finally {
    Date.now = realDateNow;
  }
}

const stripe = new Stripe('sk_test_hookspec_vectors');

// Each entry: the official package and version (pinned in check.sh), and
// verify(group, test, req, raw) → true (accepted) / false (refused); a throw
// is a refusal too, its class and message reported.
const LIBRARIES = {
  'standard-webhooks': {
    lib: 'standardwebhooks@1.1.1 Webhook.verify',
    verify: (group, test, req, raw) =>
      atClock(test.now, () => {
        new StandardWebhook(group.secret).verify(raw, req.headers);
        return true;
      }),
  },
  svix: {
    lib: 'svix@1.99.1 Webhook.verify',
    verify: (group, test, req, raw) =>
      atClock(test.now, () => {
        new SvixWebhook(group.secret).verify(raw, req.headers);
        return true;
      }),
  },
  stripe: {
    lib: 'stripe@23.1.0 webhooks.constructEvent (tolerance = the group\'s, receivedAt = now)',
    verify: (group, test, req, raw) => {
      stripe.webhooks.constructEvent(
        raw,
        req.headers['stripe-signature'],
        group.secret,
        group.tolerance ?? 300,
        undefined,
        test.now * 1000,
      );
      return true;
    },
  },
  github: {
    lib: '@octokit/webhooks-methods@6.0.0 verify (awaited)',
    verify: async (group, _test, req, raw) =>
      (await octokitVerify(group.secret, raw.toString('utf8'), req.headers['x-hub-signature-256'])) === true,
  },
  shopify: {
    lib: '@shopify/shopify-api@13.1.0 webhooks.validate (awaited, .valid)',
    verify: async (group, _test, req, raw) => {
      const shopify = shopifyFor(group.secret);
      const result = await shopify.webhooks.validate({ rawBody: raw.toString('utf8'), rawRequest: req });
      if (!result.valid) throw new Error(`valid: false, reason: ${result.reason}`);
      return true;
    },
  },
  discord: {
    lib: 'discord-interactions@4.4.0 verifyKey (awaited)',
    verify: async (group, _test, req, raw) => {
      for (const key of group.publicKeys) {
        if (
          (await verifyKey(raw, req.headers['x-signature-ed25519'], req.headers['x-signature-timestamp'], key)) ===
          true
        )
          return true;
      }
      return false;
    },
  },
};

const shopifyBySecret = new Map();
/** The library's documented setup; only apiSecretKey matters to validate(). */
function shopifyFor(secret) {
  if (!shopifyBySecret.has(secret)) {
    shopifyBySecret.set(
      secret,
      shopifyApi({
        apiKey: 'hookspec-vectors',
        apiSecretKey: secret,
        hostName: '127.0.0.1',
        apiVersion: ApiVersion.October24,
        isEmbeddedApp: false,
        logger: { level: LogSeverity.Error, log: () => {} },
      }),
    );
  }
  return shopifyBySecret.get(secret);
}

function rawBody(request) {
  return request.body !== undefined ? Buffer.from(request.body, 'utf8') : Buffer.from(request.bodyBase64, 'base64');
}

function describe(e) {
  const name = e?.constructor?.name ?? typeof e;
  const msg = String(e?.message ?? e).split('\n')[0].slice(0, 80);
  return `threw ${name}: ${msg}`;
}

// --- the loopback server: the library runs inside Node's request handler.
let pending = null; // { scheme, group, test, resolve }
const server = http.createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', async () => {
    const job = pending;
    const raw = Buffer.concat(chunks);
    let accepted;
    let detail;
    try {
      accepted = (await LIBRARIES[job.scheme].verify(job.group, job.test, req, raw)) === true;
      detail = accepted ? 'verified' : 'returned false';
    } catch (e) {
      accepted = false;
      detail = describe(e);
    }
    job.resolve({ accepted, detail });
    res.writeHead(accepted ? 200 : 401, { connection: 'close' });
    res.end();
  });
});
server.on('clientError', (err, socket) => {
  // Node's HTTP parser refused the request before any handler ran.
  if (pending) pending.resolve({ accepted: false, detail: `Node's HTTP parser refused it (${err.code})` });
  socket.destroy();
});
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const port = server.address().port;

/** One vector, sent as raw bytes over loopback; resolves to the library's verdict. */
function send(scheme, group, test) {
  const req = test.request;
  const body = rawBody(req);
  const path = new URL(req.url).pathname;
  const lines = [`${req.method} ${path} HTTP/1.1`, `Host: 127.0.0.1:${port}`];
  for (const [n, v] of req.headers) lines.push(`${n}: ${v}`);
  lines.push(`Content-Length: ${body.length}`, 'Connection: close', '', '');
  const head = Buffer.from(lines.join('\r\n'), 'utf8');
  return new Promise((resolve) => {
    const timer = setTimeout(() => finish({ accepted: false, detail: 'no verdict within 10 s' }), 10_000);
    let done = false;
    function finish(v) {
      if (done) return;
      done = true;
      clearTimeout(timer);
      pending = null;
      resolve(v);
    }
    pending = { scheme, group, test, resolve: finish };
    const sock = net.connect(port, '127.0.0.1', () => sock.end(Buffer.concat([head, body])));
    sock.on('data', () => {});
    sock.on('error', () => {});
  });
}

// --- expected differences: "<scheme> <tcId> <reason>", # comments.
const expected = new Map();
let listErrors = 0;
for (const [i, line] of readFileSync(expectedFile, 'utf8').split('\n').entries()) {
  const t = line.trim();
  if (t === '' || t.startsWith('#')) continue;
  const m = /^(\S+)\s+(\d+)\s+(\S.*)$/.exec(t);
  if (!m) {
    console.log(`providers vectors: ${expectedFile}:${i + 1}: not "<scheme> <tcId> <reason>": ${t}`);
    listErrors++;
    continue;
  }
  expected.set(`${m[1]} ${m[2]}`, { reason: m[3], used: false });
}

// --- slack verdicts from vectors_slack.py: scheme \t tcId \t accept|reject \t detail
const slackVerdicts = new Map();
for (const line of readFileSync(slackVerdictsFile, 'utf8').split('\n')) {
  if (!line) continue;
  const [scheme, tcId, verdict, detail] = line.split('\t');
  slackVerdicts.set(`${scheme} ${tcId}`, { accepted: verdict === 'accept', detail });
}

const SCHEMES = ['standard-webhooks', 'svix', 'stripe', 'github', 'slack', 'shopify', 'discord'];
const LIB_SLACK = 'slack_sdk==3.48.0 SignatureVerifier.is_valid_request (clock = now)';
let total = 0;
let agree = 0;
let known = 0;
let unexpected = 0;
const summaries = [];
const acceptableLines = [];
for (const scheme of SCHEMES) {
  const file = JSON.parse(readFileSync(join(dir, `${scheme}.json`), 'utf8'));
  const counts = { n: 0, agree: 0, known: 0, unexpected: 0, acceptable: { accept: 0, reject: 0 } };
  for (const group of file.testGroups) {
    for (const test of group.tests) {
      counts.n++;
      let v;
      if (scheme === 'slack') {
        v = slackVerdicts.get(`slack ${test.tcId}`);
        if (v === undefined) {
          counts.unexpected++;
          console.log(`DIFF  slack tcId ${test.tcId}: no verdict from vectors_slack.py`);
          continue;
        }
      } else {
        v = await send(scheme, group, test);
      }
      const what = v.accepted ? 'accepted' : `refused (${v.detail})`;
      if (test.result === 'acceptable') {
        counts.agree++;
        counts.acceptable[v.accepted ? 'accept' : 'reject']++;
        acceptableLines.push(`  acceptable ${scheme} tcId ${test.tcId} (${test.comment}): ${what}`);
        continue;
      }
      const ok = v.accepted === (test.result === 'valid');
      const key = `${scheme} ${test.tcId}`;
      const listed = expected.get(key);
      if (ok) {
        counts.agree++;
        if (listed) {
          console.log(`STALE ${key}: listed as a known difference but the library agrees now (${test.result}, ${what})`);
          listed.used = true; // reported here; counted as an error below
          listed.stale = true;
        }
      } else if (listed) {
        listed.used = true;
        counts.known++;
        console.log(`KNOWN ${scheme} tcId ${test.tcId} (${test.comment}): vector ${test.result}, library ${what} — ${listed.reason}`);
      } else {
        counts.unexpected++;
        console.log(`DIFF  ${scheme} tcId ${test.tcId} (${test.comment}) [${test.flags.join(',')}]: vector ${test.result}, library ${what}`);
      }
    }
  }
  total += counts.n;
  agree += counts.agree;
  known += counts.known;
  unexpected += counts.unexpected;
  const lib = scheme === 'slack' ? LIB_SLACK : LIBRARIES[scheme].lib;
  summaries.push(
    `providers vectors: ${scheme} via ${lib}: ${counts.n} vectors, ${counts.agree} agree ` +
      `(acceptable: ${counts.acceptable.accept} accepted, ${counts.acceptable.reject} refused), ` +
      `${counts.known} known differences, ${counts.unexpected} unexpected`,
  );
}
server.close();

for (const [key, e] of expected) {
  if (e.stale) {
    listErrors++;
  } else if (!e.used) {
    console.log(`UNUSED ${key}: listed in ${expectedFile} but no such difference (or no such vector)`);
    listErrors++;
  }
}
for (const l of acceptableLines) console.log(l);
for (const s of summaries) console.log(s);
console.log(
  `providers vectors: ${SCHEMES.length} schemes, ${total} vectors, ${agree} agree, ` +
    `${known} known differences (listed), ${unexpected} unexpected` +
    (listErrors ? `, ${listErrors} errors in ${expectedFile}` : ''),
);
process.exit(unexpected === 0 && listErrors === 0 ? 0 : 1);
