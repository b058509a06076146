// BUG ON PURPOSE — Shopify with `@shopify/shopify-api`, the result object
// tested as a boolean.
//
// webhooks.validate resolves to {valid: false, reason} or {valid: true,
// topic, domain, …}: an object either way. `if (!(await validate(...)))`
// looks right, and is even awaited, but an object is always truthy, so a
// forgery, a missing signature or a missing required header is processed
// like a genuine delivery. The field that says so is `.valid`.
import { serve } from './_server.mjs';
import { shopifyReceiver, validate } from './shopify.mjs';

serve({
  ...shopifyReceiver,
  verify: async (raw, headers) => {
    if (!(await validate(raw, headers))) return false; // the bug: an object, never falsy
    return true;
  },
});
