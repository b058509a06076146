// Stripe with the official npm package `stripe` (constructEvent on the raw body).
import Stripe from 'stripe';
import { serve } from './_server.mjs';
const stripe = new Stripe('sk_test_hookspec');
serve({
  port: Number(process.env.PORT),
  verify: (raw, headers) =>
    stripe.webhooks.constructEvent(raw, headers['stripe-signature'], process.env.SECRET),
  key: (_raw, _headers, event) => event.id,
});
