// The number of D1 round trips of every operation of the document, through the real app. In production each round trip
// is a network hop to the database, so this count is the first-order latency of an operation. The client waits for the
// critical ones; work after the answer (waitUntil) is counted apart. A change that adds a trip, or an operation added to
// the contract without its counts here, fails.
import { createExecutionContext, env, waitOnExecutionContext } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import { createApp } from '../../src/app'
import type { OperationId } from '../../src/contract/operations'
import { documentOperation, documentOperations, fillPath } from '../support/openapi'
import { call, PASSWORD } from './support/api'
import { afterResponse } from '../../src/runtime/afterwards'
import { faultyD1, type Trip } from './support/faults'
import { makeWorld, type RequestSpec, validRequests, type World } from './support/operations'

const app = createApp()

interface Measured {
  status: number
  critical: Trip[]
  after: Trip[]
  headers: Headers
}

/** One request of an operation through createApp() with a counting DB, waiting for the work after the answer too. */
async function measure(operationId: OperationId, spec: RequestSpec, headers: Record<string, string> = {}): Promise<Measured> {
  const { method, path } = documentOperation(operationId)
  const query = new URLSearchParams(spec.query ?? {}).toString()
  const { binding, trips } = faultyD1(() => undefined)
  const ctx = createExecutionContext()
  const request = new Request(`http://api.test${fillPath(path, spec.path ?? {})}${query ? `?${query}` : ''}`, {
    method: method.toUpperCase(),
    headers: {
      ...(spec.body === undefined ? {} : { 'content-type': 'application/json' }),
      // Its own client address per request, so the per-IP rate limits (which are not D1) never interfere.
      'CF-Connecting-IP': `198.18.${Math.floor(Math.random() * 256)}.${Math.floor(Math.random() * 256)}`,
      ...spec.headers,
      ...headers,
    },
    ...(spec.body === undefined ? {} : { body: JSON.stringify(spec.body) }),
  })
  const response = await app.request(request, undefined, { ...env, DB: binding }, ctx)
  await response.arrayBuffer()
  await waitOnExecutionContext(ctx)
  return {
    status: response.status,
    critical: trips.filter((trip) => !trip.afterResponse),
    after: trips.filter((trip) => trip.afterResponse),
    headers: response.headers,
  }
}

const bearer = (token: string) => ({ Authorization: `Bearer ${token}` })

/** A variant of an operation's request, and the round trips it must cost: those the client waits for, and after. */
interface Case {
  name: string
  /** The credential and headers to send, from the world (default: the owner's login token). */
  headers?: (world: World) => Promise<Record<string, string>> | Record<string, string>
  /** Another request than the operation's valid one. */
  spec?: (world: World) => RequestSpec
  /** Sent once, uncounted, before the measured request (the first request of a retry, say). */
  before?: boolean
  status: number
  critical: number
  after?: number
}

const asOwner: Case['headers'] = (w) => bearer(w.owner.token)
const withKey: Case['headers'] = (w) => bearer(w.ownerKey.secret)
const asAdmin: Case['headers'] = (w) => bearer(w.admin.token)
const fresh = (headers: Case['headers'] = asOwner): Case['headers'] => {
  const key = crypto.randomUUID()
  return async (w) => ({ ...(await headers(w)), 'Idempotency-Key': key })
}
/** The ETag a GET of this path answers now, uncounted. */
const etagOf = async (path: string) => (await call(path)).headers.get('etag') ?? ''
const ifMatchCurrent =
  (path: (w: World) => string): Case['headers'] =>
  async (w) => ({ ...bearer(w.owner.token), 'If-Match': await etagOf(path(w)) })
const ownerPath = (w: World) => `/api/users/${w.owner.user.id}`
const postPath = (w: World) => `/api/posts/${w.postId}`
/** The owner's token, after they signed out (uncounted). */
const signedOut: Case['headers'] = async (w) => {
  await call('/api/auth/logout', { method: 'POST', headers: bearer(w.owner.token) })
  return bearer(w.owner.token)
}
/** The owner's API key, after they revoked it (uncounted). */
const revokedKey: Case['headers'] = async (w) => {
  await call(`/api/api-keys/${w.ownerKey.id}`, { method: 'DELETE', headers: bearer(w.owner.token) })
  return bearer(w.ownerKey.secret)
}
const stale: Case['headers'] = (w) => ({ ...bearer(w.owner.token), 'If-Match': '"v999999"' })

/** An idempotent POST: 2 the first time (the claim with the caller, then the write), its answer kept after; a replay 1. */
const idempotent = (status: number, headers: Case['headers'] = asOwner, after = 0): Case[] => {
  const once = fresh(headers)
  return [
    { name: 'with an Idempotency-Key', headers: once, status, critical: 2, after: after + 1 },
    { name: 'its replay', headers: once, before: true, status, critical: 1, after: 0 },
  ]
}

