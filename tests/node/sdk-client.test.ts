// The SDK's own logic against a fake fetch: retries (which, how often, how long), Retry-After, backoff, idempotency
// keys, tokens, bookmarks, pagination, errors, 204/304 and deprecation notices. tests/node/sdk-package.test.ts runs the
// packed SDK against the real Worker.
import { afterEach, describe, expect, expectTypeOf, it, vi } from 'vitest'
import {
  ApiError,
  NetworkError,
  backoffDelay,
  createApiClient,
  ifMatch,
  isApiError,
  isRetrySafe,
  parseRetryAfter,
  responseHeaders,
  type ApiClientOptions,
  type ErrorCodeOf,
  type RequiresIfMatch,
  type RetryEvent,
} from '../../generated/client'

const BASE = 'http://api.test'
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/

interface Sent {
  method: string
  url: URL
  headers: Headers
  body: string
}

type Answer = Response | Error | ((sent: Sent) => Response | Error)

const meta = { timestamp: '2026-11-25T09:30:00.000Z', requestId: 'req-1' }
const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json', 'X-Request-Id': 'req-1', ...headers } })
const failure = (status: number, code: string, headers: Record<string, string> = {}) =>
  json(status, { error: { code, message: `${code} happened`, docs: `https://docs.test/errors#${code}` }, meta }, headers)
const post = (id: string, title = 'T') => ({ id, authorId: 'u1', title, body: 'B', createdAt: meta.timestamp, updatedAt: meta.timestamp })

/** A client whose fetch answers from `answers` in order (the last one repeats) and records what was sent. */
function fake(answers: Answer[], options: Partial<ApiClientOptions> = {}) {
  const sent: Sent[] = []
  const retries: RetryEvent[] = []
  const fetch = async (request: Request): Promise<Response> => {
    const entry: Sent = { method: request.method, url: new URL(request.url), headers: request.headers, body: await request.text() }
    sent.push(entry)
    const next = answers.length > 1 ? answers.shift() : answers[0]
    const answer = typeof next === 'function' ? next(entry) : next
    if (answer === undefined) throw new Error('no answer left')
    if (answer instanceof Error) throw answer
    // A clone, so an answer that repeats has its body every time.
    return answer.clone()
  }
  const retry = options.retry === false ? false : { baseDelayMs: 1, onRetry: (event: RetryEvent) => retries.push(event), ...options.retry }
  const api = createApiClient({ baseUrl: BASE, fetch, ...options, retry })
  return { api, sent, retries }
}

const createPost = { params: { path: { id: 'u1' } }, body: { title: 'T', body: 'B' } }
const postPath = { params: { path: { id: 'u1', postId: 'p1' } } }

afterEach(() => {
  vi.useRealTimers()
})

describe('Retry-After and backoff', () => {
  it('reads Retry-After as seconds or as an HTTP-date, and ignores anything else', () => {
    const now = Date.parse('2026-11-25T09:30:00.000Z')
    expect(parseRetryAfter('0', now)).toBe(0)
    expect(parseRetryAfter('1', now)).toBe(1000)
    expect(parseRetryAfter(' 60 ', now)).toBe(60_000)
    expect(parseRetryAfter('Wed, 25 Nov 2026 09:30:05 GMT', now)).toBe(5000)
    expect(parseRetryAfter('Wed, 25 Nov 2026 09:29:00 GMT', now)).toBe(0)
    for (const bad of [null, undefined, '', '-1', '1.5', 'soon', '12abc']) expect(parseRetryAfter(bad, now)).toBeUndefined()
  })

  it('backs off exponentially with full jitter, capped', () => {
    const policy = { baseDelayMs: 100, maxDelayMs: 1000 }
    const almostOne = () => 0.999_999
    expect([1, 2, 3, 4, 5, 6].map((attempt) => backoffDelay(attempt, policy, almostOne))).toEqual([99, 199, 399, 799, 999, 999])
    expect(backoffDelay(4, policy, () => 0)).toBe(0)
    expect(backoffDelay(2, policy, () => 0.5)).toBe(100)
    // Defaults: 250 ms base, 10 s cap.
    expect(backoffDelay(1, {}, almostOne)).toBe(249)
    expect(backoffDelay(20, {}, almostOne)).toBe(9999)
  })

  it('knows which requests are safe to send twice', () => {
    const none = new Headers()
    const key = new Headers({ 'Idempotency-Key': 'k' })
    const match = new Headers({ 'If-Match': '"v1"' })
    expect(['GET', 'HEAD', 'OPTIONS'].map((method) => isRetrySafe(method, none))).toEqual([true, true, true])
    expect([isRetrySafe('POST', none), isRetrySafe('POST', key)]).toEqual([false, true])
    const any = new Headers({ 'If-Match': '*' })
    const anyPadded = new Headers({ 'If-Match': ' * ' })
    const weakList = new Headers({ 'If-Match': 'W/"a", "v2"' })
    for (const method of ['PUT', 'PATCH', 'DELETE']) {
      expect([none, match, any, anyPadded, weakList].map((headers) => isRetrySafe(method, headers))).toEqual([
        false,
        true,
        false,
        false,
        true,
      ])
    }
  })
})

