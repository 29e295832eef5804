// The other bindings failing: the Cache API, the rate limiters and the email provider. Each has a stated failure mode
// (docs/runbook.md, and the document's description): a committed write is a success whatever the cache does, and the
// next read shows it; reads fall back to D1; the general limiter fails open, the sign-in limiter closed (503); a lost
// welcome email is sent by the cron job. /health says 503 exactly when operations fail.
import { env } from 'cloudflare:test'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { storeCopy } from '../../src/http/worker-cache'
import { outbox } from '../../src/infrastructure/email'
import { D1IdempotencyStore } from '../../src/infrastructure/d1/idempotency-keys'
import { runHousekeeping } from '../../src/runtime/housekeeping'
import { drizzle } from 'drizzle-orm/d1'
import { call, json, PASSWORD, register, uniqueEmail } from './support/api'
import { assertConforms } from './support/contract'
import { brokenLimiter, faultyD1, sendWith } from './support/faults'

afterEach(() => vi.restoreAllMocks())

const bearer = (token: string) => ({ Authorization: `Bearer ${token}` })
const ip = () => `198.18.9.${Math.floor(Math.random() * 256)}`

/** A request through the app with these bindings, checked against the document. */
async function send(path: string, init: RequestInit, bindings: Partial<Env> = {}) {
  const request = new Request(`http://api.test${path}`, { ...init, headers: { 'CF-Connecting-IP': ip(), ...init.headers } })
  const response = await sendWith(request.clone(), bindings)
  await assertConforms(request.method, request.url, response.clone())
  expect(response.status).not.toBe(500)
  return response
}

const patchName = (token: string, id: string, name: string) =>
  json('PATCH', `/api/users/${id}`, { name }, { ...bearer(token), 'If-Match': '*' })

describe('the Cache API failing', () => {
  it('a write whose purge fails still answers 200, and the next read shows the write (a new generation stales the copy)', async () => {
    const { token, user } = await register()
    expect((await call(`/api/users/${user.id}`)).headers.get('x-cache')).toBe('MISS')
    expect((await call(`/api/users/${user.id}`)).headers.get('x-cache')).toBe('HIT')
    vi.spyOn(caches.default, 'delete').mockRejectedValue(new Error('Cache API unavailable'))
    expect((await patchName(token, user.id, 'After the purge failed')).status).toBe(200)
    const read = await call(`/api/users/${user.id}`)
    expect((await read.json<{ data: { name: string } }>()).data.name).toBe('After the purge failed')
  })

  it('a read that loaded the old row before a write and stored it after the purge is purged again a second later', async () => {
    const { token, user } = await register()
    const path = `/api/users/${user.id}`
    const old = (await (await call(path)).json<{ data: Record<string, unknown> }>()).data
    expect((await patchName(token, user.id, 'Written')).status).toBe(200)
    // The racing reader's copy, stored just after the write's first purge.
    await storeCopy(path, { ...old, version: 1, name: 'Loaded before the write' })
    await new Promise((resolve) => setTimeout(resolve, 1_500))
    const read = await call(path)
    expect(read.headers.get('x-cache')).toBe('MISS')
    expect((await read.json<{ data: { name: string } }>()).data.name).toBe('Written')
  })

  it('a purge that hangs delays the write by a bounded time only', async () => {
    const { token, user } = await register()
    vi.spyOn(caches.default, 'delete').mockReturnValue(new Promise<boolean>(() => undefined))
    const started = Date.now()
    expect((await patchName(token, user.id, 'Hung purge')).status).toBe(200)
    expect(Date.now() - started).toBeLessThan(5_000)
  })

  it('a delete whose purge fails is 204, and the deleted post is then 404, not a cached copy', async () => {
    const { token, user } = await register()
    const made = await json('POST', `/api/users/${user.id}/posts`, { title: 'Doomed', body: 'B' }, bearer(token))
    const { data } = await made.json<{ data: { id: string } }>()
    await call(`/api/posts/${data.id}`)
    expect((await call(`/api/posts/${data.id}`)).headers.get('x-cache')).toBe('HIT')
    vi.spyOn(caches.default, 'delete').mockRejectedValue(new Error('Cache API unavailable'))
    const removed = await call(`/api/users/${user.id}/posts/${data.id}`, {
      method: 'DELETE',
      headers: { ...bearer(token), 'If-Match': '*' },
    })
    expect(removed.status).toBe(204)
    expect((await call(`/api/posts/${data.id}`)).status).toBe(404)
  })

  it('cached reads fall back to D1 when match or put fail', async () => {
    const { user } = await register()
    vi.spyOn(caches.default, 'match').mockRejectedValue(new Error('Cache API unavailable'))
    const read = await call(`/api/users/${user.id}`)
    expect(read.status).toBe(200)
    expect(read.headers.get('x-cache')).toBe('BYPASS')
    vi.restoreAllMocks()
    vi.spyOn(caches.default, 'put').mockRejectedValue(new Error('Cache API unavailable'))
    const other = await register()
    expect((await call(`/api/users/${other.user.id}`)).status).toBe(200)
  })

  // Last of these: afterwards this isolate reads D1 (BYPASS) for a minute.
  it('a write whose purge and generation both fail still answers 200; this isolate then reads D1, never the stale copy', async () => {
    const { token, user } = await register()
    await call(`/api/users/${user.id}`)
    expect((await call(`/api/users/${user.id}`)).headers.get('x-cache')).toBe('HIT')
    vi.spyOn(caches.default, 'delete').mockRejectedValue(new Error('Cache API unavailable'))
    vi.spyOn(caches.default, 'put').mockRejectedValue(new Error('Cache API unavailable'))
    expect((await patchName(token, user.id, 'Nothing purged')).status).toBe(200)
    vi.restoreAllMocks()
    const read = await call(`/api/users/${user.id}`)
    expect(read.headers.get('x-cache')).toBe('BYPASS')
    expect((await read.json<{ data: { name: string } }>()).data.name).toBe('Nothing purged')
  })
})

