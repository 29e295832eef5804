import { createExecutionContext, env, waitOnExecutionContext } from 'cloudflare:test'
import { describe, expect, it, vi } from 'vitest'
import { createApp } from '../../src/app'
import { interceptD1 } from './support/d1-proxy'
import { call, count, json, PASSWORD, register, uniqueEmail } from './support/api'

const auth = (token: string, key: string) => ({ Authorization: `Bearer ${token}`, 'Idempotency-Key': key })

type Replayable = { data: unknown; meta: { requestId: string; timestamp: string } }

describe('Idempotency-Key on POST', () => {
  it('a retried create returns the first response (status, data, Location, ETag) with its own meta, and creates one row', async () => {
    const session = await register()
    const key = crypto.randomUUID()
    const path = `/api/users/${session.user.id}/posts`
    const before = await count('posts')
    const first = await json('POST', path, { title: 'Once', body: 'B' }, auth(session.token, key))
    const retry = await json('POST', path, { title: 'Once', body: 'B' }, auth(session.token, key))
    expect(first.status).toBe(201)
    expect(retry.status).toBe(201)
    expect(retry.headers.get('location')).toBe(first.headers.get('location'))
    expect(retry.headers.get('etag')).toBe(first.headers.get('etag'))
    expect(retry.headers.get('idempotent-replayed')).toBe('true')
    expect(first.headers.get('idempotent-replayed')).toBeNull()
    const [firstBody, retryBody] = [await first.json<Replayable>(), await retry.json<Replayable>()]
    expect(retryBody.data).toEqual(firstBody.data)
    // The replay is a response of its own: its meta.requestId is its X-Request-Id, as the document says.
    expect(retryBody.meta.requestId).toBe(retry.headers.get('x-request-id'))
    expect(retryBody.meta.requestId).not.toBe(firstBody.meta.requestId)
    expect(await count('posts')).toBe(before + 1)
  })

  it('the same key with a different body is 422 IDEMPOTENCY_KEY_REUSED and creates nothing', async () => {
    const session = await register()
    const key = crypto.randomUUID()
    const path = `/api/users/${session.user.id}/posts`
    await json('POST', path, { title: 'First', body: 'B' }, auth(session.token, key))
    const before = await count('posts')
    const reused = await json('POST', path, { title: 'Second', body: 'B' }, auth(session.token, key))
    expect(reused.status).toBe(422)
    expect((await reused.json<{ error: { code: string } }>()).error.code).toBe('IDEMPOTENCY_KEY_REUSED')
    expect(await count('posts')).toBe(before)
  })

  it('keys are scoped to the caller: another user with the same key gets their own result', async () => {
    const alice = await register()
    const bob = await register()
    const key = crypto.randomUUID()
    const a = await json('POST', `/api/users/${alice.user.id}/posts`, { title: 'T', body: 'B' }, auth(alice.token, key))
    const b = await json('POST', `/api/users/${bob.user.id}/posts`, { title: 'T', body: 'B' }, auth(bob.token, key))
    expect([a.status, b.status]).toEqual([201, 201])
    expect(b.headers.get('idempotent-replayed')).toBeNull()
    expect(b.headers.get('location')).not.toBe(a.headers.get('location'))
  })

  it('concurrent requests with one key create exactly one resource', async () => {
    const session = await register()
    const key = crypto.randomUUID()
    const before = await count('posts')
    const results = await Promise.all(
      Array.from({ length: 5 }, () =>
        json('POST', `/api/users/${session.user.id}/posts`, { title: 'Race', body: 'B' }, auth(session.token, key)),
      ),
    )
    const statuses = results.map((r) => r.status)
    // Each is either the one creation, its replay, or 409 "still processing"; never a second row.
    expect(statuses.every((s) => s === 201 || s === 409)).toBe(true)
    expect(statuses.filter((s) => s === 201).length).toBeGreaterThanOrEqual(1)
    expect(new Set(results.filter((r) => r.status === 201).map((r) => r.headers.get('location'))).size).toBe(1)
    expect(await count('posts')).toBe(before + 1)
  })

  it('a failed request does not burn the key: after a 409 conflict the same key can succeed', async () => {
    const taken = await register()
    const key = crypto.randomUUID()
    const conflict = await json(
      'POST',
      '/api/auth/register',
      { email: taken.user.email, name: 'N', password: PASSWORD },
      { 'Idempotency-Key': key },
    )
    expect(conflict.status).toBe(409)
    const stored = await env.DB.prepare('SELECT count(*) AS n FROM idempotency_keys WHERE key = ?').bind(key).first<{ n: number }>()
    expect(stored?.n).toBe(0)
    // Once the email is free, the very same request with the very same key is processed (not a replayed 409).
    const freed = await call(`/api/users/${taken.user.id}`, {
      method: 'DELETE',
      headers: { Authorization: `Bearer ${taken.token}`, 'If-Match': '*' },
    })
    expect(freed.status).toBe(204)
    const retry = await json(
      'POST',
      '/api/auth/register',
      { email: taken.user.email, name: 'N', password: PASSWORD },
      { 'Idempotency-Key': key },
    )
    expect(retry.status).toBe(201)
    expect(retry.headers.get('idempotent-replayed')).toBeNull()
  })

  it('stores neither the password (only an HMAC of the request) nor the token (the response is encrypted)', async () => {
    const key = crypto.randomUUID()
    const body = { email: uniqueEmail('sealed'), name: 'Sealed', password: PASSWORD }
    const first = await json('POST', '/api/auth/register', body, { 'Idempotency-Key': key })
    expect(first.status).toBe(201)
    const { data } = await first.json<{ data: { token: string } }>()
    const row = await env.DB.prepare('SELECT fingerprint, body FROM idempotency_keys WHERE key = ?')
      .bind(key)
      .first<{ fingerprint: string; body: string }>()
    const plainHash = [
      ...new Uint8Array(
        await crypto.subtle.digest('SHA-256', new TextEncoder().encode(`POST /api/auth/register\n${JSON.stringify(body)}`)),
      ),
    ]
      .map((b) => b.toString(16).padStart(2, '0'))
      .join('')
    expect(row?.fingerprint).toMatch(/^[0-9a-f]{64}$/)
    expect(row?.fingerprint).not.toBe(plainHash)
    for (const secret of [data.token, PASSWORD, body.email, '"data"']) expect(row?.body).not.toContain(secret)
    // ...and the replay still answers with the very same body.
    const retry = await json('POST', '/api/auth/register', body, { 'Idempotency-Key': key })
    expect((await retry.json<{ data: { token: string } }>()).data.token).toBe(data.token)
  })

  it('registration with a key is replayed, not registered twice', async () => {
    const key = crypto.randomUUID()
    const body = { email: uniqueEmail('idem'), name: 'Idem', password: PASSWORD }
    const first = await json('POST', '/api/auth/register', body, { 'Idempotency-Key': key })
    const retry = await json('POST', '/api/auth/register', body, { 'Idempotency-Key': key })
    expect([first.status, retry.status]).toEqual([201, 201])
    expect(retry.headers.get('idempotent-replayed')).toBe('true')
    expect(retry.headers.get('cache-control')).toBe('private, no-cache, no-store, must-revalidate')
  })

  it('anonymous keys are scoped to the account the request names: strangers reusing a key neither collide nor learn of it', async () => {
    const key = crypto.randomUUID()
    const alice = await json(
      'POST',
      '/api/auth/register',
      { email: uniqueEmail('alice'), name: 'Alice', password: PASSWORD },
      { 'Idempotency-Key': key },
    )
    const bob = await json(
      'POST',
      '/api/auth/register',
      { email: uniqueEmail('bob'), name: 'Bob', password: PASSWORD },
      { 'Idempotency-Key': key },
    )
    expect([alice.status, bob.status]).toEqual([201, 201])
    expect(bob.headers.get('idempotent-replayed')).toBeNull()
    // The key is Alice's own now: she reusing it for another request is the documented 422.
    const aliceEmail = (await alice.json<{ data: { user: { email: string } } }>()).data.user.email
    const login = await json('POST', '/api/auth/login', { email: aliceEmail, password: PASSWORD }, { 'Idempotency-Key': key })
    expect(login.status).toBe(422)
  })

  it('an abandoned claim holds its key only for its short lease: a retry then runs the request again', async () => {
    const session = await register()
    const key = crypto.randomUUID()
    const path = `/api/users/${session.user.id}/posts`
    // A first request that never finishes (a crashed or cancelled invocation): the round trip with its post insert never answers.
    const inserts = new WeakSet<object>()
    const stuck = interceptD1(env.DB, (target) => ({
      prepare: (sql: string) => {
        const statement = target.prepare(sql)
        if (!/^insert into "posts"/i.test(sql)) return statement
        const bind = (...values: unknown[]) => {
          const bound = statement.bind(...values)
          inserts.add(bound)
          return bound
        }
        return new Proxy(statement, { get: (real, name) => (name === 'bind' ? bind : Reflect.get(real, name)) })
      },
      batch: <T>(statements: D1PreparedStatement[]) =>
        statements.some((statement) => inserts.has(statement)) ? new Promise<D1Result<T>[]>(() => {}) : target.batch<T>(statements),
    }))
    const init = {
      method: 'POST',
      headers: { ...auth(session.token, key), 'content-type': 'application/json', 'CF-Connecting-IP': '192.0.2.77' },
      body: JSON.stringify({ title: 'Once', body: 'B' }),
    }
    void createApp().request(path, init, { ...env, DB: stuck }, createExecutionContext())
    await vi.waitFor(async () =>
      expect(await env.DB.prepare('SELECT count(*) AS n FROM idempotency_keys WHERE key = ?').bind(key).first('n')).toBe(1),
    )
    // While its lease runs, a retry is told to wait until the lease ends (its own code, and Retry-After the lease left).
    const waiting = await json('POST', path, { title: 'Once', body: 'B' }, auth(session.token, key))
    expect(waiting.status).toBe(409)
    expect((await waiting.clone().json<{ error: { code: string } }>()).error.code).toBe('IDEMPOTENCY_KEY_IN_USE')
    const lease = await env.DB.prepare('SELECT created_at, expires_at FROM idempotency_keys WHERE key = ?')
      .bind(key)
      .first<{ created_at: string; expires_at: string }>()
    const leaseMs = Date.parse(lease!.expires_at) - Date.parse(lease!.created_at)
    expect(leaseMs).toBe(30_000)
    const left = Math.ceil((Date.parse(lease!.expires_at) - Date.now()) / 1000)
    expect(Number(waiting.headers.get('retry-after'))).toBeGreaterThanOrEqual(left - 2)
    expect(Number(waiting.headers.get('retry-after'))).toBeLessThanOrEqual(30)
    // Once the lease lapses, the retry runs the request: created once, not locked out for a day.
    await env.DB.prepare("UPDATE idempotency_keys SET expires_at = '2000-01-01T00:00:00.000Z' WHERE key = ?").bind(key).run()
    const retry = await json('POST', path, { title: 'Once', body: 'B' }, auth(session.token, key))
    expect(retry.status).toBe(201)
    expect(retry.headers.get('idempotent-replayed')).toBeNull()
  })

  it('a failure while recording the response loses nothing: the outcome written with the post answers the retry, created once', async () => {
    const session = await register()
    const key = crypto.randomUUID()
    // Only the completion after the answer fails (the outcome is written in the create's own batch, which succeeds).
    const failingCompletion = interceptD1(env.DB, (target) => ({
      prepare: (sql: string) => {
        if (!/^update "idempotency_keys" set "status"/i.test(sql)) return target.prepare(sql)
        const fail = () => Promise.reject(new Error('D1_ERROR: network connection lost'))
        const failing: D1PreparedStatement = new Proxy(target.prepare(sql), {
          get: (statement, name) =>
            name === 'bind' ? () => failing : ['run', 'all', 'raw', 'first'].includes(String(name)) ? fail : Reflect.get(statement, name),
        })
        return failing
      },
    }))
    const ctx = createExecutionContext()
    const init = {
      method: 'POST',
      headers: { ...auth(session.token, key), 'content-type': 'application/json', 'CF-Connecting-IP': '192.0.2.78' },
      body: JSON.stringify({ title: 'T', body: 'B' }),
    }
    const first = await createApp().request(`/api/users/${session.user.id}/posts`, init, { ...env, DB: failingCompletion }, ctx)
    expect(first.status).toBe(201)
    const created = await first.json<{ data: { id: string } }>()
    await waitOnExecutionContext(ctx)
    const row = await env.DB.prepare('SELECT status, outcome FROM idempotency_keys WHERE key = ?')
      .bind(key)
      .first<{ status: number | null; outcome: string }>()
    expect(row).toEqual({ status: null, outcome: JSON.stringify({ id: created.data.id }) })
    const retry = await json('POST', `/api/users/${session.user.id}/posts`, { title: 'T', body: 'B' }, auth(session.token, key))
    expect(retry.status).toBe(201)
    expect(retry.headers.get('idempotent-replayed')).toBe('true')
    expect(retry.headers.get('location')).toBe(`/api/posts/${created.data.id}`)
    expect((await retry.json<{ data: { id: string } }>()).data.id).toBe(created.data.id)
    expect(await env.DB.prepare('SELECT count(*) AS n FROM posts WHERE user_id = ?').bind(session.user.id).first('n')).toBe(1)
  })

  it('expired keys (over 24 hours) are forgotten', async () => {
    const session = await register()
    const key = crypto.randomUUID()
    const path = `/api/users/${session.user.id}/posts`
    await json('POST', path, { title: 'Old', body: 'B' }, auth(session.token, key))
    await env.DB.prepare("UPDATE idempotency_keys SET expires_at = '2000-01-01T00:00:00.000Z' WHERE key = ?").bind(key).run()
    const again = await json('POST', path, { title: 'New', body: 'B' }, auth(session.token, key))
    expect(again.status).toBe(201)
    expect(again.headers.get('idempotent-replayed')).toBeNull()
  })

  it('a malformed key is a 400 naming the header', async () => {
    const session = await register()
    const response = await json(
      'POST',
      `/api/users/${session.user.id}/posts`,
      { title: 'T', body: 'B' },
      auth(session.token, 'x'.repeat(256)),
    )
    expect(response.status).toBe(400)
    expect((await response.json<{ error: { details: { field: string; in: string }[] } }>()).error.details).toEqual([
      expect.objectContaining({ field: 'Idempotency-Key', in: 'header' }),
    ])
  })
})
