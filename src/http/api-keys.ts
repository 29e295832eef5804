import { createApiKey, listApiKeys, revokeApiKey } from '../application/api-keys'
import type { apiKeyOperations } from '../contract/api-keys'
import type { ApiKey } from '../domain/api-key'
import { requestDeps } from '../runtime/composition'
import { noStore } from './cache-control'
import { nextCursor, pageRequest } from './cursors'
import { dataBody, listBody } from './envelope'
import type { Handlers } from './handlers'
import { access } from './middleware/authentication'

/** A key as its owner sees it: the owner is the caller, so not repeated. */
const shown = ({ userId: _owner, ...key }: ApiKey) => key

export const apiKeyHandlers: Handlers<typeof apiKeyOperations> = {
  async createApiKey(c) {
    const { key, secret } = await createApiKey(requestDeps(c), access(c), c.req.valid('json'))
    noStore(c)
    c.header('Location', `/api/api-keys/${key.id}`)
    return c.json(dataBody(c, { ...shown(key), secret }), 201)
  },

  async listApiKeys(c) {
    const request = pageRequest({ ...c.req.valid('query'), sort: 'createdAt', order: 'desc' }, 'api-keys', ['createdAt'] as const, {}, [
      'desc',
    ])
    const page = await listApiKeys(requestDeps(c), access(c), request)
    noStore(c)
    const next = nextCursor(page, request, 'api-keys', (key) => key.createdAt)
    return c.json(listBody(c, { ...page, items: page.items.map(shown) }, next), 200)
  },

  async revokeApiKey(c) {
    await revokeApiKey(requestDeps(c), access(c), c.req.valid('param').id)
    return c.body(null, 204)
  },
}
