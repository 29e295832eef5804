// Every error code the document lists for an operation is one it really sends: each (operation, status, code) is
// provoked here through the Worker. The other direction (a code the response does not list) fails the contract check
// every answer of the suite goes through (support/contract.ts). Together: each response lists exactly its codes.
import { env } from 'cloudflare:test'
import { sign } from 'hono/jwt'
import { describe, expect, it } from 'vitest'
import type { OperationId } from '../../src/contract/operations'
import { documentOperation, documentOperations, errorCodesOf } from '../support/openapi'
import { client, json, PASSWORD, uniqueEmail } from './support/api'
import { bearer, makeWorld, type RequestSpec, send, validRequests, type World } from './support/operations'

type ErrorJson = { error: { code: string } }
type Provoke = (operationId: OperationId, world: World) => Promise<Response>

const spec = (operationId: OperationId, world: World): RequestSpec => validRequests[operationId](world)
const secured = (operationId: OperationId) => documentOperation(operationId).secured
/** The owner's token where the operation needs one (it holds every scope), nothing where it does not. */
const owner = (operationId: OperationId, world: World) => (secured(operationId) ? bearer(world.owner.token) : {})
const jsonBody = (operationId: OperationId, world: World, raw: string, type = 'application/json') =>
  send(operationId, spec(operationId, world), { 'content-type': type, ...owner(operationId, world) }, raw)
const randomIds = (path: Record<string, string> = {}) => Object.fromEntries(Object.keys(path).map((name) => [name, crypto.randomUUID()]))
/** The scopes of an API key that lacks the one the operation needs (`session`: any key lacks it). */
function keyScopesWithout(operationId: OperationId) {
  const needed = documentOperation(operationId).operation.security?.[0]?.bearerAuth ?? []
  return ['read', 'write', 'keys'].filter((scope) => !needed.includes(scope))
}

/** How to make each code happen, given an operation that lists it. */
const provoke: Record<string, Provoke> = {
  VALIDATION_ERROR: (id, w) => send(id, { ...spec(id, w), query: { ...spec(id, w).query, unknownParameter: '1' } }, owner(id, w)),
  INVALID_JSON: (id, w) => jsonBody(id, w, '{"unfinished":'),
  PAYLOAD_TOO_LARGE: (id, w) => jsonBody(id, w, JSON.stringify({ text: 'x'.repeat(70_000) })),
  UNSUPPORTED_MEDIA_TYPE: (id, w) => jsonBody(id, w, '{}', 'text/plain'),
  UNAUTHORIZED: (id, w) => send(id, spec(id, w)),
  INVALID_CREDENTIALS: (id, w) => send(id, { body: { email: w.owner.user.email, password: 'Not-the-passw0rd' } }),
  FORBIDDEN: async (id, w) => {
    const key = await client(w.owner.token).POST('/api/api-keys', { body: { name: 'Narrow', scopes: keyScopesWithout(id) as ['read'] } })
    return send(id, spec(id, w), bearer(key.data!.data.secret))
  },
  REAUTHENTICATION_REQUIRED: async (id, w) => {
    if (id === 'createApiKey' || id === 'deleteUser') {
      // A login token of more than five minutes ago (still within its hour) may not mint a key or delete the account.
      const iat = Math.floor(Date.now() / 1000) - 600
      const old = await sign({ sub: w.owner.user.id, role: 'user', gen: 0, iat, exp: iat + 3600 }, env.JWT_SECRET, 'HS256')
      return send(id, spec(id, w), bearer(old))
    }
    const changes: Partial<Record<OperationId, unknown>> = {
      changePassword: { currentPassword: 'Not-the-passw0rd', newPassword: 'A-brand-new-passw0rd' },
      replaceUser: { email: uniqueEmail('moved'), name: 'Moved' },
      updateUser: { email: uniqueEmail('moved') },
    }
    return send(id, { ...spec(id, w), body: changes[id] }, owner(id, w))
  },
  NOT_FOUND: (id, w) => send(id, { ...spec(id, w), path: randomIds(spec(id, w).path) }, bearer(w.admin.token)),
  CONFLICT: async (id, w) => {
    if (id === 'createUserPost') {
      // A retry whose first attempt created the post and lost its answer, after the post was deleted: the outcome
      // recorded with the post names a row that is gone (the lost completion is made by hand here; faults.test.ts
      // makes it by failing D1).
      const key = { 'Idempotency-Key': crypto.randomUUID() }
      const made = await (await send(id, spec(id, w), { ...owner(id, w), ...key })).json<{ data: { id: string } }>()
      await env.DB.prepare('UPDATE idempotency_keys SET status = NULL, body = NULL, outcome = ? WHERE key = ?')
        .bind(JSON.stringify({ id: made.data.id }), key['Idempotency-Key'])
        .run()
      await env.DB.prepare('DELETE FROM posts WHERE id = ?').bind(made.data.id).run()
      return send(id, spec(id, w), { ...owner(id, w), ...key })
    }
    if (id === 'createWebhookEndpoint') {
      // At most 10 endpoints per account: the 11th is the conflict.
      for (let made = 0; made < 10; made++) await send(id, spec(id, w), owner(id, w))
      return send(id, spec(id, w), owner(id, w))
    }
    if (id === 'createApiKey') {
      const keys = await client(w.owner.token).GET('/api/api-keys', { params: { query: { pageSize: 100 } } })
      for (let made = keys.data!.meta.total; made < 25; made++) await send(id, spec(id, w), owner(id, w))
      return send(id, spec(id, w), owner(id, w))
    }
    const taken: Partial<Record<OperationId, unknown>> = {
      register: { email: w.other.user.email, name: 'Twin', password: PASSWORD },
      createUser: { email: w.other.user.email, name: 'Twin', password: PASSWORD, role: 'user' },
      replaceUser: { email: w.other.user.email, name: 'Twin', currentPassword: PASSWORD },
      updateUser: { email: w.other.user.email, currentPassword: PASSWORD },
    }
    return send(id, { ...spec(id, w), body: taken[id] }, id === 'createUser' ? bearer(w.admin.token) : owner(id, w))
  },
  PRECONDITION_REQUIRED: (id, w) => {
    const { 'If-Match': _, ...headers } = spec(id, w).headers ?? {}
    return send(id, { ...spec(id, w), headers }, owner(id, w))
  },
  PRECONDITION_FAILED: (id, w) => send(id, { ...spec(id, w), headers: { 'If-Match': '"v999"' } }, owner(id, w)),
  IDEMPOTENCY_KEY_REUSED: async (id, w) => {
    const key = { 'Idempotency-Key': crypto.randomUUID() }
    const credentials = id === 'createUser' ? bearer(w.admin.token) : owner(id, w)
    if (id === 'login') {
      // An anonymous key belongs to the account its body names: used to register, it cannot log that account in.
      const email = uniqueEmail('keyed')
      await json('POST', '/api/auth/register', { email, name: 'Keyed', password: PASSWORD }, key)
      return send(id, { body: { email, password: PASSWORD } }, key)
    }
    const first = spec(id, w)
    await send(id, first, { ...credentials, ...key })
    const body = { ...(first.body as object), name: 'Another name', title: 'Another title', description: 'Another description' }
    const fields = Object.keys(first.body as object)
    return send(
      id,
      { ...first, body: Object.fromEntries(Object.entries(body).filter(([field]) => fields.includes(field))) },
      { ...credentials, ...key },
    )
  },
  QUOTA_EXCEEDED: async (id, w) => {
    // An account at its limits (posts and bytes, kept by triggers), as if it had written them all.
    await env.DB.prepare('UPDATE users SET post_count = 1000000, post_bytes = 1000000000 WHERE id = ?').bind(w.owner.user.id).run()
    const longer = { ...spec(id, w), body: { ...(spec(id, w).body as object), title: 'A title longer than the one it had' } }
    return send(id, longer, owner(id, w))
  },
  INVALID_CURSOR: (id, w) => send(id, { ...spec(id, w), query: { cursor: 'bm90LWEtY3Vyc29y' } }, owner(id, w)),
}

