import { env } from 'cloudflare:test'
import { z } from 'zod'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createApp } from '../../src/app'
import { call, client, json, uniqueEmail } from './support/api'
import { document } from '../support/openapi'
import { assertConforms } from './support/contract'

type ErrorJson = {
  error: { code: string; message: string; details?: { field: string; message: string; in: string }[] }
  meta: { requestId: string; timestamp: string }
}

describe('health', () => {
  it('reports the database check with its latency', async () => {
    const { data, response } = await client().GET('/health')
    expect(response.status).toBe(200)
    expect(response.headers.get('cache-control')).toBe('no-store')
    expect(data?.status).toBe('healthy')
    expect(data?.checks.database.healthy).toBe(true)
    expect(data?.checks.database.latencyMs).toBeGreaterThanOrEqual(0)
    expect(data?.checks.cache.healthy).toBe(true)
  })

  /** The response, and the log lines written while it was made (the reasons of failed checks go there). */
  async function healthWith(bindings: Record<string, unknown>) {
    const lines: string[] = []
    const spy = vi.spyOn(console, 'log').mockImplementation((line: string) => void lines.push(line))
    try {
      const response = await createApp().request('/health', {}, { ...env, ...bindings })
      await assertConforms('GET', 'http://api.test/health', response.clone())
      const body = await response.json<{ status: string; checks: Record<string, Record<string, unknown>> }>()
      return { response, body, logs: lines.map((line) => JSON.parse(line) as Record<string, unknown>) }
    } finally {
      spy.mockRestore()
    }
  }

  it('is 503 naming the failing dependency when D1 is broken; the reason goes to the logs only', async () => {
    const broken = { prepare: () => ({ first: () => Promise.reject(new Error('D1_ERROR: no such database')) }) }
    const { response, body, logs } = await healthWith({ DB: broken })
    expect(response.status).toBe(503)
    expect(body.status).toBe('unhealthy')
    expect(body.checks.database).toEqual({ healthy: false, latencyMs: expect.any(Number), required: true })
    expect(body.checks.cache?.healthy).toBe(true)
    expect(logs).toContainEqual(
      expect.objectContaining({ message: 'health.check_failed', check: 'database', error: 'D1_ERROR: no such database' }),
    )
  })

  it('is 200 degraded naming the cache when the Cache API fails: operations go on without it', async () => {
    const match = vi.spyOn(caches.default, 'match').mockRejectedValue(new Error('Cache API unavailable'))
    try {
      const { response, body, logs } = await healthWith({})
      expect(response.status).toBe(200)
      expect(body.status).toBe('degraded')
      expect(body.checks.cache).toEqual({ healthy: false, latencyMs: expect.any(Number), required: false })
      expect(body.checks.database?.healthy).toBe(true)
      expect(logs).toContainEqual(expect.objectContaining({ check: 'cache', error: 'Cache API unavailable' }))
    } finally {
      match.mockRestore()
    }
  })

  it('is 503 naming the config check (never which secret) when a secret is missing, and the API answers 503 SERVICE_UNAVAILABLE', async () => {
    const { JWT_SECRET: _secret, ...withoutSecret } = env
    const app = createApp()
    const health = await app.request('/health', {}, withoutSecret)
    expect(health.status).toBe(503)
    await assertConforms('GET', 'http://api.test/health', health.clone())
    const text = await health.text()
    expect(JSON.parse(text).checks.config).toEqual({ healthy: false, latencyMs: expect.any(Number), required: true })
    expect(text).not.toContain('JWT_SECRET')
    const api = await app.request('/api/users', { headers: { 'CF-Connecting-IP': '192.0.2.200' } }, withoutSecret)
    expect(api.status).toBe(503)
    await assertConforms('GET', 'http://api.test/api/users', api.clone())
    const apiText = await api.text()
    expect(JSON.parse(apiText).error.code).toBe('SERVICE_UNAVAILABLE')
    expect(apiText).not.toContain('test-secret')
    expect(apiText).not.toContain('JWT_SECRET')
  })
})

