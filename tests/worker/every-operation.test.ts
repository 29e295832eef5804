// Tables every operation must join, generated from the document and the operation registry: an operation added to the
// contract is served, authenticated, fed bad input and put through the ownership matrix without anyone listing it here.
import { env } from 'cloudflare:test'
import { sign } from 'hono/jwt'
import { describe, expect, it } from 'vitest'
import { createApp } from '../../src/app'
import type { OperationId } from '../../src/contract/operations'
import { documentOperations } from '../support/openapi'
import { client } from './support/api'
import { bearer, makeWorld, type MutatingOperationId, send, snapshot, validRequests, type World } from './support/operations'

type ErrorJson = { error: { code: string } }
const ids = documentOperations.map((op) => op.operationId as OperationId)
const secured = documentOperations.filter((op) => op.secured).map((op) => op.operationId as OperationId)
const open = documentOperations.filter((op) => !op.secured).map((op) => op.operationId as OperationId)
const withBody = documentOperations.filter((op) => op.body).map((op) => op.operationId as OperationId)
const successOf = (id: OperationId) =>
  Number(Object.keys(documentOperations.find((op) => op.operationId === id)!.responses).find((s) => s.startsWith('2')))

describe('the app and the document', () => {
  it('the app serves exactly the operations of the document (plus /openapi.json, /docs and the collection)', () => {
    // hono lists an operation once per handler in its chain (middleware, validators, handler): the set is what is served.
    const served = createApp()
      .routes.filter((route) => route.method !== 'ALL')
      .map((route) => `${route.method} ${route.path.replace(/:(\w+)/g, '{$1}')}`)
    const documented = documentOperations.map((op) => `${op.method.toUpperCase()} ${op.path}`)
    expect(new Set(served)).toEqual(new Set([...documented, 'GET /openapi.json', 'GET /docs', 'GET /assets/collection.json']))
  })
})

/** Every way a bearer credential can be wrong, as a function of a world whose owner is the credential's user. */
const badCredentials: [string, (w: World) => Promise<Record<string, string>>][] = [
  ['no Authorization header', async () => ({})],
  ['another scheme', async () => ({ Authorization: 'Basic dXNlcjpwYXNz' })],
  ['Bearer with nothing after it', async () => ({ Authorization: 'Bearer ' })],
  ['a token that is not a JWT', async () => ({ Authorization: 'Bearer a.b.c' })],
  [
    'an expired token',
    async (w) =>
      bearer(await sign({ sub: w.owner.user.id, role: 'admin', exp: Math.floor(Date.now() / 1000) - 1 }, env.JWT_SECRET, 'HS256')),
  ],
  [
    'a token signed with another key',
    async (w) =>
      bearer(
        await sign(
          { sub: w.owner.user.id, role: 'admin', exp: Math.floor(Date.now() / 1000) + 600 },
          'another-secret-0123456789abcdef0123',
          'HS256',
        ),
      ),
  ],
  [
    'a correctly signed token without an expiry',
    async (w) => bearer(await sign({ sub: w.owner.user.id, role: 'admin', gen: 0 }, env.JWT_SECRET, 'HS256')),
  ],
  [
    'a token ended by signing out',
    async (w) => {
      const { data } = await client().POST('/api/auth/login', { body: { email: w.owner.user.email, password: w.owner.password } })
      await client(data!.data.token).POST('/api/auth/logout')
      return bearer(data!.data.token)
    },
  ],
  [
    'a token from before a password change',
    async (w) => {
      const old = w.owner.token
      await client(old).PUT('/api/profile/password', { body: { currentPassword: w.owner.password, newPassword: 'A-changed-passw0rd' } })
      return bearer(old)
    },
  ],
  [
    'an API key that was revoked',
    async (w) => {
      await client(w.owner.token).DELETE('/api/api-keys/{id}', { params: { path: { id: w.ownerKey.id } } })
      return bearer(w.ownerKey.secret)
    },
  ],
  [
    'an API key past its expiry',
    async (w) => {
      await env.DB.prepare('UPDATE api_keys SET expires_at = ? WHERE id = ?').bind('2020-01-01T00:00:00.000Z', w.ownerKey.id).run()
      return bearer(w.ownerKey.secret)
    },
  ],
  ['a made-up API key (the right prefix and length, never issued)', async () => bearer(`cfak_${'A'.repeat(51)}`)],
  [
    'the API key of a deleted user',
    async () => {
      const gone = await makeWorld()
      await client(gone.owner.token).DELETE('/api/users/{id}', {
        params: { path: { id: gone.owner.user.id }, header: { 'If-Match': '*' } },
      })
      return bearer(gone.ownerKey.secret)
    },
  ],
  [
    'the token of a deleted user',
    async () => {
      const gone = await makeWorld()
      await client(gone.owner.token).DELETE('/api/users/{id}', {
        params: { path: { id: gone.owner.user.id }, header: { 'If-Match': '*' } },
      })
      return bearer(gone.owner.token)
    },
  ],
]

