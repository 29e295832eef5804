import { createRoute, z } from '@hono/zod-openapi'
import {
  exampleEventId,
  PingEvent,
  PostCreatedEvent,
  PostDeletedEvent,
  PostUpdatedEvent,
  UserCreatedEvent,
  UserDeletedEvent,
  UserUpdatedEvent,
} from './schemas/events'

/** The Standard Webhooks headers every delivery carries. */
const DeliveryHeaders = z.object({
  'webhook-id': z
    .string()
    .max(36)
    .openapi({
      param: { name: 'webhook-id', in: 'header', required: true },
      description: 'The event id: the same on every retry of this event, so a receiver can deduplicate by it.',
      example: exampleEventId,
    }),
  'webhook-timestamp': z
    .string()
    .max(12)
    .regex(/^[0-9]{1,12}$/)
    .openapi({
      param: { name: 'webhook-timestamp', in: 'header', required: true },
      description:
        'When this attempt was signed, in seconds since the Unix epoch. Refuse deliveries more than five minutes away from your clock.',
      example: '1795599000',
    }),
  'webhook-signature': z
    .string()
    .max(200)
    .openapi({
      param: { name: 'webhook-signature', in: 'header', required: true },
      description:
        'Space-separated signatures, each `v1,` and the base64 HMAC-SHA256 of `<webhook-id>.<webhook-timestamp>.<raw body>` keyed with the base64-decoded part of the endpoint secret after `whsec_`. Two during the 24 hours after a rotation (one per secret): accept the delivery when any one matches.',
      example: 'v1,K5oZfzN95Z9UVu1EsfQmfVNQhnkZ2pj9o9NDN/H/pI4=',
    }),
})

const received = {
  200: {
    description:
      'Any 2xx acknowledges the event: it is not sent again. Answer within 10 seconds; only the first 1 KiB of the answer is read.',
  },
  default: {
    description:
      'Any other status, a timeout, a redirect or a refused connection: the delivery failed and is retried with growing delays for about three days, then the endpoint is disabled.',
  },
}

function webhook(type: string, schema: z.ZodType, summary: string) {
  return createRoute({
    method: 'post',
    path: type,
    operationId: `${type.replace('.', '_')}_webhook`.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase()),
    tags: ['Webhooks'],
    summary,
    description: `Sent to every enabled endpoint subscribed to \`${type}\` whose owner may read it (see "Webhooks" in the description). The body is at most 256 KiB of JSON. Delivered at least once: deduplicate by \`webhook-id\`.`,
    security: [],
    request: {
      headers: DeliveryHeaders,
      body: { required: true, content: { 'application/json': { schema } } },
    },
    responses: received,
  })
}

/** The document's `webhooks`: one POST per event type, as receivers get it. */
export const webhookDefinitions = [
  webhook('user.created', UserCreatedEvent, 'A user signed up or was created'),
  webhook('user.updated', UserUpdatedEvent, 'A user was changed'),
  webhook('user.deleted', UserDeletedEvent, 'A user and their posts were deleted'),
  webhook('post.created', PostCreatedEvent, 'A post was created'),
  webhook('post.updated', PostUpdatedEvent, 'A post was changed'),
  webhook('post.deleted', PostDeletedEvent, 'A post was deleted'),
  webhook('ping', PingEvent, 'A test event'),
]
