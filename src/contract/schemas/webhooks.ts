import { z } from '@hono/zod-openapi'
import { PageQuery } from '../common/query'
import { examples, Timestamp, Uuid, visibleText } from '../common/primitives'
import { EventType, exampleEventId } from './events'

/** At most this many endpoints per user. */
export const MAX_ENDPOINTS = 10

const SubscribableType = EventType.exclude(['ping']).openapi('SubscribableEventType', {
  description: 'An event type an endpoint can subscribe to (every type but `ping`, which is only sent on request).',
  example: 'post.created',
})

// The rule outside development, as a pattern (domain/webhook.ts applies the same one): https, a dotted host name whose
// last label starts with a letter (no IP address, no single-label name such as localhost), an optional port, a path.
const HTTPS_HOST_NAME =
  '^https://(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\\.)+[A-Za-z](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?::[0-9]{1,4})?(?:[/?#][\\x21-\\x7e]*)?$'
const WebhookUrl = z
  .url({ protocol: /^https?$/, error: 'Must be an absolute http(s) URL' })
  .max(2048)
  .refine((url) => {
    // Runs beside the URL check: a text that is no URL at all is that check's to refuse, not this one's.
    if (!URL.canParse(url)) return true
    const parsed = new URL(url)
    return !parsed.username && !parsed.password
  }, 'Must not carry credentials (user:password@)')
  .openapi({
    format: 'uri',
    pattern: HTTPS_HOST_NAME,
    example: 'https://hooks.example.com/contract-first-api',
    description:
      'Where events are sent (POST): an https URL naming a host (an IP address is refused, so are credentials such as `user:password@` and `localhost` or any `.localhost` name), with an optional port and path. A development deployment (`npm run dev`) also takes plain http, `localhost` and loopback addresses, for a receiver on the same machine, but never private, link-local or reserved IP addresses. A URL refused is a 400 VALIDATION_ERROR naming `url`. Host names are not resolved when the endpoint is saved; deliveries never follow redirects.',
  })
const eventTypeList = z
  .array(SubscribableType)
  .min(1)
  .max(6)
  .refine((types) => new Set(types).size === types.length, 'Name each event type once')
  .openapi({ uniqueItems: true, example: ['post.created', 'post.updated'], description: 'The event types sent to this endpoint.' })
const description = visibleText(1, 200).openapi({ example: 'Search index sync', description: 'Your note on what the endpoint is for.' })

const exampleEndpoint = {
  id: '5e8f2d1c-7a3b-4c6d-9e0f-1a2b3c4d5e6f',
  url: 'https://hooks.example.com/contract-first-api',
  description: 'Search index sync',
  eventTypes: ['post.created', 'post.updated'],
  enabled: true,
  disabledReason: null,
  previousSecretExpiresAt: null,
  createdAt: examples.time,
  updatedAt: examples.time,
}

const endpointFields = {
  id: Uuid.openapi({ example: exampleEndpoint.id }),
  url: z.string().max(2048).openapi({ example: exampleEndpoint.url }),
  description,
  eventTypes: z.array(SubscribableType).min(1).max(6).openapi({ example: exampleEndpoint.eventTypes }),
  enabled: z.boolean().openapi({
    example: true,
    description: 'Whether events are sent. Set false by you, or by the API when deliveries kept failing for about three days.',
  }),
  disabledReason: z.string().max(500).nullable().openapi({
    example: null,
    description: 'Why the API disabled the endpoint (its deliveries say more); null while enabled or when you disabled it.',
  }),
  previousSecretExpiresAt: Timestamp.nullable().openapi({
    example: null,
    description: 'After a rotation: until when the old secret still signs beside the new one (24 hours); null otherwise.',
  }),
  createdAt: Timestamp.openapi({ example: examples.time }),
  updatedAt: Timestamp.openapi({ example: examples.time }),
}

export const WebhookEndpoint = z.object(endpointFields).openapi('WebhookEndpoint', {
  description: 'A webhook endpoint as its owner sees it: never its secret.',
  example: exampleEndpoint,
})

const exampleSecret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'
const Secret = z.string().max(64).openapi({
  example: exampleSecret,
  description:
    '`whsec_` and the base64 of 24 random bytes: the key receivers verify signatures with (Standard Webhooks). Shown once, stored only encrypted.',
})

