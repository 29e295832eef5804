// API keys for unattended integrations, checked the way an integrator would use them.
import { createExecutionContext, env, waitOnExecutionContext } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import { createApp } from '../../src/app'
import { documentOperations } from '../support/openapi'
import { bodies, call, client, json, readCursor, register, writeCursor } from './support/api'
import { bearer, makeWorld, send, validRequests } from './support/operations'
import type { OperationId } from '../../src/contract/operations'

type ErrorJson = { error: { code: string; message: string } }
const keyOf = async (token: string, scopes: ('read' | 'write' | 'keys')[], name = 'Integration') => {
  const { data, response } = await client(token).POST('/api/api-keys', { body: { name, scopes } })
  if (!data) throw new Error(`could not create a key: ${response.status}`)
  return data.data
}

describe('an API key', () => {
  it('is shown once, recognisable, acts as its owner, and is listed without its secret; only its hash is stored', async () => {
    const owner = await register()
    const key = await keyOf(owner.token, ['read'], 'Nightly sync')
    expect(key.secret).toMatch(/^cfak_[0-9A-Za-z]{51}$/)
    expect(key).toMatchObject({
      name: 'Nightly sync',
      scopes: ['read'],
      prefix: key.secret.slice(0, 11),
      last4: key.secret.slice(-4),
      lastUsedAt: null,
    })
    const profile = await client(key.secret).GET('/api/profile')
    expect(profile.data?.data.id).toBe(owner.user.id)

    const listed = await call('/api/api-keys', { headers: bearer(owner.token) })
    const text = await listed.text()
    expect(JSON.parse(text).data).toEqual([expect.objectContaining({ id: key.id, prefix: key.prefix, last4: key.last4 })])
    expect(text).not.toContain(key.secret)
    // Nothing in the database holds the secret; the hash is not reversible to it.
    const rows = await env.DB.prepare('SELECT * FROM api_keys WHERE id = ?').bind(key.id).all()
    expect(JSON.stringify(rows.results)).not.toContain(key.secret)
    expect(JSON.stringify(rows.results)).not.toContain(key.secret.slice(11, -4))
  })

  it('a read-only key gets 403 on every operation that needs write, keys, webhooks or session, and changes nothing', async () => {
    const world = await makeWorld()
    const readOnly = await keyOf(world.owner.token, ['read'])
    const needing = documentOperations.filter((op) => op.secured && !(op.operation.security?.[0]?.bearerAuth ?? []).includes('read'))
    expect(needing.length).toBeGreaterThan(8)
    for (const op of needing) {
      const operationId = op.operationId as OperationId
      const response = await send(operationId, validRequests[operationId](world), bearer(readOnly.secret))
      expect(response.status, operationId).toBe(403)
      const body = await response.json<ErrorJson>()
      expect(body.error.message, operationId).toMatch(/lacks the (write|keys|webhooks|session) scope/)
    }
  })

  it('is refused at once (401) after its revocation, and a revoked key is not found again (404)', async () => {
    const owner = await register()
    const key = await keyOf(owner.token, ['read', 'keys'])
    expect((await client(key.secret).GET('/api/profile')).response.status).toBe(200)
    const revoked = await client(key.secret).DELETE('/api/api-keys/{id}', { params: { path: { id: key.id } } })
    expect(revoked.response.status).toBe(204)
    const after = await client(key.secret).GET('/api/profile')
    expect(after.response.status).toBe(401)
    expect((await client(owner.token).DELETE('/api/api-keys/{id}', { params: { path: { id: key.id } } })).response.status).toBe(404)
  })

  it('cannot hand on scopes it does not hold, nor manage keys without the keys scope', async () => {
    const owner = await register()
    const manager = await keyOf(owner.token, ['keys', 'read'])
    const wider = await client(manager.secret).POST('/api/api-keys', { body: { name: 'Wider', scopes: ['write'] } })
    expect(wider.response.status).toBe(403)
    const same = await client(manager.secret).POST('/api/api-keys', { body: { name: 'Same', scopes: ['read'] } })
    expect(same.response.status).toBe(201)
    const reader = await keyOf(owner.token, ['read'])
    for (const response of [
      await call('/api/api-keys', { headers: bearer(reader.secret) }),
      await json('POST', '/api/api-keys', { name: 'X', scopes: ['read'] }, bearer(reader.secret)),
      await call(`/api/api-keys/${manager.id}`, { method: 'DELETE', headers: bearer(reader.secret) }),
    ])
      expect(response.status).toBe(403)
  })

  it("never replays another credential's answer: a narrower key of the same user with the same Idempotency-Key gets its own", async () => {
    const owner = await register()
    const [broad, narrow] = await Promise.all([keyOf(owner.token, ['read', 'write', 'keys']), keyOf(owner.token, ['keys', 'read'])])
    const sameRequest = { 'Idempotency-Key': crypto.randomUUID() }
    const body = { name: 'Writer', scopes: ['read', 'write'] }
    const made = await json('POST', '/api/api-keys', body, { ...bearer(broad.secret), ...sameRequest })
    expect(made.status).toBe(201)
    const { secret } = (await made.json<{ data: { secret: string } }>()).data
    // The narrow key cannot grant write: it is refused, and never handed the broad key's answer (a writing key's secret).
    const replayed = await json('POST', '/api/api-keys', body, { ...bearer(narrow.secret), ...sameRequest })
    expect(replayed.status).toBe(403)
    expect(replayed.headers.get('idempotent-replayed')).toBeNull()
    expect(await replayed.text()).not.toContain(secret)
    // The broad key's own retry is the replay.
    const again = await json('POST', '/api/api-keys', body, { ...bearer(broad.secret), ...sameRequest })
    expect(again.headers.get('idempotent-replayed')).toBe('true')
    expect((await again.json<{ data: { secret: string } }>()).data.secret).toBe(secret)
  })

  it('ends with its owner: deleting the user deletes the keys', async () => {
    const owner = await register()
    const key = await keyOf(owner.token, ['read'])
    await call(`/api/users/${owner.user.id}`, { method: 'DELETE', headers: { ...bearer(owner.token), 'If-Match': '*' } })
    expect((await client(key.secret).GET('/api/profile')).response.status).toBe(401)
    expect(await env.DB.prepare('SELECT count(*) AS n FROM api_keys WHERE id = ?').bind(key.id).first('n')).toBe(0)
  })

  it('records its last use after the answer, at most once a minute', async () => {
    const owner = await register()
    const key = await keyOf(owner.token, ['read'])
    const use = async () => {
      const ctx = createExecutionContext()
      const response = await createApp().request(
        '/api/profile',
        { headers: { ...bearer(key.secret), 'CF-Connecting-IP': '192.0.2.60' } },
        env,
        ctx,
      )
      await waitOnExecutionContext(ctx)
      return response.status
    }
    const lastUsed = async () =>
      env.DB.prepare('SELECT last_used_at AS t FROM api_keys WHERE id = ?').bind(key.id).first<string | null>('t')
    expect(await use()).toBe(200)
    const first = await lastUsed()
    expect(first).not.toBeNull()
    expect(await use()).toBe(200)
    expect(await lastUsed()).toBe(first)
    await env.DB.prepare('UPDATE api_keys SET last_used_at = ? WHERE id = ?')
      .bind(new Date(Date.now() - 120_000).toISOString(), key.id)
      .run()
    expect(await use()).toBe(200)
    expect(Date.parse((await lastUsed())!)).toBeGreaterThan(Date.now() - 10_000)
  })

  it('has its own rate-limit bucket: 300 requests a minute spend the key, not its owner', async () => {
    const owner = await register()
    const key = await keyOf(owner.token, ['read'])
    const statuses: number[] = []
    for (let i = 0; i < 301; i++) statuses.push((await call('/api/profile', { headers: bearer(key.secret) })).status)
    expect(statuses.slice(0, 300).every((status) => status === 200)).toBe(true)
    expect(statuses[300]).toBe(429)
    expect((await client(owner.token).GET('/api/profile')).response.status).toBe(200)
  })

  it('lists newest first by cursor; a cursor claiming another order is one this listing never issued (422)', async () => {
    const owner = await register()
    for (const name of ['one', 'two', 'three']) await keyOf(owner.token, ['read'], name)
    const first = await call('/api/api-keys?pageSize=2', { headers: bearer(owner.token) })
    const cursor = (await first.json<{ meta: { nextCursor: string } }>()).meta.nextCursor
    const next = await call(`/api/api-keys?cursor=${cursor}`, { headers: bearer(owner.token) })
    expect((await next.json<{ data: { name: string }[] }>()).data.map((key) => key.name)).toEqual(['one'])
    const ascending = writeCursor({ ...readCursor(cursor), o: 'asc' })
    const refused = await call(`/api/api-keys?cursor=${ascending}`, { headers: bearer(owner.token) })
    expect(refused.status).toBe(422)
    expect((await refused.json<ErrorJson>()).error.code).toBe('INVALID_CURSOR')
  })

  it('at most 25 active keys; a revoked one frees its place', async () => {
    const owner = await register()
    const made = []
    for (let i = 0; i < 25; i++) made.push(await keyOf(owner.token, ['read'], `Key ${i}`))
    const refused = await client(owner.token).POST('/api/api-keys', { body: { name: 'One too many', scopes: ['read'] } })
    expect(refused.response.status).toBe(409)
    await client(owner.token).DELETE('/api/api-keys/{id}', { params: { path: { id: made[0]!.id } } })
    expect((await client(owner.token).POST('/api/api-keys', { body: { name: 'Now fits', scopes: ['read'] } })).response.status).toBe(201)
  })

  it('never leaves a secret in any other answer', () => {
    const secrets = bodies.flatMap((body) => body.match(/cfak_[0-9A-Za-z]{51}/g) ?? [])
    // Only creation answers carry one (data.secret); count them against the creation answers.
    const creations = bodies.filter((body) => body.includes('"secret":"cfak_')).length
    expect(secrets.length).toBe(creations)
  })
})
