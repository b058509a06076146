"""Slack with the official PyPI package `slack_sdk` (SignatureVerifier).

serve(dedupe=False) is the bug of slack-no-dedupe.py; run as a script this is
the correct receiver."""
import http.server
import json
import os

from slack_sdk.signature import SignatureVerifier

verifier = SignatureVerifier(os.environ["SECRET"])
seen = set()
processed = []
DEDUPE = True


class Handler(http.server.BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def reply(self, status, body=b"", ctype="text/plain"):
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        if self.path == "/_effects":
            return self.reply(200, json.dumps({"processed": processed}).encode(), "application/json")
        self.reply(405)

    do_PUT = do_GET

    def do_POST(self):
        n = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(n)
        try:
            ok = verifier.is_valid_request(raw, dict(self.headers))
        except Exception:  # the library raises on malformed input: a refusal
            ok = False
        if not ok:
            return self.reply(401, b"refused")
        try:
            body = json.loads(raw)
        except Exception:
            return self.reply(400, b"not an event")
        if isinstance(body, dict) and body.get("type") == "url_verification":
            # The Events API's URL check: answer the challenge, verified
            # first, as plain text; it is no event to process.
            return self.reply(200, str(body.get("challenge", "")).encode())
        try:
            event_id = body["event_id"]
        except Exception:
            return self.reply(400, b"not an event")
        if not DEDUPE or event_id not in seen:
            seen.add(event_id)
            processed.append(event_id)
        self.reply(200)


def serve(dedupe=True):
    global DEDUPE
    DEDUPE = dedupe
    http.server.ThreadingHTTPServer(("127.0.0.1", int(os.environ["PORT"])), Handler).serve_forever()


if __name__ == "__main__":
    serve()
