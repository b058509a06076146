// A minimal receiver around a provider's official verification call, used by
// check.sh: POST → verify(raw body, headers) → 2xx (processed once per
// idempotency key) or 4xx; GET /_effects → {"processed": [ids]}. Written as
// a good engineer would with the official library: every error the library
// throws is a refusal (4xx), never a 500.
//
// `rejectStatus` is the refusal status (default 401, which Discord requires).
// `handshake(raw, headers, verified)`, if given, may answer a verified
// request that is no event (a PING) with `{ status, type, body }`: it is
// answered so and never processed.
// Two options reproduce, one at a time, a bug teams really ship around an
// otherwise correct receiver (the receivers with a `.expected` file):
//   errors: 'refuse' (default) | '500' — what becomes of an exception thrown
//     by verify: a refusal (401), or what a web framework answers for an
//     error nobody caught (Express's default handler: 500);
//   jsonBody: false (default) | true — a JSON body parser runs before the
//     handler, as app.use(express.json()) does: a body that does not parse is
//     answered 400, and verify receives JSON.stringify(JSON.parse(body)), not
//     the bytes that were signed.
import http from 'node:http';

export function serve({
  port, verify, key, handshake, errors = 'refuse', jsonBody = false, rejectStatus = 401,
}) {
  const seen = new Set();
  const processed = [];
  http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', async () => {
      if (req.url === '/_effects') {
        res.writeHead(200, { 'content-type': 'application/json' });
        return res.end(JSON.stringify({ processed }));
      }
      if (req.method !== 'POST') {
        res.writeHead(405);
        return res.end();
      }
      let raw = Buffer.concat(chunks);
      if (jsonBody) {
        try {
          raw = Buffer.from(JSON.stringify(JSON.parse(raw.toString('utf8'))), 'utf8');
        } catch {
          res.writeHead(400);
          return res.end('body is not JSON');
        }
      }
      let verified;
      try {
        verified = await verify(raw, req.headers);
      } catch (e) {
        if (errors === '500') {
          res.writeHead(500, { 'content-type': 'text/html; charset=utf-8' });
          return res.end(`<pre>${e?.name}: internal server error</pre>`);
        }
        verified = undefined;
      }
      if (verified === undefined || verified === false) {
        res.writeHead(rejectStatus);
        return res.end('refused');
      }
      const answer = handshake?.(raw, req.headers, verified);
      if (answer) {
        res.writeHead(answer.status, { 'content-type': answer.type });
        return res.end(answer.body);
      }
      const id = key(raw, req.headers, verified);
      if (id !== undefined && !seen.has(id)) {
        seen.add(id);
        processed.push(id);
      }
      res.writeHead(200);
      res.end();
    });
  }).listen(port, '127.0.0.1');
}