describe.each(secured)('%s needs credentials', (operationId) => {
  it.each(badCredentials)('%s: 401 UNAUTHORIZED and nothing changes', async (_what, credential) => {
    const world = await makeWorld()
    const headers = await credential(world)
    const before = await snapshot()
    const response = await send(operationId, validRequests[operationId](world), headers)
    expect(response.status).toBe(401)
    expect((await response.json<ErrorJson>()).error.code).toBe('UNAUTHORIZED')
    expect(await snapshot()).toEqual(before)
  })
})

describe.each(open)('%s needs no credentials', (operationId) => {
  it('never answers UNAUTHORIZED, even to a broken Authorization header', async () => {
    const world = await makeWorld()
    for (const headers of [{}, { Authorization: 'Bearer a.b.c' }, { Authorization: 'Basic dXNlcjpwYXNz' }] as Record<string, string>[]) {
      const response = await send(operationId, validRequests[operationId](world), headers)
      expect(response.status, JSON.stringify(headers)).toBe(successOf(operationId))
    }
  })
})

const badBodies: [string, string | undefined, Record<string, string>, number, string][] = [
  ['malformed JSON', '{"title": "x",', { 'content-type': 'application/json' }, 400, 'INVALID_JSON'],
  ['an empty body', undefined, { 'content-type': 'application/json' }, 400, 'INVALID_JSON'],
  ['a JSON array', '[{"title":"x","body":"y"}]', { 'content-type': 'application/json' }, 400, 'VALIDATION_ERROR'],
  ['a JSON string', '"hello"', { 'content-type': 'application/json' }, 400, 'VALIDATION_ERROR'],
  ['JSON null', 'null', { 'content-type': 'application/json' }, 400, 'VALIDATION_ERROR'],
  ['a form body', 'title=x&body=y', { 'content-type': 'application/x-www-form-urlencoded' }, 415, 'UNSUPPORTED_MEDIA_TYPE'],
  ['text/plain JSON', '{"title":"x","body":"y"}', { 'content-type': 'text/plain' }, 415, 'UNSUPPORTED_MEDIA_TYPE'],
  ['no content type', '{"title":"x","body":"y"}', {}, 415, 'UNSUPPORTED_MEDIA_TYPE'],
  [
    'a body over 64 KiB',
    JSON.stringify({ title: 'x', body: 'y'.repeat(70_000) }),
    { 'content-type': 'application/json' },
    413,
    'PAYLOAD_TOO_LARGE',
  ],
]

describe.each(withBody)('%s refuses a bad body', (operationId) => {
  it.each(badBodies)('%s -> %i %s, and nothing is written', async (_what, body, headers, status, code) => {
    const world = await makeWorld()
    const before = await snapshot()
    const response = await send(operationId, validRequests[operationId](world), { ...headers, ...bearer(world.admin.token) }, body ?? '')
    expect(response.status).toBe(status)
    expect((await response.json<ErrorJson>()).error.code).toBe(code)
    expect(await snapshot()).toEqual(before)
  })
})

// Bytes that are not UTF-8 in a string of an otherwise valid body: a Latin-1 é, and a surrogate encoded as if UTF-8.
const notUtf8: [string, number[]][] = [
  ['a Latin-1 byte', [0xe9]],
  ['an encoded lone surrogate', [0xed, 0xa0, 0x80]],
]

describe.each(withBody)('%s refuses a body that is not UTF-8', (operationId) => {
  it.each(notUtf8)('%s in its first string -> 400 INVALID_JSON, and nothing is written', async (_what, bytes) => {
    const world = await makeWorld()
    const spec = validRequests[operationId](world)
    const text = JSON.stringify((spec as { body?: unknown }).body)
    const at = text.indexOf('":"') + 3
    expect(at, 'the valid body has a string value').toBeGreaterThan(2)
    const utf8 = (part: string) => [...new TextEncoder().encode(part)]
    const body = new Uint8Array([...utf8(text.slice(0, at)), ...bytes, ...utf8(text.slice(at))])
    const before = await snapshot()
    const response = await send(operationId, spec, { 'content-type': 'application/json', ...bearer(world.admin.token) }, body)
    expect(response.status).toBe(400)
    expect((await response.json<ErrorJson>()).error.code).toBe('INVALID_JSON')
    expect(await snapshot()).toEqual(before)
  })

  it('the same bytes sent as application/octet-stream are 415, and without credentials where it needs them 401 first', async () => {
    const world = await makeWorld()
    const spec = validRequests[operationId](world)
    const body = new Uint8Array([0x7b, 0xe9, 0x7d])
    const binary = await send(operationId, spec, { 'content-type': 'application/octet-stream', ...bearer(world.admin.token) }, body)
    expect(binary.status).toBe(415)
    expect((await binary.json<ErrorJson>()).error.code).toBe('UNSUPPORTED_MEDIA_TYPE')
    if (!secured.includes(operationId)) return
    const anonymous = await send(operationId, spec, { 'content-type': 'application/json' }, body)
    expect(anonymous.status).toBe(401)
  })
})