/** Codes every /api operation sends for the same reason whatever it is; each is proven once in its own test file. */
const everywhere = new Map([
  ['RATE_LIMITED', 'rate-limit.test.ts'],
  ['INTERNAL_ERROR', 'http-basics.test.ts'],
  ['SERVICE_UNAVAILABLE', 'http-basics.test.ts'],
])
/**
 * Sent by every POST that takes an Idempotency-Key while another attempt holds the key: idempotency.test.ts holds a
 * first request open to prove it, faults.test.ts makes it by failing D1.
 */
const inFlight = 'IDEMPOTENCY_KEY_IN_USE'

const cases = documentOperations.flatMap((op) =>
  Object.entries(errorCodesOf(op)).flatMap(([status, codes]) =>
    codes
      .filter((code) => !everywhere.has(code) && code !== inFlight)
      .map((code) => [op.operationId as OperationId, Number(status), code] as const),
  ),
)

describe('every code an operation lists is one it sends', () => {
  it('every code it can provoke, and every code of every /api operation, is listed by some operation', () => {
    const listed = new Set(documentOperations.flatMap((op) => Object.values(errorCodesOf(op)).flat()))
    for (const code of [...Object.keys(provoke), ...everywhere.keys()]) expect(listed, code).toContain(code)
  })

  it('the in-flight code is listed exactly by the operations that take an Idempotency-Key', () => {
    for (const op of documentOperations) {
      const keyed = op.parameters.some((p) => p.in === 'header' && p.name === 'Idempotency-Key')
      expect(Object.values(errorCodesOf(op)).flat().includes(inFlight), op.operationId).toBe(keyed)
    }
  })

  it.each(cases)('%s answers %i %s', async (operationId, status, code) => {
    const make = provoke[code]
    expect(make, `no way to provoke ${code}`).toBeDefined()
    const response = await make!(operationId, await makeWorld())
    const text = await response.text()
    expect(response.status, text).toBe(status)
    expect((JSON.parse(text) as ErrorJson).error.code).toBe(code)
  })
})