describe('retries', () => {
  it('retries a GET after 429 and 503, then succeeds', async () => {
    const { api, sent, retries } = fake([
      failure(429, 'RATE_LIMITED', { 'Retry-After': '0' }),
      failure(503, 'SERVICE_UNAVAILABLE'),
      json(200, { data: post('p1'), meta }, { ETag: '"v1"' }),
    ])
    const result = await api.get('/api/posts/{id}', { params: { path: { id: 'p1' } } })
    expect(result.body.data.id).toBe('p1')
    expect(sent).toHaveLength(3)
    expect(retries.map(({ attempt, status }) => ({ attempt, status }))).toEqual([
      { attempt: 1, status: 429 },
      { attempt: 2, status: 503 },
    ])
    expect(retries[0]?.delayMs).toBe(0)
    expect(retries[1]?.delayMs).toBeLessThan(2)
  })

  it('waits exactly as long as Retry-After asks, not less', async () => {
    vi.useFakeTimers()
    const { api, sent, retries } = fake(
      [failure(503, 'SERVICE_UNAVAILABLE', { 'Retry-After': '2' }), json(200, { data: post('p1'), meta })],
      { retry: { baseDelayMs: 1 } },
    )
    const pending = api.get('/api/posts/{id}', { params: { path: { id: 'p1' } } })
    await vi.advanceTimersByTimeAsync(1999)
    expect(sent).toHaveLength(1)
    await vi.advanceTimersByTimeAsync(1)
    expect((await pending).status).toBe(200)
    expect(sent).toHaveLength(2)
    expect(retries.map((event) => event.delayMs)).toEqual([2000])
  })

  it('hands a 429 back at once when Retry-After is longer than maxDelayMs', async () => {
    const { api, sent } = fake([failure(429, 'RATE_LIMITED', { 'Retry-After': '60' }), json(200, { data: post('p1'), meta })])
    const error = await api.get('/api/posts/{id}', { params: { path: { id: 'p1' } } }).catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(ApiError)
    expect(error).toMatchObject({ status: 429, code: 'RATE_LIMITED', retryAfterMs: 60_000 })
    expect(sent).toHaveLength(1)
  })

  it('stops after maxAttempts and rejects with the last answer', async () => {
    const { api, sent } = fake([failure(503, 'SERVICE_UNAVAILABLE')], { retry: { maxAttempts: 4, baseDelayMs: 1 } })
    await expect(api.get('/api/users')).rejects.toMatchObject({ status: 503, code: 'SERVICE_UNAVAILABLE' })
    expect(sent).toHaveLength(4)
  })

  it('retries network errors (TypeError) of safe requests, and rethrows the last one', async () => {
    const { api, sent } = fake([new TypeError('fetch failed'), json(200, { data: [], meta: { ...meta, nextCursor: null } })])
    expect((await api.GET('/api/users')).response.status).toBe(200)
    expect(sent).toHaveLength(2)

    const down = fake([new TypeError('fetch failed')])
    const error = await down.api.get('/api/users').catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(NetworkError)
    expect(error).toBeInstanceOf(ApiError)
    expect(error).toMatchObject({ name: 'NetworkError', status: 0, code: 'NETWORK_ERROR', reason: 'network', url: `${BASE}/api/users` })
    expect((error as NetworkError).cause).toBeInstanceOf(TypeError)
    expect((error as NetworkError).message).toBe('No answer from http://api.test: fetch failed')
    expect(isApiError(error, 'NETWORK_ERROR')).toBe(true)
    expect(down.sent).toHaveLength(3)
    // The raw methods too: no status to return, so they reject, with the same NetworkError.
    await expect(fake([new TypeError('fetch failed')]).api.GET('/api/users')).rejects.toBeInstanceOf(NetworkError)
  })

  it('in a browser, tells a CORS refusal from a network failure, and does not retry it', async () => {
    const page = globalThis as { document?: unknown; location?: unknown }
    Object.assign(page, { document: {}, location: { origin: 'https://app.example' } })
    try {
      // The API is reachable (the no-cors probe to its origin gets an opaque answer), but the page may not read it.
      const refused = fake([(sent) => (sent.url.pathname === '/' ? new Response(null) : new TypeError('Failed to fetch'))])
      const error = await refused.api.post('/api/auth/login', { body: { email: 'a@example.com', password: 'p' } }).catch((e: unknown) => e)
      expect(error).toBeInstanceOf(NetworkError)
      expect(error).toMatchObject({ reason: 'cors', status: 0, code: 'NETWORK_ERROR' })
      expect((error as NetworkError).message).toMatch(/https:\/\/app\.example.*CORS_ORIGINS/)
      expect(refused.sent.map((request) => `${request.method} ${request.url.pathname}`)).toEqual(['POST /api/auth/login', 'GET /'])
      expect(refused.retries).toEqual([])

      // The network itself is down (the probe fails too): retried, then a network NetworkError.
      const down = fake([new TypeError('Failed to fetch')])
      await expect(down.api.get('/api/users')).rejects.toMatchObject({ reason: 'network' })
      expect(down.sent.filter((request) => request.url.pathname === '/api/users')).toHaveLength(3)

      // Same origin: never CORS, no probe.
      const same = fake([new TypeError('Failed to fetch')])
      Object.assign(page, { location: { origin: BASE } })
      await expect(same.api.get('/api/users')).rejects.toMatchObject({ reason: 'network' })
      expect(same.sent.every((request) => request.url.pathname === '/api/users')).toBe(true)
    } finally {
      delete page.document
      delete page.location
    }
  })

  it('never retries a write that is not safe to repeat: PUT, PATCH and DELETE with If-Match: * or none, POST without a key', async () => {
    const busy = () => failure(503, 'SERVICE_UNAVAILABLE', { 'Retry-After': '0' })
    const { api, sent } = fake([busy], { idempotencyKeys: false })
    await expect(api.patch('/api/users/{id}/posts/{postId}', { ...postPath, body: { title: 'N' }, ifMatch: '*' })).rejects.toMatchObject({
      status: 503,
    })
    await expect(api.delete('/api/users/{id}/posts/{postId}', { ...postPath, ifMatch: '*' })).rejects.toMatchObject({ status: 503 })
    const replace = { params: { path: { id: 'u1' } }, body: { email: 'a@b.c', name: 'N' }, ifMatch: '*' }
    await expect(api.put('/api/users/{id}', replace)).rejects.toMatchObject({ status: 503 })
    // changePassword's PUT has no If-Match in the contract: unconditional, so never repeated either.
    const password = { body: { currentPassword: 'old password 1', newPassword: 'new password 2' } }
    await expect(api.put('/api/profile/password', password)).rejects.toMatchObject({ status: 503 })
    await expect(api.post('/api/users/{id}/posts', createPost)).rejects.toMatchObject({ status: 503 })
    expect(sent.map((request) => request.method)).toEqual(['PATCH', 'DELETE', 'PUT', 'PUT', 'POST'])
    expect(sent.map((request) => request.headers.get('If-Match'))).toEqual(['*', '*', '*', null, null])

    const network = fake([new TypeError('fetch failed')])
    const unconditional = { params: { ...postPath.params, header: { 'If-Match': '*' } }, body: { title: 'N' } }
    const failed = await network.api.PATCH('/api/users/{id}/posts/{postId}', unconditional).catch((error: unknown) => error)
    expect(failed).toBeInstanceOf(NetworkError)
    expect((failed as NetworkError).cause).toBeInstanceOf(TypeError)
    expect(network.sent).toHaveLength(1)
  })

  it('retries PATCH and DELETE with If-Match naming an ETag, given as ifMatch or (raw) as the header', async () => {
    const { api, sent } = fake([failure(503, 'SERVICE_UNAVAILABLE'), json(200, { data: post('p1', 'N'), meta }, { ETag: '"v2"' })])
    const patched = await api.patch('/api/users/{id}/posts/{postId}', { ...postPath, body: { title: 'N' }, ifMatch: '"v1"' })
    expect(patched.headers.etag).toBe('"v2"')
    expect(sent.map((request) => request.headers.get('If-Match'))).toEqual(['"v1"', '"v1"'])

    const deleting = fake([failure(429, 'RATE_LIMITED', { 'Retry-After': '0' }), new Response(null, { status: 204 })])
    const removed = await deleting.api.delete('/api/users/{id}/posts/{postId}', { ...postPath, ifMatch: patched })
    expect([removed.status, removed.body]).toEqual([204, undefined])
    expect(deleting.sent.map((request) => request.headers.get('If-Match'))).toEqual(['"v2"', '"v2"'])

    const raw = fake([new TypeError('fetch failed'), new Response(null, { status: 204 })])
    const rawRemoved = await raw.api.DELETE('/api/users/{id}/posts/{postId}', { params: { ...postPath.params, header: ifMatch(patched) } })
    expect(rawRemoved.response.status).toBe(204)
    expect(raw.sent.map((request) => request.headers.get('If-Match'))).toEqual(['"v2"', '"v2"'])
  })

  it('gives up waiting when the request is aborted during a backoff', async () => {
    const { api, sent } = fake([failure(503, 'SERVICE_UNAVAILABLE', { 'Retry-After': '5' })])
    const controller = new AbortController()
    const pending = api.get('/api/users', { signal: controller.signal })
    setTimeout(() => controller.abort(new Error('stop')), 20)
    await expect(pending).rejects.toThrow('stop')
    expect(sent).toHaveLength(1)
  })

  it('retry: false sends every request once', async () => {
    const { api, sent } = fake([failure(503, 'SERVICE_UNAVAILABLE')], { retry: false })
    await expect(api.get('/api/users')).rejects.toMatchObject({ status: 503 })
    expect(sent).toHaveLength(1)
  })
})