type Actor = 'anonymous' | 'other' | 'self' | 'admin'
/** Who may do what to the owner's rows. `self` is the owner; a number is the status the document gives for that actor. */
const ownership: Record<MutatingOperationId, Record<Actor, number>> = {
  createUser: { anonymous: 401, other: 403, self: 403, admin: 201 },
  replaceUser: { anonymous: 401, other: 403, self: 200, admin: 200 },
  updateUser: { anonymous: 401, other: 403, self: 200, admin: 200 },
  deleteUser: { anonymous: 401, other: 403, self: 204, admin: 204 },
  createUserPost: { anonymous: 401, other: 403, self: 201, admin: 201 },
  updateUserPost: { anonymous: 401, other: 403, self: 200, admin: 200 },
  deleteUserPost: { anonymous: 401, other: 403, self: 204, admin: 204 },
  // These act on the caller's own account, whoever calls.
  changePassword: { anonymous: 401, other: 200, self: 200, admin: 200 },
  logout: { anonymous: 401, other: 204, self: 204, admin: 204 },
  createApiKey: { anonymous: 401, other: 201, self: 201, admin: 201 },
  // Only its owner revokes a key: to anyone else it does not exist.
  revokeApiKey: { anonymous: 401, other: 404, self: 204, admin: 404 },
  createWebhookEndpoint: { anonymous: 401, other: 201, self: 201, admin: 201 },
  // Only its owner manages an endpoint: to anyone else, an admin too, it does not exist.
  updateWebhookEndpoint: { anonymous: 401, other: 404, self: 200, admin: 404 },
  deleteWebhookEndpoint: { anonymous: 401, other: 404, self: 204, admin: 404 },
  rotateWebhookEndpointSecret: { anonymous: 401, other: 404, self: 200, admin: 404 },
  pingWebhookEndpoint: { anonymous: 401, other: 404, self: 202, admin: 404 },
  retryWebhookDelivery: { anonymous: 401, other: 404, self: 202, admin: 404 },
}

describe('the ownership matrix', () => {
  it('covers every operation that needs credentials and is not a GET', () => {
    const mutating = documentOperations.filter((op) => op.secured && op.method !== 'get').map((op) => op.operationId)
    expect(Object.keys(ownership).sort()).toEqual(mutating.sort())
  })

  const tokenOf = (w: World, actor: Actor) =>
    ({ anonymous: undefined, other: w.other.token, self: w.owner.token, admin: w.admin.token })[actor]
  const cases = (Object.keys(ownership) as MutatingOperationId[]).flatMap((id) =>
    (Object.keys(ownership[id]) as Actor[]).map((actor) => [id, actor, ownership[id][actor]] as const),
  )
  it.each(cases)('%s as %s -> %i; a refusal changes nothing', async (operationId, actor, status) => {
    expect(ids).toContain(operationId)
    const world = await makeWorld()
    const before = await snapshot()
    const response = await send(operationId, validRequests[operationId](world), bearer(tokenOf(world, actor)))
    expect(response.status).toBe(status)
    if (status >= 400) expect(await snapshot()).toEqual(before)
  })
})

/** What a guest may still do to their own account; every other write of theirs is a 403. */
const guestMayStill: MutatingOperationId[] = ['changePassword', 'logout', 'revokeApiKey']

describe('a guest reads but writes nothing', () => {
  const mutating = Object.keys(ownership) as MutatingOperationId[]
  it.each(mutating)('%s by a guest on their own rows', async (operationId) => {
    const world = await makeWorld()
    await env.DB.prepare("UPDATE users SET role = 'guest' WHERE id = ?").bind(world.owner.user.id).run()
    const before = await snapshot()
    const response = await send(operationId, validRequests[operationId](world), bearer(world.owner.token))
    if (guestMayStill.includes(operationId)) {
      expect(response.status).toBe(ownership[operationId].self)
      return
    }
    expect(response.status).toBe(403)
    expect((await response.json<ErrorJson>()).error.code).toBe('FORBIDDEN')
    expect(await snapshot()).toEqual(before)
  })

  it('and reads like anyone', async () => {
    const world = await makeWorld()
    await env.DB.prepare("UPDATE users SET role = 'guest' WHERE id = ?").bind(world.owner.user.id).run()
    for (const operationId of ['getProfile', 'listPosts', 'getUser', 'listUserPosts', 'listApiKeys'] as const) {
      expect((await send(operationId, validRequests[operationId](world), bearer(world.owner.token))).status, operationId).toBe(200)
    }
  })
})
