/**
 * Truto-compatible webhook routes: subscriptions (the secret is shown once), the test event, and the delivery
 * log with redelivery. Delivery itself is in `events/delivery.ts`; see docs/webhooks.md.
 */
import { Type } from '@fastify/type-provider-typebox';
import { DELIVERY_STATUSES, deliveryToJson, webhookToJson } from '../../events/webhooks.ts';
import type { Services } from '../../services.ts';
import type { App } from '../app.ts';
import { decodeKeyset, keysetPage } from '../cursor.ts';
import { LimitQuery, listLimit } from '../list-limit.ts';

const tags = ['webhooks'];
const IdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 100 }) });
const TargetUrl = Type.String({
  minLength: 1,
  maxLength: 2048,
  description: 'HTTPS URL that receives POSTed events',
});
const EventTypes = Type.Array(Type.String({ minLength: 1, maxLength: 100 }), {
  minItems: 1,
  maxItems: 100,
  description: 'event types, group wildcards such as integrated_account:* or *',
});

export function registerWebhookRoutes(app: App, { webhooks, keyring }: Services): void {
  app.post(
    '/webhook',
    {
      schema: {
        tags,
        summary: 'Subscribe a URL to events (the response carries the signing secret, shown only once)',
        body: Type.Object({
          target_url: TargetUrl,
          event_types: EventTypes,
          is_active: Type.Optional(Type.Boolean({ default: true })),
        }),
      },
    },
    async (request, reply) => {
      const { webhook, secret } = await webhooks.create(request.environmentId, request.body);
      return reply.code(201).send({ ...webhookToJson(webhook), secret });
    },
  );

  app.get(
    '/webhook',
    {
      schema: {
        tags,
        summary: 'List webhook subscriptions',
        querystring: Type.Object({ limit: LimitQuery, next_cursor: Type.Optional(Type.String()) }),
      },
    },
    async (request) => {
      const { next_cursor } = request.query;
      const limit = listLimit(request.query.limit);
      const after = decodeKeyset(keyring, next_cursor);
      const page = await webhooks.list(request.environmentId, { limit, after });
      return keysetPage(keyring, page, limit, (w) => ({ createdAt: w.created_at, id: w.id }), webhookToJson);
    },
  );

  app.post(
    '/webhook/test',
    {
      schema: {
        tags,
        summary: 'Send the `test` event ({ "foo": "bar" }) to a webhook',
        body: Type.Object({ id: Type.String({ minLength: 1, maxLength: 100 }) }),
      },
    },
    async (request) => {
      const { eventId, deliveryId } = await webhooks.test(request.environmentId, request.body.id);
      return { success: true, event_id: eventId, delivery_id: deliveryId };
    },
  );

  app.get(
    '/webhook/:id',
    { schema: { tags, summary: 'Get a webhook subscription', params: IdParams } },
    async (request) => webhookToJson(await webhooks.get(request.environmentId, request.params.id)),
  );

  app.patch(
    '/webhook/:id',
    {
      schema: {
        tags,
        summary: 'Change a webhook subscription',
        params: IdParams,
        body: Type.Object({
          target_url: Type.Optional(TargetUrl),
          event_types: Type.Optional(EventTypes),
          is_active: Type.Optional(Type.Boolean()),
        }),
      },
    },
    async (request) =>
      webhookToJson(await webhooks.patch(request.environmentId, request.params.id, request.body)),
  );

  app.delete(
    '/webhook/:id',
    { schema: { tags, summary: 'Delete a webhook subscription and its delivery log', params: IdParams } },
    async (request) => {
      await webhooks.delete(request.environmentId, request.params.id);
      return { id: request.params.id };
    },
  );

  app.get(
    '/webhook/:id/deliveries',
    {
      schema: {
        tags,
        summary: 'The delivery log of a webhook, newest first',
        params: IdParams,
        querystring: Type.Object({
          status: Type.Optional(Type.Union(DELIVERY_STATUSES.map((s) => Type.Literal(s)))),
          limit: LimitQuery,
          next_cursor: Type.Optional(Type.String()),
        }),
      },
    },
    async (request) => {
      const { status, next_cursor } = request.query;
      const limit = listLimit(request.query.limit);
      const before = decodeKeyset(keyring, next_cursor);
      const page = await webhooks.deliveries(request.environmentId, request.params.id, {
        limit,
        status,
        before,
      });
      return keysetPage(keyring, page, limit, (d) => ({ createdAt: d.created_at, id: d.id }), deliveryToJson);
    },
  );

  app.post(
    '/webhook/:id/deliveries/:deliveryId/redeliver',
    {
      schema: {
        tags,
        summary: 'Send a delivery again now (same event id), with a fresh retry schedule',
        params: Type.Object({
          id: Type.String({ minLength: 1, maxLength: 100 }),
          deliveryId: Type.String({ minLength: 1, maxLength: 100 }),
        }),
      },
    },
    async (request) =>
      deliveryToJson(
        await webhooks.redeliver(request.environmentId, request.params.id, request.params.deliveryId),
      ),
  );
}
