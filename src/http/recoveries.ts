import type { Context } from 'hono'
import { findApiKey } from '../application/api-keys'
import { resumeRegistration } from '../application/auth'
import { getPost } from '../application/posts'
import { findCreatedUser } from '../application/users'
import { findWebhookEndpoint } from '../application/webhooks'
import { shownEndpoint } from './webhooks'
import type { Outcome } from '../application/idempotency'
import type { OperationId } from '../contract/operations'
import { DomainError } from '../domain/errors'
import { isolateServices, requestDeps } from '../runtime/composition'
import type { AppEnv } from './app-env'
import { noStore } from './cache-control'
import { dataBody } from './envelope'
import { tagged, untagged } from './etags'
import { access } from './middleware/authentication'

type Recovery = (c: Context<AppEnv>, outcome: Outcome) => Promise<Response | null>

/** A row that is no longer there is null; any other failure (the database's, say) is the answer's. */
const gone = (error: unknown) => {
  if (error instanceof DomainError && error.code === 'NOT_FOUND') return null
  throw error
}

/**
 * How each create that takes an Idempotency-Key answers a retry whose first attempt created its row and lost its answer
 * (the outcome, recorded in the creation's own transaction, names the row): as the first answer would have, with the row
 * as stored now. Null when the row has since been deleted. Only creates record an outcome; login creates nothing.
 */
export const recoveries: Partial<Record<OperationId, Recovery>> = {
  async createUserPost(c, { id }) {
    const post = await getPost(requestDeps(c), id).catch(gone)
    if (!post) return null
    c.header('Location', `/api/posts/${post.id}`)
    return c.json(dataBody(c, tagged(c, post)), 201)
  },

  async createUser(c, { id }) {
    const user = await findCreatedUser(requestDeps(c), access(c), id)
    if (!user) return null
    noStore(c)
    c.header('Location', `/api/users/${user.id}`)
    return c.json(dataBody(c, tagged(c, user)), 201)
  },

  async register(c, { id }) {
    const session = await resumeRegistration(requestDeps(c), id)
    if (!session) return null
    noStore(c)
    c.header('Location', `/api/users/${session.user.id}`)
    return c.json(dataBody(c, { ...session, user: untagged(session.user), tokenType: 'Bearer' as const }), 201)
  },

  async createApiKey(c, { id, secret }) {
    const key = await findApiKey(requestDeps(c), access(c), id)
    const opened = secret === undefined ? null : await isolateServices(c).sealer.open(secret)
    if (!key || opened === null) return null
    const { userId: _owner, ...shown } = key
    noStore(c)
    c.header('Location', `/api/api-keys/${key.id}`)
    return c.json(dataBody(c, { ...shown, secret: opened }), 201)
  },

  async createWebhookEndpoint(c, { id, secret }) {
    const endpoint = await findWebhookEndpoint(requestDeps(c), access(c), id)
    const opened = secret === undefined ? null : await isolateServices(c).sealer.open(secret)
    if (!endpoint || opened === null) return null
    noStore(c)
    c.header('Location', `/api/webhook-endpoints/${endpoint.id}`)
    return c.json(dataBody(c, { ...tagged(c, shownEndpoint(endpoint)), secret: opened }), 201)
  },
}