const table: Record<OperationId, Case[]> = {
  getHealth: [{ name: 'probe', status: 200, critical: 1 }],
  // The welcome email is recorded as sent after the answer.
  register: [{ name: 'sign-up', status: 201, critical: 1, after: 1 }, ...idempotent(201, () => ({}), 1)],
  login: [
    // The attempt is one statement with its lock; clearing the failed count is after the answer.
    { name: 'password accepted', status: 200, critical: 1, after: 1 },
    {
      name: 'wrong password',
      spec: (w) => ({ body: { email: w.owner.user.email, password: 'Wrong-passw0rd!' } }),
      status: 401,
      critical: 1,
    },
    ...idempotent(200, () => ({}), 1),
  ],
  getProfile: [
    { name: 'token', status: 200, critical: 1 },
    // A key's first use is recorded after the answer.
    { name: 'API key', headers: withKey, status: 200, critical: 1, after: 1 },
    { name: 'made-up token', headers: () => bearer('a.b.c'), status: 401, critical: 0 },
    { name: 'signed-out token', headers: signedOut, status: 401, critical: 1 },
    { name: 'revoked API key', headers: revokedKey, status: 401, critical: 1 },
  ],
  listUsers: [{ name: 'page and total', status: 200, critical: 1 }],
  getUser: [
    { name: 'miss', status: 200, critical: 1 },
    { name: 'cached', before: true, status: 200, critical: 0 },
    { name: 'If-None-Match', headers: async (w) => ({ 'If-None-Match': await etagOf(ownerPath(w)) }), status: 304, critical: 0 },
  ],
  createUser: [
    { name: 'admin', headers: asAdmin, status: 201, critical: 1 },
    { name: 'not an admin', status: 403, critical: 1 },
    ...idempotent(201, asAdmin),
  ],
  replaceUser: [
    { name: 'If-Match *', status: 200, critical: 1 },
    { name: 'If-Match current', headers: ifMatchCurrent(ownerPath), status: 200, critical: 1 },
    { name: 'If-Match stale', headers: stale, status: 412, critical: 1 },
    { name: 'API key', headers: async (w) => ({ ...withKey(w), 'If-Match': '*' }), status: 200, critical: 1, after: 1 },
  ],
  updateUser: [
    { name: 'If-Match *', status: 200, critical: 1 },
    { name: 'If-Match current', headers: ifMatchCurrent(ownerPath), status: 200, critical: 1 },
    { name: 'another user', headers: (w) => ({ ...bearer(w.other.token), 'If-Match': '*' }), status: 403, critical: 1 },
    // The documented exception: the password is compared on the Worker between reading its hash and the write.
    {
      name: 'new email with currentPassword',
      spec: (w) => ({
        ...validRequests.updateUser(w),
        body: { email: `moved-${crypto.randomUUID()}@example.com`, currentPassword: PASSWORD },
      }),
      status: 200,
      critical: 2,
      after: 1,
    },
  ],
  deleteUser: [
    { name: 'with posts and keys', status: 204, critical: 1 },
    { name: 'If-Match stale', headers: stale, status: 412, critical: 1 },
  ],
  listPosts: [
    { name: 'page and total', status: 200, critical: 1 },
    { name: 'by author', spec: (w) => ({ query: { authorId: w.owner.user.id } }), status: 200, critical: 1 },
  ],
  getPost: [
    { name: 'miss', status: 200, critical: 1 },
    { name: 'cached', before: true, status: 200, critical: 0 },
    { name: 'If-None-Match', headers: async (w) => ({ 'If-None-Match': await etagOf(postPath(w)) }), status: 304, critical: 0 },
  ],
  listUserPosts: [{ name: 'author, page and total', status: 200, critical: 1 }],
  createUserPost: [
    { name: 'token', status: 201, critical: 1 },
    { name: 'API key', headers: withKey, status: 201, critical: 1, after: 1 },
    { name: "another user's", headers: (w) => bearer(w.other.token), status: 403, critical: 1 },
    // The claim, then the refused write; the key is freed after the answer.
    { name: "another user's, with an Idempotency-Key", headers: fresh((w) => bearer(w.other.token)), status: 403, critical: 2, after: 1 },
    { name: 'signed-out token, with an Idempotency-Key', headers: fresh(signedOut), status: 401, critical: 1 },
    ...idempotent(201),
  ],
  updateUserPost: [
    { name: 'If-Match *', status: 200, critical: 1 },
    { name: 'If-Match current', headers: ifMatchCurrent(postPath), status: 200, critical: 1 },
    { name: 'If-Match stale', headers: stale, status: 412, critical: 1 },
  ],
  deleteUserPost: [
    { name: 'If-Match *', status: 204, critical: 1 },
    { name: 'If-Match stale', headers: stale, status: 412, critical: 1 },
  ],
  // The documented exception: the current password is compared between reading its hash and writing the new one.
  changePassword: [
    { name: 'token', status: 200, critical: 2, after: 1 },
    { name: 'API key (no session scope)', headers: withKey, status: 403, critical: 1, after: 1 },
  ],
  logout: [
    { name: 'token', status: 204, critical: 1 },
    { name: 'API key (no session scope)', headers: withKey, status: 403, critical: 1, after: 1 },
  ],
  createApiKey: [
    { name: 'token', status: 201, critical: 1 },
    { name: 'API key', headers: withKey, status: 201, critical: 1, after: 1 },
    ...idempotent(201),
  ],
  listApiKeys: [
    { name: 'token', status: 200, critical: 1 },
    { name: 'API key', headers: withKey, status: 200, critical: 1, after: 1 },
  ],
  revokeApiKey: [
    { name: 'token', status: 204, critical: 1 },
    { name: 'unknown key', spec: () => ({ path: { id: crypto.randomUUID() } }), status: 404, critical: 1 },
  ],
  createWebhookEndpoint: [
    { name: 'token', status: 201, critical: 1 },
    { name: 'API key', headers: withKey, status: 201, critical: 1, after: 1 },
    ...idempotent(201),
  ],
  listWebhookEndpoints: [{ name: 'token', status: 200, critical: 1 }],
  getWebhookEndpoint: [
    { name: 'token', status: 200, critical: 1 },
    { name: "another user's", headers: (w) => bearer(w.other.token), status: 404, critical: 1 },
  ],
  updateWebhookEndpoint: [
    { name: 'If-Match *', status: 200, critical: 1 },
    { name: 'If-Match stale', headers: stale, status: 412, critical: 1 },
  ],
  deleteWebhookEndpoint: [{ name: 'If-Match *', status: 204, critical: 1 }],
  rotateWebhookEndpointSecret: [{ name: 'token', status: 200, critical: 1 }],
  // The ping's event and delivery ride in one batch; the queue send after the answer is no D1 trip.
  pingWebhookEndpoint: [{ name: 'token', status: 202, critical: 1 }],
  listWebhookDeliveries: [{ name: 'token', status: 200, critical: 1 }],
  retryWebhookDelivery: [{ name: 'token', status: 202, critical: 1 }],
  listEvents: [
    { name: 'token', status: 200, critical: 1 },
    { name: 'filtered by type', spec: () => ({ query: { type: 'post.created' } }), status: 200, critical: 1 },
  ],
}