export const CreatedWebhookEndpoint = z
  .object({ ...endpointFields, secret: Secret })
  .openapi('CreatedWebhookEndpoint', { example: { ...exampleEndpoint, secret: exampleSecret } })

export const RotatedSecret = z
  .object({
    secret: Secret,
    previousSecretExpiresAt: Timestamp.openapi({
      example: '2026-11-26T09:30:00.000Z',
      description: 'Until then every delivery carries two signatures, one per secret.',
    }),
  })
  .openapi('RotatedSecret', { example: { secret: exampleSecret, previousSecretExpiresAt: '2026-11-26T09:30:00.000Z' } })

export const CreateWebhookEndpointRequest = z
  .strictObject({ url: WebhookUrl, eventTypes: eventTypeList, description })
  .openapi('CreateWebhookEndpointRequest', {
    example: { url: exampleEndpoint.url, eventTypes: exampleEndpoint.eventTypes, description: exampleEndpoint.description },
  })

export const UpdateWebhookEndpointRequest = z
  .strictObject({
    url: WebhookUrl.optional(),
    eventTypes: eventTypeList.optional(),
    description: description.optional(),
    enabled: z.boolean().optional().openapi({ example: true, description: 'true enables it again (and clears `disabledReason`).' }),
  })
  .refine((value) => Object.keys(value).length > 0, { message: 'Give at least one field to change' })
  .openapi('UpdateWebhookEndpointRequest', { minProperties: 1, example: { enabled: true } })

const exampleDelivery = {
  id: '2c4e6a8b-0d1f-4a3c-8e5b-7d9f1b3d5f7a',
  eventId: exampleEventId,
  eventType: 'post.created',
  status: 'failed',
  attempts: 2,
  lastStatusCode: 500,
  lastError: 'The receiver answered 500: Internal Server Error',
  nextAttemptAt: '2026-11-25T10:00:00.000Z',
  deliveredAt: null,
  createdAt: examples.time,
}

export const WebhookDelivery = z
  .object({
    id: Uuid.openapi({ example: exampleDelivery.id }),
    eventId: Uuid.openapi({ example: exampleEventId, description: 'The event, also the `webhook-id` header.' }),
    eventType: EventType,
    status: z.enum(['pending', 'delivered', 'failed', 'dead']).openapi('DeliveryStatus', {
      description:
        '`pending`: not attempted yet; `delivered`: a 2xx answer; `failed`: the last attempt failed and another is scheduled (`nextAttemptAt`); `dead`: every attempt failed (about three days) and no more are made, but a manual retry.',
      example: 'failed',
    }),
    attempts: z.int().min(0).max(1000).openapi({ format: 'int32', example: 2 }),
    lastStatusCode: z
      .int()
      .min(100)
      .max(599)
      .nullable()
      .openapi({ format: 'int32', example: 500, description: "The receiver's last status; null when none." }),
    lastError: z.string().max(1200).nullable().openapi({
      example: exampleDelivery.lastError,
      description:
        'Why the last attempt failed (a timeout, a refused connection, a redirect, or the status and the first 1 KiB of the answer).',
    }),
    nextAttemptAt: Timestamp.nullable().openapi({ example: exampleDelivery.nextAttemptAt }),
    deliveredAt: Timestamp.nullable().openapi({ example: null }),
    createdAt: Timestamp.openapi({ example: examples.time }),
  })
  .openapi('WebhookDelivery', { description: "One event's delivery to one endpoint.", example: exampleDelivery })

/** Newest first, the one order. */
export const NewestFirstQuery = z.strictObject({ page: PageQuery.page, pageSize: PageQuery.pageSize, cursor: PageQuery.cursor })

export const EndpointParams = z.object({
  id: Uuid.openapi({
    param: { name: 'id', in: 'path', required: true },
    description: 'Webhook endpoint id (UUID).',
    example: exampleEndpoint.id,
  }),
})
export const DeliveryParams = EndpointParams.extend({
  deliveryId: Uuid.openapi({
    param: { name: 'deliveryId', in: 'path', required: true },
    description: 'Delivery id (UUID).',
    example: exampleDelivery.id,
  }),
})
