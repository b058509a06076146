// The parts of Express + body-parser (`express.json()`) that the vendor
// documents' receivers rely on, rebuilt on Node's built-in `http` so the
// literal-vendor receivers in this folder need no npm package.
//
// What is emulated (each is what Express 4 / body-parser 1.x do by default):
// - routing: only `POST <path>` reaches the handler; any other method or
//   path is 404 (Express: "Cannot GET /webhook");
// - `express.json()`: the body is parsed only when the Content-Type is JSON
//   (otherwise `req.body` is `{}` and the `verify` hook is not called);
//   `Content-Encoding` gzip/deflate is inflated, anything else but identity
//   is 415; more than 100 kB is 413 (after draining the request, as
//   finalhandler does); the body is decoded as UTF-8 (BOM stripped), must
//   start with `{` or `[` (strict mode) and must `JSON.parse`, else 400; an
//   empty body is `{}`;
// - an exception thrown by a handler is a 500, as Express's default error
//   handler answers (the receivers catch the documented crashes themselves).
//
// Lifecycle for the tests: `--port 0` binds an ephemeral port on 127.0.0.1
// and prints it as the first line of stdout; the process exits when its
// stdin closes, so a test that dies never leaves a receiver behind.
//
// Also here: the effects oracle (`GET /_effects` -> {"processed": [...]},
// CONFORMANCE.md §2) and a small `fetchText` for the provider key routes.

import http from 'node:http';
import zlib from 'node:zlib';

const JSON_LIMIT = 100 * 1024; // body-parser's default `limit: '100kb'`

/** `--name value` pairs from argv, with environment fallbacks. */
export function config() {
  const args = {};
  const argv = process.argv.slice(2);
  for (let i = 0; i + 1 < argv.length; i += 2) {
    if (argv[i].startsWith('--')) args[argv[i].slice(2)] = argv[i + 1];
  }
  return {
    port: Number(args.port ?? process.env.PORT ?? 0),
    secret: args.secret ?? process.env.WEBHOOK_SECRET,
    keyServer: args['key-server'] ?? process.env.KEY_SERVER_URL,
    path: args.path ?? '/webhook',
    tolerance: Number(args.tolerance ?? 300),
  };
}

/** What the receiver acted on, in order, for the effects oracle. */
export class Effects {
  constructor() {
    this.processed = [];
    this.seen = new Set();
  }

  /** Records `id` once; false for a duplicate (already processed). */
  processOnce(id) {
    if (this.seen.has(id)) return false;
    this.seen.add(id);
    this.processed.push(id);
    return true;
  }
}

function isJsonType(req) {
  const ct = (req.headers['content-type'] || '').split(';')[0].trim().toLowerCase();
  return ct === 'application/json' || (ct.startsWith('application/') && ct.endsWith('+json'));
}

function readAll(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

class HttpError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

/** body-parser's `json()`: returns `{ body, raw }` or throws an HttpError. */
function parseJson(req, wire) {
  if (!isJsonType(req)) return { body: {}, raw: undefined };
  const enc = (req.headers['content-encoding'] || 'identity').toLowerCase();
  let raw;
  try {
    if (enc === 'gzip') raw = zlib.gunzipSync(wire);
    else if (enc === 'deflate') raw = zlib.inflateSync(wire);
    else if (enc === 'identity') raw = wire;
    else throw new HttpError(415, `unsupported content encoding "${enc}"`);
  } catch (e) {
    if (e instanceof HttpError) throw e;
    throw new HttpError(400, 'invalid compressed body');
  }
  if (raw.length > JSON_LIMIT) throw new HttpError(413, 'request entity too large');
  let text = raw.toString('utf8');
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  if (text.length === 0) return { body: {}, raw };
  const first = /^[\x20\x09\x0a\x0d]*(.)/.exec(text);
  if (!first || (first[1] !== '{' && first[1] !== '[')) throw new HttpError(400, 'strict JSON');
  try {
    return { body: JSON.parse(text), raw };
  } catch {
    throw new HttpError(400, 'invalid JSON');
  }
}

/** A minimal Express-like response. */
function response(res) {
  return {
    status(code) {
      res.statusCode = code;
      return this;
    },
    send(value) {
      if (typeof value === 'string') {
        res.setHeader('Content-Type', 'text/html; charset=utf-8');
        res.end(value);
      } else if (value === undefined) {
        res.end();
      } else {
        res.setHeader('Content-Type', 'application/json; charset=utf-8');
        res.end(JSON.stringify(value));
      }
    },
    json(value) {
      res.setHeader('Content-Type', 'application/json; charset=utf-8');
      res.end(JSON.stringify(value));
    },
  };
}

/**
 * Serves `handler(req, res)` (Express-style: `req.body`, `req.rawBody`,
 * `req.headers`, `req.url`, `req.get(name)`) at `POST cfg.path`, and the
 * effects oracle at `GET /_effects`.
 */
export function serve(cfg, effects, handler) {
  const server = http.createServer(async (req, res) => {
    const url = new URL(req.url, 'http://127.0.0.1');
    if (req.method === 'GET' && url.pathname === '/_effects') {
      res.setHeader('Content-Type', 'application/json');
      res.end(JSON.stringify({ processed: effects.processed }));
      return;
    }
    let wire;
    try {
      wire = await readAll(req);
    } catch {
      return; // the client went away
    }
    const r = response(res);
    if (req.method !== 'POST' || url.pathname !== cfg.path) {
      r.status(404).send(`Cannot ${req.method} ${url.pathname}`);
      return;
    }
    let parsed;
    try {
      parsed = parseJson(req, wire);
    } catch (e) {
      r.status(e.status || 400).send(e.message);
      return;
    }
    req.body = parsed.body;
    req.rawBody = parsed.raw;
    req.query = Object.fromEntries(url.searchParams);
    req.get = (name) => {
      const v = req.headers[name.toLowerCase()];
      return Array.isArray(v) ? v.join(', ') : v;
    };
    try {
      await handler(req, r);
    } catch (e) {
      // Express's default error handler.
      if (!res.headersSent) r.status(500).send(String(e && e.message));
    }
  });
  server.listen(cfg.port, '127.0.0.1', () => {
    process.stdout.write(`${server.address().port}\n`);
  });
  process.stdin.on('end', () => process.exit(0));
  process.stdin.on('close', () => process.exit(0));
  process.stdin.resume();
  return server;
}

/** GET `url` as text, with a timeout (the SDK's key fetch). */
export function fetchText(url, timeoutMs = 2000) {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { timeout: timeoutMs }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        if (res.statusCode !== 200) reject(new Error(`key route answered ${res.statusCode}`));
        else resolve(Buffer.concat(chunks).toString('utf8'));
      });
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error('key route timed out')));
    req.on('error', reject);
  });
}