const cases = (Object.entries(table) as [OperationId, Case[]][]).flatMap(([operationId, variants]) =>
  variants.map((variant) => ({ operationId, ...variant, after: variant.after ?? 0 })),
)

describe('D1 round trips per operation', () => {
  it('the counter: a batch is one trip however many statements; each executed statement is one; work after the answer apart', async () => {
    const { binding, trips } = faultyD1(() => undefined)
    const select = binding.prepare('SELECT ? AS n')
    await binding.batch([select.bind(1), select.bind(2), select.bind(3)])
    expect(await select.bind(4).first('n')).toBe(4)
    await afterResponse.run(true, () => binding.prepare('SELECT 1').all())
    expect(trips).toEqual([
      { index: 0, what: 'batch of 3', afterResponse: false },
      { index: 1, what: 'first: SELECT ? AS n', afterResponse: false },
      { index: 2, what: 'all: SELECT 1', afterResponse: true },
    ])
  })

  it('every operation of the document has its counts here', () => {
    expect(Object.keys(table).sort()).toEqual(documentOperations.map((op) => op.operationId).sort())
  })

  it.each(cases)(
    '$operationId, $name: $critical then $after',
    async ({ operationId, headers = asOwner, spec, before, status, critical, after = 0 }) => {
      const world = await makeWorld()
      const request = spec ? spec(world) : validRequests[operationId](world)
      const sent = await headers(world)
      if (before) await measure(operationId, request, sent)
      const measured = await measure(operationId, request, sent)
      const listed = (trips: Trip[]) => trips.map((trip) => trip.what).join('\n')
      expect(measured.status, `critical:\n${listed(measured.critical)}`).toBe(status)
      expect(measured.critical, `the client waited for:\n${listed(measured.critical)}`).toHaveLength(critical)
      expect(measured.after, `after the answer:\n${listed(measured.after)}`).toHaveLength(after)
    },
  )
})