describe('If-Match', () => {
  it('is required (as ifMatch) on the writes whose operation requires it, and is sent as given', async () => {
    const { api, sent } = fake([json(200, { data: post('p1'), meta }, { ETag: '"v2"' })])
    const required: [RequiresIfMatch<'/api/users/{id}', 'put'>, RequiresIfMatch<'/api/users/{id}/posts/{postId}', 'delete'>] = [true, true]
    const optional: RequiresIfMatch<'/api/profile/password', 'put'> = false
    expect([...required, optional]).toEqual([true, true, false])

    // Compiled, never called: what the types refuse.
    const refused = (etag: string | undefined) => {
      // @ts-expect-error: PATCH requires If-Match, so ifMatch is required
      void api.patch('/api/users/{id}/posts/{postId}', { ...postPath, body: { title: 'N' } })
      // @ts-expect-error: DELETE requires If-Match, so ifMatch is required
      void api.delete('/api/users/{id}', { params: { path: { id: 'u1' } } })
      // @ts-expect-error: an ETag that may be missing is not one ('*' is the explicit opt-out)
      void api.put('/api/users/{id}', { params: { path: { id: 'u1' } }, body: { email: 'a@b.c', name: 'N' }, ifMatch: etag })
      // @ts-expect-error: the helpers take If-Match from ifMatch only
      void api.delete('/api/users/{id}', { params: { path: { id: 'u1' }, header: { 'If-Match': '*' } }, ifMatch: '*' })
      // @ts-expect-error: the raw methods keep openapi-fetch's typing: params.header['If-Match'] is required there
      void api.DELETE('/api/users/{id}', { params: { path: { id: 'u1' } } })
    }
    void refused

    await api.patch('/api/users/{id}', {
      params: { path: { id: 'u1' }, header: { 'X-D1-Bookmark': 'b1' } },
      body: { name: 'N' },
      ifMatch: '*',
    })
    await api.put('/api/profile/password', { body: { currentPassword: 'old password 1', newPassword: 'new password 2' } })
    const read = await api.get('/api/posts/{id}', { params: { path: { id: 'p1' } } })
    await api.delete('/api/users/{id}/posts/{postId}', { ...postPath, ifMatch: read })
    expect(sent.map((request) => [request.method, request.headers.get('If-Match'), request.headers.get('X-D1-Bookmark')])).toEqual([
      ['PATCH', '*', 'b1'],
      ['PUT', null, null],
      ['GET', null, null],
      ['DELETE', '"v2"', null],
    ])

    // A result without an ETag (a list's is weak and not for writes; a 204 has none) is refused before anything is sent.
    const before = sent.length
    await expect(api.delete('/api/users/{id}', { params: { path: { id: 'u1' } }, ifMatch: { headers: {} } })).rejects.toThrow(/No ETag/)
    await expect(api.delete('/api/users/{id}', { params: { path: { id: 'u1' } }, ifMatch: '' })).rejects.toThrow(/No ETag/)
    expect(sent).toHaveLength(before)
  })
})

