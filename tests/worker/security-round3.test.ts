// What a hostile tester found in round 3, each tried as it was found: through the Worker.
import { createExecutionContext, env, waitOnExecutionContext } from 'cloudflare:test'
import { sign } from 'hono/jwt'
import { describe, expect, it } from 'vitest'
import { createApp } from '../../src/app'
import { BASE, call, json, register } from './support/api'
import { assertConforms } from './support/contract'
import { parameterLimitedD1 } from './support/d1-limits'

type ErrorJson = { error: { code: string; details?: { field: string; in: string }[] } }
const bearer = (token: string) => ({ Authorization: `Bearer ${token}` })

// The app on a D1 that, like D1 in production, takes at most 100 bound values per statement.
const limitedApp = createApp()
async function limited(method: string, path: string, headers: Record<string, string>, body?: unknown) {
  const init = {
    method,
    headers: { 'CF-Connecting-IP': '192.0.2.77', ...headers, ...(body ? { 'content-type': 'application/json' } : {}) },
    ...(body ? { body: JSON.stringify(body) } : {}),
  }
  const ctx = createExecutionContext()
  const response = await limitedApp.request(`${BASE}${path}`, init, { ...env, DB: parameterLimitedD1(env.DB) }, ctx)
  await waitOnExecutionContext(ctx)
  await assertConforms(method, `${BASE}${path}`, response.clone())
  return response
}
/** A token of this user as the API signs them, issued `ageSeconds` ago (so still within its hour). */
const tokenIssuedAgo = (userId: string, ageSeconds: number, lifeSeconds = 3600) => {
  const iat = Math.floor(Date.now() / 1000) - ageSeconds
  return sign({ sub: userId, role: 'user', gen: 0, iat, exp: iat + lifeSeconds }, env.JWT_SECRET, 'HS256')
}
const tags = (n: number, from = 100) => Array.from({ length: n }, (_, i) => `"v${from + i}"`).join(',')

describe('If-Match with many entity tags', () => {
  it('more tags than the document allows are a 400 on every conditional write, never a 5xx', async () => {
    const session = await register()
    const post = await json('POST', `/api/users/${session.user.id}/posts`, { title: 'T', body: 'B' }, bearer(session.token))
    const postId = (await post.json<{ data: { id: string } }>()).data.id
    const headers = { ...bearer(session.token), 'If-Match': tags(110) }
    const answers = [
      await limited('DELETE', `/api/users/${session.user.id}`, headers),
      await limited('PATCH', `/api/users/${session.user.id}`, headers, { name: 'N' }),
      await limited('PATCH', `/api/users/${session.user.id}/posts/${postId}`, headers, { title: 'T' }),
      await limited('PUT', `/api/users/${session.user.id}`, headers, { email: session.user.email, name: 'N' }),
      await limited('DELETE', `/api/users/${session.user.id}/posts/${postId}`, headers),
    ]
    for (const answer of answers) {
      expect(answer.status).toBe(400)
      expect((await answer.json<ErrorJson>()).error.details?.[0]).toMatchObject({ field: 'If-Match', in: 'header' })
    }
  })

  it('a signed-out token with as many tags as the document allows gets its 401, and an owner a 412', async () => {
    const session = await register()
    await call('/api/auth/logout', { method: 'POST', headers: bearer(session.token) })
    const path = `/api/users/${session.user.id}`
    const refused = await limited('DELETE', path, { ...bearer(session.token), 'If-Match': tags(20) })
    expect(refused.status).toBe(401)
    const owner = await register()
    const stale = await limited('DELETE', `/api/users/${owner.user.id}`, { ...bearer(owner.token), 'If-Match': tags(20) })
    expect(stale.status).toBe(412)
    // The same tag many times over is one tag.
    const repeated = await limited(
      'PATCH',
      `/api/users/${owner.user.id}`,
      { ...bearer(owner.token), 'If-Match': Array(20).fill('"v1"').join(',') },
      { name: 'N' },
    )
    expect(repeated.status).toBe(200)
  })

  it('entity tags compare strongly, as exact strings: "v01" does not match "v1"', async () => {
    const session = await register()
    const path = `/api/users/${session.user.id}`
    const padded = await json('PATCH', path, { name: 'N' }, { ...bearer(session.token), 'If-Match': '"v01"' })
    expect(padded.status).toBe(412)
    const exact = await json('PATCH', path, { name: 'N' }, { ...bearer(session.token), 'If-Match': '"v01", "v1"' })
    expect(exact.status).toBe(200)
  })
})