describe('the rate limiters failing', () => {
  it('the general limiter fails open: reads and writes go on, the failure is logged', async () => {
    const { token, user } = await register()
    const lines: string[] = []
    vi.spyOn(console, 'log').mockImplementation((line: string) => void lines.push(line))
    expect((await send('/api/users?pageSize=2', {}, { RATE_LIMITER: brokenLimiter })).status).toBe(200)
    const created = await send(
      `/api/users/${user.id}/posts`,
      {
        method: 'POST',
        headers: { ...bearer(token), 'content-type': 'application/json' },
        body: JSON.stringify({ title: 'T', body: 'B' }),
      },
      { RATE_LIMITER: brokenLimiter },
    )
    expect(created.status).toBe(201)
    expect(lines.some((line) => line.includes('rate_limit.unavailable'))).toBe(true)
  })

  it('the sign-in limiter fails closed: login and registration are 503 with Retry-After; other operations go on', async () => {
    const { user } = await register()
    const login = await send(
      '/api/auth/login',
      { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: user.email, password: PASSWORD }) },
      { AUTH_RATE_LIMITER: brokenLimiter },
    )
    expect(login.status).toBe(503)
    expect(login.headers.get('retry-after')).toBe('30')
    const body = { email: uniqueEmail(), name: 'N', password: PASSWORD }
    const signUp = await send(
      '/api/auth/register',
      { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) },
      { AUTH_RATE_LIMITER: brokenLimiter },
    )
    expect(signUp.status).toBe(503)
    expect(await env.DB.prepare('SELECT count(*) AS n FROM users WHERE email = ?').bind(body.email).first('n')).toBe(0)
    expect((await send(`/api/users/${user.id}`, {}, { AUTH_RATE_LIMITER: brokenLimiter })).status).toBe(200)
  })
})

