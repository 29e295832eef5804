import { beforeAll, describe, expect, it } from 'vitest'
import { call, count, register } from './support/api'

type ErrorJson = { error: { code: string; details?: { field: string; in: string }[] } }
// Bad bodies are tried on every operation that takes one, in every-operation.test.ts.
let userId = ''

beforeAll(async () => {
  userId = (await register()).user.id
})

describe('query strings and paths', () => {
  it('a duplicated query parameter is a 400 naming it', async () => {
    const response = await call('/api/posts?page=1&page=2')
    expect(response.status).toBe(400)
    expect((await response.json<ErrorJson>()).error.details).toEqual([expect.objectContaining({ field: 'page', in: 'query' })])
  })

  it.each([
    ['page=99999999999999999999', 'page'],
    ['page=1e3', 'page'],
    ['pageSize=0x10', 'pageSize'],
    ['page=%00', 'page'],
    ["authorId=' OR 1=1 --", 'authorId'],
  ])('%s -> 400 naming %s', async (query, field) => {
    const response = await call(`/api/posts?${query}`)
    expect(response.status).toBe(400)
    expect((await response.json<ErrorJson>()).error.details?.map((d) => d.field)).toContain(field)
  })

  it.each([
    '/api/users/%2e%2e%2fadmin',
    '/api/users/..%2F..%2Fetc%2Fpasswd',
    '/api/users/%00',
    "/api/users/1'%20OR%20'1'='1",
    '/api/users/%F0%9F%A6%84',
    '/api/users/%E0%A4%A',
  ])('a hostile id %s is a 4xx envelope', async (path) => {
    const response = await call(path)
    expect(response.status).toBeGreaterThanOrEqual(400)
    expect(response.status).toBeLessThan(500)
    expect((await response.json<ErrorJson>()).error.code).toMatch(/VALIDATION_ERROR|NOT_FOUND/)
  })

  it('a double slash or a trailing slash is a 404 NOT_FOUND, never a handler with a wrong id nor a 405 for an allowed method', async () => {
    for (const path of ['/api//users', '/api/users/', `/api/users/${userId}/posts/`, `/api/users/${userId}/`]) {
      const response = await call(path)
      expect(response.status, path).toBe(404)
      expect((await response.json<ErrorJson>()).error.code, path).toBe('NOT_FOUND')
    }
    // A method the path does not have is still a 405, slash or not.
    const wrongMethod = await call('/api/users/', { method: 'DELETE' })
    expect(wrongMethod.status).toBe(405)
  })
})

describe('methods', () => {
  it.each(['PROPFIND', 'TRACE', 'PURGE', 'PATCH'])('%s on /api/users is 405 with Allow, in the envelope', async (method) => {
    const response = await call('/api/users', { method })
    expect(response.status).toBe(405)
    expect(response.headers.get('allow')).toContain('GET')
    expect((await response.json<ErrorJson>()).error.code).toBe('METHOD_NOT_ALLOWED')
  })

  it('HEAD on a GET route answers without a body', async () => {
    const response = await call('/api/users', { method: 'HEAD' })
    expect(response.status).toBe(200)
    expect(await response.text()).toBe('')
  })
})

describe('headers that try to get into ours', () => {
  it('an X-Request-Id with a line separator, 10 KB or a parameter is never echoed; CR/LF cannot even be sent', async () => {
    // Header injection needs a CR or LF in the value; the runtime refuses to carry one, before anything of ours runs.
    expect(() => new Request('http://api.test/api/users', { headers: { 'X-Request-Id': 'abc\r\nSet-Cookie: x=1' } })).toThrow(TypeError)
    for (const unsafe of ['abc\u2028def', 'x'.repeat(10_240), 'a;b=c']) {
      const response = await call('/api/users', { headers: { 'X-Request-Id': unsafe } })
      expect(response.headers.get('x-request-id')).not.toBe(unsafe)
      expect(response.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/)
    }
  })

  it('non-ASCII bytes in X-D1-Bookmark, If-Match and Idempotency-Key are a 4xx envelope or ignored, never a 500', async () => {
    // Sent as UTF-8 bytes, as a raw HTTP client would; browsers refuse to send them at all.
    const unicode = 'ÅḰ𐊬≴🜮'
    const read = await call('/api/users', { headers: { 'X-D1-Bookmark': unicode } })
    expect(read.status).toBe(200)
    const session = await register()
    const patch = await call(`/api/users/${session.user.id}`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json', Authorization: `Bearer ${session.token}`, 'If-Match': `"${unicode}"` },
      body: JSON.stringify({ name: 'Never applied' }),
    })
    // Entity tags are visible ASCII (RFC 9110), as If-Match's pattern says: anything else is malformed.
    expect(patch.status).toBe(400)
    expect(((await patch.json()) as ErrorJson).error.details?.[0]).toMatchObject({ field: 'If-Match', in: 'header' })
    const posts = await count('posts')
    const created = await call(`/api/users/${session.user.id}/posts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', Authorization: `Bearer ${session.token}`, 'Idempotency-Key': unicode },
      body: JSON.stringify({ title: 'x', body: 'y' }),
    })
    expect(created.status).toBe(400)
    expect(((await created.json()) as ErrorJson).error.details?.[0]).toMatchObject({ field: 'Idempotency-Key', in: 'header' })
    expect(await count('posts')).toBe(posts)
  })
})