describe('a stolen token cannot make itself lasting, or delete the account', () => {
  it('minting an API key with a login token needs a login of the last 5 minutes; an API key is not asked', async () => {
    const session = await register()
    const old = await tokenIssuedAgo(session.user.id, 10 * 60)
    const refused = await json('POST', '/api/api-keys', { name: 'forever', scopes: ['read', 'write', 'keys'] }, bearer(old))
    expect(refused.status).toBe(403)
    expect((await refused.json<ErrorJson>()).error.code).toBe('REAUTHENTICATION_REQUIRED')
    expect(await env.DB.prepare('SELECT count(*) AS n FROM api_keys WHERE user_id = ?').bind(session.user.id).first('n')).toBe(0)
    const fresh = await tokenIssuedAgo(session.user.id, 60)
    const made = await json('POST', '/api/api-keys', { name: 'fresh', scopes: ['keys'] }, bearer(fresh))
    expect(made.status).toBe(201)
    const key = (await made.json<{ data: { secret: string } }>()).data.secret
    expect((await json('POST', '/api/api-keys', { name: 'by a key', scopes: ['keys'] }, bearer(key))).status).toBe(201)
  })

  it('deleting your own account with a login token needs a recent login; a signed-out one is still a 401 first', async () => {
    const session = await register()
    const path = `/api/users/${session.user.id}`
    const old = await tokenIssuedAgo(session.user.id, 10 * 60)
    const refused = await call(path, { method: 'DELETE', headers: { ...bearer(old), 'If-Match': '*' } })
    expect(refused.status).toBe(403)
    expect((await refused.json<ErrorJson>()).error.code).toBe('REAUTHENTICATION_REQUIRED')
    expect((await call(path)).status).toBe(200)
    const fresh = await tokenIssuedAgo(session.user.id, 60)
    expect((await call(path, { method: 'DELETE', headers: { ...bearer(fresh), 'If-Match': '*' } })).status).toBe(204)
    const other = await register()
    await call('/api/auth/logout', { method: 'POST', headers: bearer(other.token) })
    const signedOut = await call(`/api/users/${other.user.id}`, { method: 'DELETE', headers: { ...bearer(other.token), 'If-Match': '*' } })
    expect(signedOut.status).toBe(401)
  })
})

describe('tokens live at most the hour they are issued for', () => {
  it('a token signed with the real secret but expiring in ten years is a 401', async () => {
    const session = await register()
    const decade = await tokenIssuedAgo(session.user.id, 0, 10 * 365 * 86_400)
    const answer = await call('/api/profile', { headers: bearer(decade) })
    expect(answer.status).toBe(401)
  })
})

