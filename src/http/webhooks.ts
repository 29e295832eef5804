import {
  createWebhookEndpoint,
  deleteWebhookEndpoint,
  getWebhookEndpoint,
  listWebhookEndpoints,
  updateWebhookEndpoint,
} from '../application/webhooks'
import type { webhookEndpointOperations } from '../contract/webhooks'
import type { WebhookEndpoint } from '../domain/webhook'
import { requestDeps } from '../runtime/composition'
import { noStore } from './cache-control'
import { nextCursor, pageRequest } from './cursors'
import { dataBody, listBody } from './envelope'
import { ifMatchVersions, tagged, untagged } from './etags'
import type { Handlers } from './handlers'
import { access } from './middleware/authentication'

/** An endpoint as its owner sees it: the owner is the caller, so not repeated. */
export const shownEndpoint = ({ userId: _owner, ...endpoint }: WebhookEndpoint) => endpoint

export const webhookEndpointHandlers: Handlers<typeof webhookEndpointOperations> = {
  async createWebhookEndpoint(c) {
    const { endpoint, secret } = await createWebhookEndpoint(requestDeps(c), access(c), c.req.valid('json'))
    noStore(c)
    c.header('Location', `/api/webhook-endpoints/${endpoint.id}`)
    return c.json(dataBody(c, { ...tagged(c, shownEndpoint(endpoint)), secret }), 201)
  },

  async listWebhookEndpoints(c) {
    const request = pageRequest(
      { ...c.req.valid('query'), sort: 'createdAt', order: 'desc' },
      'webhook-endpoints',
      ['createdAt'] as const,
      {},
      ['desc'],
    )
    const page = await listWebhookEndpoints(requestDeps(c), access(c), request)
    noStore(c)
    const next = nextCursor(page, request, 'webhook-endpoints', (endpoint) => endpoint.createdAt)
    return c.json(listBody(c, { ...page, items: page.items.map((endpoint) => untagged(shownEndpoint(endpoint))) }, next), 200)
  },

  async getWebhookEndpoint(c) {
    const endpoint = await getWebhookEndpoint(requestDeps(c), access(c), c.req.valid('param').id)
    noStore(c)
    return c.json(dataBody(c, tagged(c, shownEndpoint(endpoint))), 200)
  },

  async updateWebhookEndpoint(c) {
    const ifVersion = ifMatchVersions(c.req.valid('header')['If-Match'])
    const endpoint = await updateWebhookEndpoint(requestDeps(c), access(c), c.req.valid('param').id, c.req.valid('json'), ifVersion)
    noStore(c)
    return c.json(dataBody(c, tagged(c, shownEndpoint(endpoint))), 200)
  },

  async deleteWebhookEndpoint(c) {
    await deleteWebhookEndpoint(requestDeps(c), access(c), c.req.valid('param').id, ifMatchVersions(c.req.valid('header')['If-Match']))
    return c.body(null, 204)
  },
}