describe('idempotency keys', () => {
  it('sends a fresh UUID per POST, the same one on each retry of it, and replays the in-flight 409', async () => {
    const created = () => json(201, { data: post('p1'), meta }, { Location: '/api/posts/p1', ETag: '"v1"' })
    const { api, sent, retries } = fake([
      failure(409, 'CONFLICT', { 'Retry-After': '0' }),
      failure(503, 'SERVICE_UNAVAILABLE'),
      json(201, { data: post('p1'), meta }, { Location: '/api/posts/p1', ETag: '"v1"', 'Idempotent-Replayed': 'true' }),
      created,
    ])
    const first = await api.post('/api/users/{id}/posts', createPost)
    expect(first.headers).toMatchObject({ location: '/api/posts/p1', etag: '"v1"', idempotentReplayed: true, requestId: 'req-1' })
    expect(retries.map((event) => event.status)).toEqual([409, 503])
    const keys = sent.map((request) => request.headers.get('Idempotency-Key'))
    expect(keys[0]).toMatch(UUID)
    expect(new Set(keys)).toEqual(new Set([keys[0]]))

    const second = await api.post('/api/users/{id}/posts', createPost)
    expect(second.headers.idempotentReplayed).toBe(false)
    expect(sent.at(-1)?.headers.get('Idempotency-Key')).toMatch(UUID)
    expect(sent.at(-1)?.headers.get('Idempotency-Key')).not.toBe(keys[0])
    // The body goes out whole on every attempt.
    expect(new Set(sent.map((request) => request.body))).toEqual(new Set([JSON.stringify(createPost.body)]))
  })

  it("keeps the caller's key (option or header), and the raw POST gets one too", async () => {
    const { api, sent } = fake([json(201, { data: post('p1'), meta })])
    await api.post('/api/users/{id}/posts', { ...createPost, idempotencyKey: 'my-key-1' })
    await api.POST('/api/users/{id}/posts', { ...createPost, headers: { 'Idempotency-Key': 'my-key-2' } })
    await api.POST('/api/users/{id}/posts', createPost)
    expect(sent.map((request) => request.headers.get('Idempotency-Key'))).toEqual(['my-key-1', 'my-key-2', expect.stringMatching(UUID)])
  })

  it('does not retry a 409 without Retry-After (a taken email), nor a 409 without a key', async () => {
    const { api, sent } = fake([failure(409, 'CONFLICT'), json(201, { data: post('p1'), meta })])
    await expect(api.post('/api/users/{id}/posts', createPost)).rejects.toMatchObject({ status: 409, code: 'CONFLICT' })
    expect(sent).toHaveLength(1)

    const keyless = fake([failure(409, 'CONFLICT', { 'Retry-After': '0' }), json(201, { data: post('p1'), meta })], {
      idempotencyKeys: false,
    })
    await expect(keyless.api.post('/api/users/{id}/posts', createPost)).rejects.toMatchObject({ status: 409 })
    expect(keyless.sent).toHaveLength(1)
    expect(keyless.sent[0]?.headers.has('Idempotency-Key')).toBe(false)
  })

  it('sends no key on other methods', async () => {
    const { api, sent } = fake([json(200, { data: post('p1'), meta })])
    await api.patch('/api/users/{id}/posts/{postId}', { ...postPath, body: { title: 'N' }, ifMatch: '"v1"' })
    expect(sent[0]?.headers.has('Idempotency-Key')).toBe(false)
  })
})