describe('a key minted by a key never outlives it', () => {
  type Created = { data: { id: string; secret: string; expiresAt: string | null } }
  const mint = async (credential: string, body: { scopes: string[]; expiresInDays?: number }) => {
    const made = await json('POST', '/api/api-keys', { name: 'minted', ...body }, bearer(credential))
    expect(made.status).toBe(201)
    return (await made.json<Created>()).data
  }
  const works = async (secret: string) => (await call('/api/api-keys', { headers: bearer(secret) })).status

  it('expires no later than its parent, whatever it asks for', async () => {
    const session = await register()
    const parent = await mint(session.token, { scopes: ['read', 'keys'], expiresInDays: 1 })
    expect((await mint(parent.secret, { scopes: ['keys'] })).expiresAt).toBe(parent.expiresAt)
    expect((await mint(parent.secret, { scopes: ['keys'], expiresInDays: 366 })).expiresAt).toBe(parent.expiresAt)
    const lasting = await mint(session.token, { scopes: ['keys'] })
    const child = await mint(lasting.secret, { scopes: ['keys'], expiresInDays: 10 })
    expect(Date.parse(child.expiresAt!) - Date.now()).toBeGreaterThan(9 * 86_400_000)
    expect((await mint(lasting.secret, { scopes: ['keys'] })).expiresAt).toBeNull()
  })

  it('ends when its parent is revoked, with the keys it made in turn; revoking a child leaves its parent', async () => {
    const session = await register()
    const parent = await mint(session.token, { scopes: ['read', 'keys'] })
    const child = await mint(parent.secret, { scopes: ['read', 'keys'] })
    const grandchild = await mint(child.secret, { scopes: ['keys'] })
    const sibling = await mint(session.token, { scopes: ['keys'] })
    const leaf = await mint(grandchild.secret, { scopes: ['keys'] })
    expect((await call(`/api/api-keys/${leaf.id}`, { method: 'DELETE', headers: bearer(session.token) })).status).toBe(204)
    expect(await works(grandchild.secret)).toBe(200)
    expect((await call(`/api/api-keys/${parent.id}`, { method: 'DELETE', headers: bearer(session.token) })).status).toBe(204)
    expect([await works(parent.secret), await works(child.secret), await works(grandchild.secret)]).toEqual([401, 401, 401])
    expect(await works(sibling.secret)).toBe(200)
    // Revoked once is revoked: the parent is no longer an active key of theirs.
    expect((await call(`/api/api-keys/${parent.id}`, { method: 'DELETE', headers: bearer(session.token) })).status).toBe(404)
  })

  it("another user's key id revokes nothing of theirs", async () => {
    const owner = await register()
    const stranger = await register()
    const parent = await mint(owner.token, { scopes: ['keys'] })
    const child = await mint(parent.secret, { scopes: ['keys'] })
    expect((await call(`/api/api-keys/${parent.id}`, { method: 'DELETE', headers: bearer(stranger.token) })).status).toBe(404)
    expect([await works(parent.secret), await works(child.secret)]).toEqual([200, 200])
  })
})

describe('answers that carry an email are never stored', () => {
  it('createUser, replaceUser and updateUser answer with Cache-Control: no-store', async () => {
    const { registerAdmin, uniqueEmail } = await import('./support/api')
    const admin = await registerAdmin()
    const created = await json(
      'POST',
      '/api/users',
      { email: uniqueEmail(), name: 'N', password: 'Test-Pa55word!xyz', role: 'user' },
      bearer(admin.token),
    )
    expect(created.status).toBe(201)
    const { id, email } = (await created.json<{ data: { id: string; email: string } }>()).data
    const headers = { ...bearer(admin.token), 'If-Match': '*' }
    const replaced = await json('PUT', `/api/users/${id}`, { email, name: 'M' }, headers)
    const updated = await json('PATCH', `/api/users/${id}`, { name: 'O' }, headers)
    for (const answer of [created, replaced, updated]) expect(answer.headers.get('cache-control')).toContain('no-store')
  })
})

describe('changing the password with an API key', () => {
  it('is 403 FORBIDDEN, which the operation lists', async () => {
    const session = await register()
    const made = await json('POST', '/api/api-keys', { name: 'k', scopes: ['read', 'write', 'keys'] }, bearer(session.token))
    const key = (await made.json<{ data: { secret: string } }>()).data.secret
    const answer = await json('PUT', '/api/profile/password', { currentPassword: 'x', newPassword: 'Another-Pa55word' }, bearer(key))
    expect(answer.status).toBe(403)
    expect((await answer.json<ErrorJson>()).error.code).toBe('FORBIDDEN')
    const { documentOperation } = await import('../support/openapi')
    // The document names the 403 it may send: a shared response whose name says both codes.
    const listed = JSON.stringify(documentOperation('changePassword').operation.responses?.['403'])
    expect(listed).toMatch(/Forbidden/)
  })
})
