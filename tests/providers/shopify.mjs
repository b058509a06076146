// Shopify with the official npm package `@shopify/shopify-api` (Node
// adapter): `await shopify.webhooks.validate({rawBody, rawRequest})` and a
// test of its `.valid` field — validate resolves to an object, never to a
// boolean, and also refuses a delivery without Shopify's required headers.
// The library wants a whole app configuration; validate uses only the
// secret. Imported by shopify-truthy.mjs, which changes one thing.
import { pathToFileURL } from 'node:url';
import '@shopify/shopify-api/adapters/node';
import { shopifyApi, ApiVersion, LogSeverity } from '@shopify/shopify-api';
import { serve } from './_server.mjs';

export const shopify = shopifyApi({
  apiKey: 'hookspec-provider-check',
  apiSecretKey: process.env.SECRET,
  hostName: '127.0.0.1',
  apiVersion: ApiVersion.October24,
  isEmbeddedApp: false,
  logger: { level: LogSeverity.Error, log: () => {} },
});

/** What validate() needs of the request: the Node adapter reads headers, method and url. */
export function validate(raw, headers) {
  return shopify.webhooks.validate({ rawBody: raw.toString('utf8'), rawRequest: { headers, method: 'POST', url: '/hook' } });
}

export const shopifyReceiver = {
  port: Number(process.env.PORT),
  verify: async (raw, headers) => (await validate(raw, headers)).valid === true,
  key: (_raw, headers) => headers['x-shopify-event-id'],
};

if (import.meta.url === pathToFileURL(process.argv[1]).href) serve(shopifyReceiver); // run as the receiver