describe('tokens and bookmarks', () => {
  it('asks a token provider before every attempt; a request that sets Authorization keeps it', async () => {
    let calls = 0
    const { api, sent } = fake([failure(503, 'SERVICE_UNAVAILABLE'), json(200, { data: post('p1'), meta })], {
      token: async () => `token-${++calls}`,
    })
    await api.get('/api/posts/{id}', { params: { path: { id: 'p1' } } })
    await api.GET('/api/posts/{id}', { params: { path: { id: 'p1' } }, headers: { Authorization: 'Bearer mine' } })
    expect(sent.map((request) => request.headers.get('Authorization'))).toEqual(['Bearer token-1', 'Bearer token-2', 'Bearer mine'])

    const plain = fake([json(200, { data: post('p1'), meta })], { token: 'abc' })
    await plain.api.GET('/api/posts/{id}', { params: { path: { id: 'p1' } } })
    const anonymous = fake([json(200, { data: post('p1'), meta })], { token: () => undefined })
    await anonymous.api.GET('/api/posts/{id}', { params: { path: { id: 'p1' } } })
    expect([plain.sent[0]?.headers.get('Authorization'), anonymous.sent[0]?.headers.get('Authorization')]).toEqual(['Bearer abc', null])
  })

  it('threads the newest X-D1-Bookmark into later requests with readYourWrites, and only then', async () => {
    const older = '00000000-00000005-00000000-00000000000000000000000000000000'
    const newer = '00000000-0000000a-00000000-00000000000000000000000000000000'
    const answers = () => [
      json(201, { data: post('p1'), meta }, { 'X-D1-Bookmark': newer }),
      json(200, { data: post('p1'), meta }, { 'X-D1-Bookmark': older }),
      json(200, { data: post('p1'), meta }),
    ]
    const { api, sent } = fake(answers(), { readYourWrites: true })
    expect(api.bookmark).toBeUndefined()
    await api.post('/api/users/{id}/posts', createPost)
    await api.get('/api/posts/{id}', { params: { path: { id: 'p1' } } })
    await api.get('/api/posts/{id}', { params: { path: { id: 'p1' } }, headers: { 'X-D1-Bookmark': 'explicit' } })
    // A slower read that answers with an older bookmark does not move the session back.
    expect(sent.map((request) => request.headers.get('X-D1-Bookmark'))).toEqual([null, newer, 'explicit'])
    expect(api.bookmark).toBe(newer)

    const handedOver = fake(answers(), { readYourWrites: { bookmark: older } })
    await handedOver.api.GET('/api/users')
    expect(handedOver.sent[0]?.headers.get('X-D1-Bookmark')).toBe(older)

    const off = fake(answers())
    await off.api.post('/api/users/{id}/posts', createPost)
    await off.api.get('/api/posts/{id}', { params: { path: { id: 'p1' } } })
    expect(off.sent.map((request) => request.headers.get('X-D1-Bookmark'))).toEqual([null, null])
    expect(off.api.bookmark).toBeUndefined()
  })
})