describe('the document', () => {
  it('serves OpenAPI 3.1, the committed openapi/openapi.json with this deployment as its first server', async () => {
    const response = await call('/openapi.json')
    expect(response.status).toBe(200)
    const served = await response.json<typeof document>()
    expect({ ...served, servers: document.servers }).toEqual(document)
    expect(document.openapi).toBe('3.1.0')
    // In development and test the origin serving the request stands in for PUBLIC_ORIGIN, so the docs work on any port.
    expect(served.servers).toEqual([
      { url: 'http://api.test', description: 'This deployment (test)', 'x-internal': false },
      ...(document.servers ?? []),
    ])
    expect(document.servers?.map((server) => server.url)).toEqual([
      'https://api.example.com',
      'https://staging-api.example.com',
      'http://127.0.0.1:8787',
    ])
  })

  it('names PUBLIC_ORIGIN as the server where it is configured, whatever Host the request came to', async () => {
    const response = await createApp().request('http://evil.example/openapi.json', {}, { ...env, PUBLIC_ORIGIN: 'https://api.example.com' })
    const served = await response.json<typeof document>()
    // Its own origin first, and once: the others follow, as in the committed document.
    expect(served.servers?.map((server) => server.url)).toEqual([
      'https://api.example.com',
      'https://staging-api.example.com',
      'http://127.0.0.1:8787',
    ])
    expect(served.servers?.[0]?.description).toBe('This deployment (test)')
  })

  it('serves the Postman collection with this deployment as its baseUrl, so it runs as downloaded', async () => {
    type Collection = { info: { version: string }; variable: Array<{ key: string; value: string }>; item: Array<{ name: string }> }
    const baseUrl = (collection: Collection) => collection.variable.find((variable) => variable.key === 'baseUrl')?.value
    const response = await call('/assets/collection.json')
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toContain('application/json')
    expect(response.headers.get('content-disposition')).toBe('attachment; filename="contract-first-api.postman_collection.json"')
    const collection = await response.json<Collection>()
    expect(baseUrl(collection)).toBe('http://api.test')
    expect(collection.info.version).toBe(document.info.version)
    expect(collection.item[0]?.name).toBe('Flow')
    // Outside development the configured origin, whatever Host the request came to.
    const elsewhere = await createApp().request(
      'http://evil.example/assets/collection.json',
      {},
      { ...env, PUBLIC_ORIGIN: 'https://api.example.com' },
    )
    expect(baseUrl(await elsewhere.json<Collection>())).toBe('https://api.example.com')
  })

  it('serves the docs page (@scalar/hono-api-reference) with the Scalar bundle from this origin, not a CDN', async () => {
    const response = await call('/docs')
    expect(response.status).toBe(200)
    const html = await response.text()
    expect(html).toContain('<script src="/scalar/standalone.js"></script>')
    expect(html).not.toMatch(/https?:\/\//)
    // One inline script, Scalar's start, allowed by its hash and nothing else inline: no 'unsafe-inline' for scripts.
    const inline = [...html.matchAll(/<script(?![^>]*\bsrc=)[^>]*>([\s\S]*?)<\/script>/g)].map((match) => match[1] ?? '')
    expect(inline).toHaveLength(1)
    expect(inline[0]).toContain("Scalar.createApiReference('#app'")
    const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(inline[0])))
    const policy = response.headers.get('content-security-policy') ?? ''
    expect(policy).toContain(`script-src 'self' 'sha256-${btoa(String.fromCharCode(...digest))}';`)
    expect(policy).not.toMatch(/script-src[^;]*unsafe/)
    // The same page (and hash) for every request.
    expect(await (await call('/docs')).text()).toBe(html)
  })
})

