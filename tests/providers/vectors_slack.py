"""Slack's vectors through the official PyPI package slack_sdk (issue 13, point 5).

    python3 vectors_slack.py <vectors/slack.json>

Prints one TSV line per vector: slack, tcId, accept|reject, detail. vectors.mjs
compares them with the vectors' results (with the Node libraries' verdicts).

Each request is taken apart as Python's own http.server does it: the header
block is parsed by http.client.parse_headers (latin-1 text; a repeated header
gives its first value through dict(), as in tests/providers/slack.py), the body
stays raw bytes. SignatureVerifier gets a fixed clock at the vector's `now`
(its `clock=` parameter); is_valid_request lower-cases names and checks
±300 s, then the HMAC. An exception is a refusal, reported by class.
"""
import io
import http.client
import json
import sys
import base64

from slack_sdk.signature import Clock, SignatureVerifier


class FixedClock(Clock):
    def __init__(self, now):
        self._now = now

    def now(self):
        return float(self._now)


def main(path):
    with open(path, encoding="utf-8") as f:
        vectors = json.load(f)
    for group in vectors["testGroups"]:
        for test in group["tests"]:
            req = test["request"]
            body = req["body"].encode("utf-8") if "body" in req else base64.b64decode(req["bodyBase64"])
            head = "".join(f"{n}: {v}\r\n" for n, v in req["headers"]).encode("utf-8") + b"\r\n"
            headers = dict(http.client.parse_headers(io.BytesIO(head)))
            verifier = SignatureVerifier(group["secret"], clock=FixedClock(test["now"]))
            try:
                ok = verifier.is_valid_request(body, headers) is True
                detail = "verified" if ok else "returned False"
            except Exception as e:  # the library raises on some malformed input
                ok = False
                detail = f"raised {type(e).__name__}: {str(e).splitlines()[0][:80] if str(e) else ''}"
            print(f"slack\t{test['tcId']}\t{'accept' if ok else 'reject'}\t{detail}")


if __name__ == "__main__":
    main(sys.argv[1])
