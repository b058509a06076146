"""BUG ON PURPOSE: Slack with slack_sdk, every verified event processed again.

Slack retries a delivery it thinks failed (a slow answer, a timeout), with
the same event_id and X-Slack-Retry-Num; and any sender may deliver twice.
This receiver verifies correctly but keeps no record of the event_ids it has
processed, so a redelivery runs the side effect a second time (a message
posted twice, a charge made twice). Deduplication is a SHOULD in hookspec:
the idempotency cases warn.
"""
import importlib.util
import os

spec = importlib.util.spec_from_file_location("slack_receiver", os.path.join(os.path.dirname(__file__), "slack.py"))
receiver = importlib.util.module_from_spec(spec)
spec.loader.exec_module(receiver)
receiver.serve(dedupe=False)