describe('results and errors', () => {
  it('turns an error envelope into an ApiError with every field', async () => {
    const body = {
      error: {
        code: 'VALIDATION_ERROR',
        message: 'Invalid',
        details: [{ field: 'title', in: 'body', message: 'Required' }],
        docs: 'https://d/e',
      },
      meta: { timestamp: meta.timestamp, requestId: 'req-42' },
    }
    const { api } = fake([json(400, body)])
    const error = await api.post('/api/users/{id}/posts', createPost).catch((caught: unknown) => caught)
    expect(isApiError(error, 'VALIDATION_ERROR')).toBe(true)
    expect(isApiError(error, 'NOT_FOUND')).toBe(false)
    expect(error).toMatchObject({
      name: 'ApiError',
      status: 400,
      code: 'VALIDATION_ERROR',
      message: 'Invalid',
      details: body.error.details,
      requestId: 'req-42',
      docs: 'https://d/e',
      retryAfterMs: undefined,
    })
    expect((error as ApiError).response.status).toBe(400)
  })

  it('keeps a code this SDK does not know, and names a body that is not the envelope', async () => {
    const { api } = fake([failure(418, 'BREWING_COFFEE')])
    await expect(api.get('/api/users')).rejects.toMatchObject({ status: 418, code: 'BREWING_COFFEE' })
    const proxy = fake([
      new Response('<html>Bad gateway</html>', { status: 502, statusText: 'Bad Gateway', headers: { 'X-Request-Id': 'r9' } }),
    ])
    await expect(proxy.api.get('/api/users')).rejects.toMatchObject({ status: 502, code: 'UNEXPECTED_RESPONSE', requestId: 'r9' })
  })

  it('resolves a 304 to notModified when ifNoneMatch was given, and rejects one that was not asked for', async () => {
    const notModified = () => new Response(null, { status: 304, headers: { ETag: '"v1"', 'X-Request-Id': 'req-2' } })
    const { api, sent } = fake([notModified])
    const result = await api.get('/api/posts/{id}', { params: { path: { id: 'p1' } }, ifNoneMatch: { headers: { etag: '"v1"' } } })
    expect(result).toMatchObject({ status: 304, notModified: true, body: undefined, headers: { etag: '"v1"', requestId: 'req-2' } })
    expect(sent[0]?.headers.get('If-None-Match')).toBe('"v1"')

    await expect(
      api.get('/api/posts/{id}', { params: { path: { id: 'p1' } }, headers: { 'If-None-Match': '"v1"' } }),
    ).rejects.toMatchObject({
      status: 304,
      code: 'NOT_MODIFIED',
    })
    // The raw client sets neither data nor error on a 304 (and none on a 204): check response.status.
    const raw = await api.GET('/api/posts/{id}', { params: { path: { id: 'p1' } }, headers: { 'If-None-Match': '"v1"' } })
    expect([raw.response.status, raw.data, Boolean(raw.error)]).toEqual([304, undefined, false])
  })

  it('ifMatch() and responseHeaders() serve raw calls', async () => {
    expect(ifMatch('"v3"')).toEqual({ 'If-Match': '"v3"' })
    expect(ifMatch({ headers: { etag: '"v4"' } })).toEqual({ 'If-Match': '"v4"' })
    expect(() => ifMatch({ headers: { etag: undefined } })).toThrow(/No ETag/)
    const response = new Response(null, {
      status: 201,
      headers: {
        ETag: '"v1"',
        Location: '/x',
        'X-Request-Id': 'r',
        'Idempotent-Replayed': 'true',
        'X-D1-Bookmark': 'b',
        'Retry-After': '3',
      },
    })
    expect(responseHeaders(response)).toEqual({
      etag: '"v1"',
      location: '/x',
      requestId: 'r',
      idempotentReplayed: true,
      bookmark: 'b',
      retryAfterMs: 3000,
    })
  })
})

