import { createRoute } from '@hono/zod-openapi'
import { dataResponse, listResponse } from './common/envelopes'
import { noStoreHeader, SessionHeaders } from './common/headers'
import { NoQuery } from './common/query'
import { needs } from './common/security'
import { errorResponses, errors } from './errors/responses'
import { EventListQuery, Event, EVENT_RETENTION_DAYS } from './schemas/events'
import { DeliveryParams, EndpointParams, NewestFirstQuery, RotatedSecret, WebhookDelivery } from './schemas/webhooks'

export const webhookDeliveryOperations = {
  rotateWebhookEndpointSecret: createRoute({
    method: 'post',
    path: '/api/webhook-endpoints/{id}/rotate-secret',
    operationId: 'rotateWebhookEndpointSecret',
    tags: ['Webhooks'],
    summary: 'Rotate the signing secret',
    description:
      'A new secret, shown this once. The old one keeps signing beside it for 24 hours (every delivery then carries both signatures), so receivers can switch without losing an event. Rotating again within those 24 hours ends the older secret at once.',
    security: needs('webhooks'),
    request: { params: EndpointParams, query: NoQuery, headers: SessionHeaders },
    responses: {
      200: dataResponse('RotatedSecret', RotatedSecret, 'The new secret, in `data.secret`, and only here.', noStoreHeader),
      ...errorResponses(errors.input, errors.credentials, 'NOT_FOUND'),
    },
  }),

  pingWebhookEndpoint: createRoute({
    method: 'post',
    path: '/api/webhook-endpoints/{id}/ping',
    operationId: 'pingWebhookEndpoint',
    tags: ['Webhooks'],
    summary: 'Send a test event',
    description:
      'A `ping` event is sent to this endpoint (even a disabled one) just after the answer, signed and retried like any event; its delivery is the answer, and is listed with the others.',
    security: needs('webhooks'),
    request: { params: EndpointParams, query: NoQuery, headers: SessionHeaders },
    responses: {
      202: dataResponse('WebhookDelivery', WebhookDelivery, 'Accepted: the delivery, sent just after this answer.', noStoreHeader),
      ...errorResponses(errors.input, errors.credentials, 'NOT_FOUND'),
    },
  }),

  listWebhookDeliveries: createRoute({
    method: 'get',
    path: '/api/webhook-endpoints/{id}/deliveries',
    operationId: 'listWebhookDeliveries',
    tags: ['Webhooks'],
    summary: "List an endpoint's deliveries",
    description:
      'Newest first: which event, how many attempts, the last status code and error, the next attempt, when it was delivered. Kept as long as their event.',
    security: needs('webhooks'),
    request: { params: EndpointParams, query: NewestFirstQuery, headers: SessionHeaders },
    responses: {
      200: listResponse('WebhookDelivery', WebhookDelivery, "A page of the endpoint's deliveries.", noStoreHeader),
      ...errorResponses(errors.list, errors.credentials, 'NOT_FOUND'),
    },
  }),

  retryWebhookDelivery: createRoute({
    method: 'post',
    path: '/api/webhook-endpoints/{id}/deliveries/{deliveryId}/retry',
    operationId: 'retryWebhookDelivery',
    tags: ['Webhooks'],
    summary: 'Retry a delivery',
    description:
      'Sends the event to the endpoint again just after the answer (the same `webhook-id`), whatever its status; a failure is then retried on the usual schedule. Nothing is sent while the endpoint is disabled (a ping aside): enable it first.',
    security: needs('webhooks'),
    request: { params: DeliveryParams, query: NoQuery, headers: SessionHeaders },
    responses: {
      202: dataResponse('WebhookDelivery', WebhookDelivery, 'Accepted: the delivery, sent again just after this answer.', noStoreHeader),
      ...errorResponses(errors.input, errors.credentials, 'NOT_FOUND'),
    },
  }),

  listEvents: createRoute({
    method: 'get',
    path: '/api/events',
    operationId: 'listEvents',
    tags: ['Webhooks'],
    summary: 'List events',
    description: `The event log of the last ${EVENT_RETENTION_DAYS} days, newest first by default: what your endpoints would receive (the same ids, types and data as the deliveries), to catch up after downtime. You see your own account and posts whole, other users as the public sees them, and every post; an admin sees everything. Pings appear only to their endpoint's owner.`,
    security: needs('read'),
    request: { query: EventListQuery, headers: SessionHeaders },
    responses: {
      200: listResponse('Event', Event, 'A page of events.', noStoreHeader),
      ...errorResponses(errors.list, errors.credentials),
    },
  }),
}
