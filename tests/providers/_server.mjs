// A minimal receiver around a provider's official verification call, used by
// check.sh: POST → verify(raw body, headers) → 2xx (processed once per
// idempotency key) or 4xx; GET /_effects → {"processed": [ids]}. Written as
// a good engineer would with the official library: every error the library
// throws is a refusal (4xx), never a 500.
import http from 'node:http';

export function serve({ port, verify, key }) {
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
      const raw = Buffer.concat(chunks);
      let verified;
      try {
        verified = await verify(raw, req.headers);
      } catch (e) {
        verified = undefined;
      }
      if (verified === undefined || verified === false) {
        res.writeHead(401);
        return res.end('refused');
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