describe('bad input is a 4xx envelope, never a 500', () => {
  it('malformed JSON -> 400 INVALID_JSON', async () => {
    const response = await call('/api/auth/register', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"email": ',
    })
    expect(response.status).toBe(400)
    const body = await response.json<ErrorJson>()
    expect(body.error.code).toBe('INVALID_JSON')
    expect(response.headers.get('cache-control')).toBe('no-store')
  })

  it('an empty JSON body -> 400 INVALID_JSON', async () => {
    const response = await call('/api/auth/login', { method: 'POST', headers: { 'content-type': 'application/json' } })
    expect(response.status).toBe(400)
    expect((await response.json<ErrorJson>()).error.code).toBe('INVALID_JSON')
  })

  it('another content type -> 415 UNSUPPORTED_MEDIA_TYPE', async () => {
    const response = await call('/api/auth/login', { method: 'POST', headers: { 'content-type': 'text/plain' }, body: '{}' })
    expect(response.status).toBe(415)
    expect((await response.json<ErrorJson>()).error.code).toBe('UNSUPPORTED_MEDIA_TYPE')
  })

  it('a body over 64 KiB -> 413 PAYLOAD_TOO_LARGE', async () => {
    const response = await json('POST', '/api/auth/register', { email: uniqueEmail(), name: 'x'.repeat(70_000), password: 'password123' })
    expect(response.status).toBe(413)
    expect((await response.json<ErrorJson>()).error.code).toBe('PAYLOAD_TOO_LARGE')
  })

  it('a bad query parameter -> 400 VALIDATION_ERROR naming it', async () => {
    const response = await call('/api/users?page=0&pageSize=abc')
    expect(response.status).toBe(400)
    const body = await response.json<ErrorJson>()
    expect(body.error.code).toBe('VALIDATION_ERROR')
    expect(body.error.details).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ field: 'page', in: 'query' }),
        expect.objectContaining({ field: 'pageSize', in: 'query' }),
      ]),
    )
  })

  it('a bad path parameter -> 400 with in: path', async () => {
    const body = await (await call('/api/users/not-a-uuid')).json<ErrorJson>()
    expect(body.error.details).toEqual([expect.objectContaining({ field: 'id', in: 'path' })])
  })

  it('wrong types and unknown fields in the body are named, with in: body', async () => {
    const response = await json('POST', '/api/auth/register', { email: 42, name: 'A', password: 'password123', admin: true })
    expect(response.status).toBe(400)
    const { error } = await response.json<ErrorJson>()
    expect(error.details).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ field: 'email', in: 'body' }),
        { field: 'admin', message: 'admin is not a field of this operation', in: 'body' },
      ]),
    )
  })

  it('unknown route -> 404 NOT_FOUND envelope', async () => {
    const response = await call('/api/nothing-here')
    expect(response.status).toBe(404)
    expect((await response.json<ErrorJson>()).error.code).toBe('NOT_FOUND')
  })

  it('wrong method -> 405 with Allow', async () => {
    const response = await call('/api/users', { method: 'DELETE' })
    expect(response.status).toBe(405)
    expect(response.headers.get('allow')).toBe('GET, POST, HEAD, OPTIONS')
    expect((await response.json<ErrorJson>()).error.code).toBe('METHOD_NOT_ALLOWED')
  })

  it('OPTIONS on a known path answers 204 with Allow; on an unknown one, 404', async () => {
    const known = await call('/api/users/3b241101-e2bb-4255-8caf-4136c566a962', { method: 'OPTIONS' })
    expect(known.status).toBe(204)
    expect(known.headers.get('allow')).toBe('GET, PUT, PATCH, DELETE, HEAD, OPTIONS')
    expect((await call('/api/nothing', { method: 'OPTIONS' })).status).toBe(404)
  })
})

describe('unexpected errors', () => {
  // Their error lines (stack included, as operators need) are expected here; tests/worker/logs.test.ts checks them.
  beforeEach(() => void vi.spyOn(console, 'log').mockImplementation(() => undefined))
  afterEach(() => vi.restoreAllMocks())
  // Routes that fail on purpose, added to a fresh app: the real onError must answer them.
  const app = createApp()
  app.get('/boom', () => {
    throw new Error('secret internals: SELECT * FROM users')
  })
  app.get('/zod-inside', () => {
    z.object({ id: z.uuid() }).parse({ id: 'row from the database' })
    return new Response('unreachable')
  })

  it.each(['/boom', '/zod-inside'])('%s -> 500 INTERNAL_ERROR with nothing leaked', async (path) => {
    const response = await app.request(path, {}, env)
    expect(response.status).toBe(500)
    const text = await response.text()
    const body = JSON.parse(text) as ErrorJson
    expect(body.error.code).toBe('INTERNAL_ERROR')
    expect(body.error.details).toBeUndefined()
    expect(text).not.toMatch(/secret internals|SELECT|at .*\.ts|ZodError|row from the database/)
  })
})

describe('request ids', () => {
  it('echoes a safe incoming X-Request-Id in the header and meta', async () => {
    const response = await call('/api/nothing', { headers: { 'X-Request-Id': 'client-abc_123' } })
    expect(response.headers.get('x-request-id')).toBe('client-abc_123')
    expect((await response.json<ErrorJson>()).meta.requestId).toBe('client-abc_123')
  })

  it.each([
    ['with spaces and quotes', 'a b"c'],
    ['too long', 'x'.repeat(10_000)],
    ['with a header-splitting attempt', 'abc%0d%0aSet-Cookie:x=1'],
  ])('replaces an unsafe one (%s) with a fresh UUID', async (_why, unsafe) => {
    const response = await call('/api/users', { headers: { 'X-Request-Id': unsafe } })
    const id = response.headers.get('x-request-id')
    expect(id).toMatch(/^[0-9a-f-]{36}$/)
    expect((await response.json<{ meta: { requestId: string } }>()).meta.requestId).toBe(id)
  })
})