describe('paginate', () => {
  const page = (ids: string[], nextCursor: string | null, number: number) =>
    json(200, { data: ids.map((id) => post(id)), meta: { ...meta, page: number, pageSize: 2, total: 5, totalPages: 3, nextCursor } })

  it('follows nextCursor to the end, sending the cursor alone after the first page', async () => {
    const { api, sent } = fake([page(['a', 'b'], 'c1', 1), page(['c', 'd'], 'c2', 2), page(['e'], null, 3)])
    const ids: string[] = []
    const query = { page: 1, pageSize: 2, sort: 'title' as const, order: 'asc' as const, authorId: 'u1' }
    for await (const item of api.paginate('/api/posts', { params: { query } })) ids.push(item.id)
    expect(ids).toEqual(['a', 'b', 'c', 'd', 'e'])
    // The cursor carries the listing's sort, order, page size and filter: the server ignores them beside one.
    expect(sent.map((request) => Object.fromEntries(request.url.searchParams))).toEqual([
      { page: '1', pageSize: '2', sort: 'title', order: 'asc', authorId: 'u1' },
      { cursor: 'c1' },
      { cursor: 'c2' },
    ])
    expect(sent.map((request) => request.url.pathname)).toEqual(['/api/posts', '/api/posts', '/api/posts'])
  })

  it('walks path-parameter lists and whole pages too, and stops on an error or a repeated cursor', async () => {
    const { api, sent } = fake([page(['a', 'b'], 'c1', 1), page(['c'], null, 2)])
    const totals: number[] = []
    const init = { params: { path: { id: 'u1' }, query: { pageSize: 2, order: 'asc' as const } }, headers: { 'X-Trace': 't' } }
    for await (const body of api.pages('/api/users/{id}/posts', init)) totals.push(body.data.length)
    expect(totals).toEqual([2, 1])
    expect(sent.map((request) => `${request.url.pathname}${request.url.search}`)).toEqual([
      '/api/users/u1/posts?pageSize=2&order=asc',
      '/api/users/u1/posts?cursor=c1',
    ])
    expect(sent.map((request) => request.headers.get('X-Trace'))).toEqual(['t', 't'])

    const failing = fake([page(['a', 'b'], 'c1', 1), failure(400, 'VALIDATION_ERROR')])
    const seen: string[] = []
    await expect(
      (async () => {
        for await (const item of failing.api.paginate('/api/posts')) seen.push(item.id)
      })(),
    ).rejects.toMatchObject({ status: 400 })
    expect(seen).toEqual(['a', 'b'])

    const looping = fake([page(['a'], 'same', 1), page(['b'], 'same', 2)])
    await expect(
      (async () => {
        for await (const _item of looping.api.paginate('/api/users')) void _item
      })(),
    ).rejects.toSatisfy(
      (error) => error instanceof ApiError && error.code === 'UNEXPECTED_RESPONSE' && /same nextCursor twice/.test(error.message),
    )
  })
})

