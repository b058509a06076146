// BUG ON PURPOSE — Stripe with the official `stripe` package behind a JSON
// body parser (the classic app.use(express.json()) mistake).
//
// The parser consumes the raw body; the handler hands
// JSON.stringify(req.body) to constructEvent. Stripe signed the bytes it
// sent (pretty-printed, with its own escapes and number spellings), so any
// delivery whose bytes change when parsed and re-serialized is refused
// although genuine; and a signature made over the re-serialized form of a
// body verifies although those are not the bytes that were sent. Bodies that
// are not JSON never reach the verification (the parser answers 400).
import Stripe from 'stripe';
import { serve } from './_server.mjs';

const stripe = new Stripe('sk_test_hookspec');
serve({
  port: Number(process.env.PORT),
  jsonBody: true,
  verify: (body, headers) =>
    stripe.webhooks.constructEvent(body, headers['stripe-signature'], process.env.SECRET),
  key: (_raw, _headers, event) => event.id,
});
