import {
  listEvents,
  listWebhookDeliveries,
  pingWebhookEndpoint,
  retryWebhookDelivery,
  rotateWebhookEndpointSecret,
} from '../application/webhooks'
import type { webhookDeliveryOperations } from '../contract/webhook-deliveries'
import type { z } from '@hono/zod-openapi'
import type { Event } from '../contract/schemas/events'
import type { WebhookDelivery } from '../domain/webhook'
import { requestDeps } from '../runtime/composition'
import { noStore } from './cache-control'
import { nextCursor, pageRequest } from './cursors'
import { dataBody, listBody } from './envelope'
import type { Handlers } from './handlers'
import { access } from './middleware/authentication'

/** A delivery as listed: its endpoint is in the path. */
const shown = ({ endpointId: _endpoint, ...delivery }: WebhookDelivery) => delivery

export const webhookDeliveryHandlers: Handlers<typeof webhookDeliveryOperations> = {
  async rotateWebhookEndpointSecret(c) {
    const rotated = await rotateWebhookEndpointSecret(requestDeps(c), access(c), c.req.valid('param').id)
    noStore(c)
    return c.json(dataBody(c, rotated), 200)
  },

  async pingWebhookEndpoint(c) {
    const delivery = await pingWebhookEndpoint(requestDeps(c), access(c), c.req.valid('param').id)
    noStore(c)
    return c.json(dataBody(c, shown(delivery)), 202)
  },

  async listWebhookDeliveries(c) {
    const { id } = c.req.valid('param')
    const listing = `webhook-endpoints/${id}/deliveries`
    const request = pageRequest({ ...c.req.valid('query'), sort: 'createdAt', order: 'desc' }, listing, ['createdAt'] as const, {}, [
      'desc',
    ])
    const page = await listWebhookDeliveries(requestDeps(c), access(c), id, request)
    noStore(c)
    const next = nextCursor(page, request, listing, (delivery) => delivery.createdAt)
    return c.json(listBody(c, { ...page, items: page.items.map(shown) }, next), 200)
  },

  async retryWebhookDelivery(c) {
    const { id, deliveryId } = c.req.valid('param')
    const delivery = await retryWebhookDelivery(requestDeps(c), access(c), id, deliveryId)
    noStore(c)
    return c.json(dataBody(c, shown(delivery)), 202)
  },

  async listEvents(c) {
    const query = c.req.valid('query')
    const request = pageRequest({ ...query, sort: 'createdAt' }, 'events', ['createdAt'] as const, {
      type: query.type,
      since: query.since,
      until: query.until,
    })
    const { type, since, until } = request.filters
    const page = await listEvents(requestDeps(c), access(c), {
      ...request,
      type: type as Parameters<typeof listEvents>[2]['type'],
      since,
      until,
    })
    noStore(c)
    const next = nextCursor(page, request, 'events', (event) => event.timestamp)
    // The stored data is what the event's schema says: made by SQLite from the row (infrastructure/d1/outbox.ts).
    return c.json(listBody(c, { ...page, items: page.items as z.infer<typeof Event>[] }, next), 200)
  },
}