describe('error codes per operation', () => {
  it('ErrorCodeOf is the union of the codes its error responses list, and nothing else', () => {
    expectTypeOf<ErrorCodeOf<'/api/posts/{id}', 'get'>>().toEqualTypeOf<
      'VALIDATION_ERROR' | 'NOT_FOUND' | 'RATE_LIMITED' | 'INTERNAL_ERROR' | 'SERVICE_UNAVAILABLE'
    >()
    expectTypeOf<'PRECONDITION_REQUIRED'>().toExtend<ErrorCodeOf<'/api/users/{id}', 'patch'>>()
    expectTypeOf<'INVALID_CREDENTIALS'>().not.toExtend<ErrorCodeOf<'/api/users/{id}', 'patch'>>()
  })
})

describe('deprecation notices', () => {
  it('calls onDeprecated with the Deprecation date, Sunset and the deprecation link', async () => {
    const notices: unknown[] = []
    const { api } = fake(
      [
        json(
          200,
          { data: post('p1'), meta },
          {
            Deprecation: '@1782864000',
            Sunset: 'Fri, 01 Jan 2027 00:00:00 GMT',
            Link: '<https://docs.test/posts-v2>; rel="deprecation"; type="text/html", <https://docs.test/other>; rel="alternate"',
          },
        ),
        json(200, { data: post('p1'), meta }),
      ],
      { onDeprecated: (notice) => notices.push({ ...notice, response: notice.response.status }) },
    )
    await api.get('/api/posts/{id}', { params: { path: { id: 'p1' } } })
    await api.get('/api/posts/{id}', { params: { path: { id: 'p1' } } })
    expect(notices).toEqual([
      {
        method: 'GET',
        url: `${BASE}/api/posts/p1`,
        deprecation: new Date(1782864000 * 1000),
        sunset: new Date('2027-01-01T00:00:00Z'),
        link: 'https://docs.test/posts-v2',
        response: 200,
      },
    ])
  })
})
