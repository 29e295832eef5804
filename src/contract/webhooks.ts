import { createRoute } from '@hono/zod-openapi'
import { dataResponse, listResponse, noContent } from './common/envelopes'
import {
  etagHeader,
  IdempotencyHeaders,
  IfMatchHeaders,
  locationHeader,
  noStoreHeader,
  replayedHeader,
  SessionHeaders,
} from './common/headers'
import { link } from './common/links'
import { NoQuery } from './common/query'
import { needs } from './common/security'
import { errorResponses, errors } from './errors/responses'
import {
  CreatedWebhookEndpoint,
  CreateWebhookEndpointRequest,
  EndpointParams,
  MAX_ENDPOINTS,
  NewestFirstQuery,
  UpdateWebhookEndpointRequest,
  WebhookEndpoint,
} from './schemas/webhooks'

export const webhookEndpointOperations = {
  createWebhookEndpoint: createRoute({
    method: 'post',
    path: '/api/webhook-endpoints',
    operationId: 'createWebhookEndpoint',
    tags: ['Webhooks'],
    summary: 'Create a webhook endpoint',
    description: `Events of the types given are sent to the URL from now on, signed with the secret this answer shows once (Standard Webhooks; see "Webhooks" in the description). Your endpoints receive events about what you may read: your own account and posts whole, other users as the public sees them (no email), and every post; an admin's receive every event whole. At most ${MAX_ENDPOINTS} endpoints per user (409 beyond). A guest cannot create endpoints (403).`,
    security: needs('webhooks'),
    request: {
      query: NoQuery,
      headers: IdempotencyHeaders,
      body: { required: true, content: { 'application/json': { schema: CreateWebhookEndpointRequest } } },
    },
    responses: {
      201: {
        ...dataResponse('CreatedWebhookEndpoint', CreatedWebhookEndpoint, 'Created; the secret is in `data.secret`, and only here.', {
          ...locationHeader,
          ...etagHeader,
          ...noStoreHeader,
          ...replayedHeader,
        }),
        links: {
          getWebhookEndpoint: link('getWebhookEndpoint', 'Read the created endpoint.', { id: '$response.body#/data/id' }),
          pingWebhookEndpoint: link('pingWebhookEndpoint', 'Send the created endpoint a test event.', { id: '$response.body#/data/id' }),
        },
      },
      ...errorResponses(errors.body, errors.credentials, 'CONFLICT', errors.idempotency),
    },
  }),

  listWebhookEndpoints: createRoute({
    method: 'get',
    path: '/api/webhook-endpoints',
    operationId: 'listWebhookEndpoints',
    tags: ['Webhooks'],
    summary: 'List my webhook endpoints',
    description: 'Your endpoints, newest first, never their secrets.',
    security: needs('webhooks'),
    request: { query: NewestFirstQuery, headers: SessionHeaders },
    responses: {
      200: listResponse('WebhookEndpoint', WebhookEndpoint, 'A page of your endpoints.', noStoreHeader),
      ...errorResponses(errors.list, errors.credentials),
    },
  }),

  getWebhookEndpoint: createRoute({
    method: 'get',
    path: '/api/webhook-endpoints/{id}',
    operationId: 'getWebhookEndpoint',
    tags: ['Webhooks'],
    summary: 'Get a webhook endpoint',
    description: 'One of your endpoints; 404 when you have none with this id. `disabledReason` says why the API disabled it.',
    security: needs('webhooks'),
    request: { params: EndpointParams, query: NoQuery, headers: SessionHeaders },
    responses: {
      200: dataResponse('WebhookEndpoint', WebhookEndpoint, 'The endpoint.', { ...etagHeader, ...noStoreHeader }),
      ...errorResponses(errors.input, errors.credentials, 'NOT_FOUND'),
    },
  }),

  updateWebhookEndpoint: createRoute({
    method: 'patch',
    path: '/api/webhook-endpoints/{id}',
    operationId: 'updateWebhookEndpoint',
    tags: ['Webhooks'],
    summary: 'Update a webhook endpoint',
    description: 'Changes the fields given: its URL (the same rules as on creation), event types, description, or whether it is enabled.',
    security: needs('webhooks'),
    request: {
      query: NoQuery,
      params: EndpointParams,
      headers: IfMatchHeaders,
      body: { required: true, content: { 'application/json': { schema: UpdateWebhookEndpointRequest } } },
    },
    responses: {
      200: dataResponse('WebhookEndpoint', WebhookEndpoint, 'Updated.', { ...etagHeader, ...noStoreHeader }),
      ...errorResponses(errors.body, errors.credentials, 'NOT_FOUND', errors.ifMatch),
    },
  }),

  deleteWebhookEndpoint: createRoute({
    method: 'delete',
    path: '/api/webhook-endpoints/{id}',
    operationId: 'deleteWebhookEndpoint',
    tags: ['Webhooks'],
    summary: 'Delete a webhook endpoint',
    description: 'Nothing more is sent to it, retries included; its deliveries go with it.',
    security: needs('webhooks'),
    request: { query: NoQuery, params: EndpointParams, headers: IfMatchHeaders },
    responses: {
      204: noContent('Deleted. No body.'),
      ...errorResponses(errors.input, errors.credentials, 'NOT_FOUND', errors.ifMatch),
    },
  }),
}