describe('the rate limiters hanging', () => {
  const hanging: RateLimit = { limit: () => new Promise(() => undefined) }

  it('a general limiter that never answers is given up on after 500 ms: the request goes on', async () => {
    const started = Date.now()
    expect((await send('/api/users?pageSize=2', {}, { RATE_LIMITER: hanging })).status).toBe(200)
    expect(Date.now() - started).toBeLessThan(3_000)
  })

  it('a sign-in limiter that never answers: login is 503 at once, and /health says so', async () => {
    const { user } = await register()
    const login = await send(
      '/api/auth/login',
      { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: user.email, password: PASSWORD }) },
      { AUTH_RATE_LIMITER: hanging },
    )
    expect(login.status).toBe(503)
    expect((await send('/health', {}, { AUTH_RATE_LIMITER: hanging })).status).toBe(503)
  })
})

describe('/health is 503 exactly when operations fail', () => {
  const health = async (bindings: Partial<Env>) => {
    const response = await send('/health', {}, bindings)
    return { status: response.status, body: await response.json<{ status: string; checks: Record<string, { healthy: boolean }> }>() }
  }

  it('D1 down: /health 503 and operations 503', async () => {
    const down = faultyD1(() => 'before').binding
    expect(await health({ DB: down })).toMatchObject({
      status: 503,
      body: { status: 'unhealthy', checks: { database: { healthy: false } } },
    })
    expect((await send('/api/users', {}, { DB: down })).status).toBe(503)
  })

  it('sign-in limiter down: /health 503 (login fails); general limiter down: 200 degraded (nothing fails)', async () => {
    expect(await health({ AUTH_RATE_LIMITER: brokenLimiter })).toMatchObject({
      status: 503,
      body: { status: 'unhealthy', checks: { signInLimiter: { healthy: false } } },
    })
    expect(await health({ RATE_LIMITER: brokenLimiter })).toMatchObject({
      status: 200,
      body: { status: 'degraded', checks: { rateLimiter: { healthy: false } } },
    })
  })
})

describe('the email provider failing', () => {
  it('a sign-up whose welcome email fails is still 201; the cron job sends it later, once', async () => {
    const failing = vi.spyOn(outbox, 'push').mockImplementation(() => {
      throw new Error('Email provider unavailable')
    })
    const body = { email: uniqueEmail('welcome'), name: 'Welcome', password: PASSWORD }
    const response = await send('/api/auth/register', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    })
    expect(response.status).toBe(201)
    const pending = () => env.DB.prepare('SELECT welcome_pending AS p FROM users WHERE email = ?').bind(body.email).first('p')
    expect(await pending()).toBe(1)
    failing.mockRestore()
    // The sweep takes sign-ups older than its grace period (the sign-up's own invocation had its chance first).
    await env.DB.prepare("UPDATE users SET created_at = '2020-01-01T00:00:00.000Z' WHERE email = ?").bind(body.email).run()
    await runHousekeeping(env, '17 * * * *')
    expect(await pending()).toBe(0)
    expect(outbox.filter((sent) => sent.to === body.email)).toHaveLength(1)
    await runHousekeeping(env, '17 * * * *')
    expect(outbox.filter((sent) => sent.to === body.email)).toHaveLength(1)
  })
})

describe('the purge of expired idempotency keys', () => {
  it('deletes in bounded batches, every expired key and none other', async () => {
    const insert = env.DB.prepare(
      "INSERT INTO idempotency_keys (scope, key, fingerprint, created_at, expires_at) VALUES ('purge-test', ?, 'f', '2000-01-01T00:00:00.000Z', ?)",
    )
    const expired = Array.from({ length: 250 }, (_, n) => insert.bind(`old-${n}`, '2000-01-02T00:00:00.000Z'))
    await env.DB.batch([...expired, insert.bind('live', '2999-01-01T00:00:00.000Z')])
    const { binding, trips } = faultyD1(() => undefined)
    const purged = await new D1IdempotencyStore(drizzle(binding)).purgeExpired(new Date(), 100)
    expect(purged).toBeGreaterThanOrEqual(250)
    expect(trips.length).toBeGreaterThanOrEqual(3)
    expect(await env.DB.prepare("SELECT key FROM idempotency_keys WHERE scope = 'purge-test'").all()).toMatchObject({
      results: [{ key: 'live' }],
    })
  })
})
