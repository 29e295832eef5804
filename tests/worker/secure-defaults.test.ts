import { describe, expect, it } from 'vitest'
import { cors } from '../../src/contract/common/cors'
import { call } from './support/api'

const preflight = (origin: string) =>
  call('/api/users', {
    method: 'OPTIONS',
    headers: { Origin: origin, 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'content-type, authorization' },
  })

describe('CORS from the CORS_ORIGINS allow-list', () => {
  it('grants a listed origin its preflight', async () => {
    const response = await preflight('http://127.0.0.1:8787')
    expect(response.status).toBe(204)
    expect(response.headers.get('access-control-allow-origin')).toBe('http://127.0.0.1:8787')
    expect(response.headers.get('access-control-allow-methods')).toContain('PATCH')
    expect(response.headers.get('access-control-allow-headers')?.toLowerCase()).toContain('authorization')
    // Read-your-writes and safe retries from a browser need these too.
    for (const header of ['x-d1-bookmark', 'idempotency-key', 'if-match'])
      expect(response.headers.get('access-control-allow-headers')?.toLowerCase()).toContain(header)
  })

  it("sends exactly the methods, headers and max-age the document's CORS section names", async () => {
    const granted = await preflight(cors.developmentOrigins[1])
    const split = (value: string | null) => (value ?? '').split(',').map((part) => part.trim())
    expect(split(granted.headers.get('access-control-allow-methods'))).toEqual([...cors.allowMethods])
    expect(split(granted.headers.get('access-control-allow-headers'))).toEqual([...cors.allowHeaders])
    expect(granted.headers.get('access-control-max-age')).toBe(String(cors.maxAge))
    const simple = await call('/api/users', { headers: { Origin: cors.developmentOrigins[0] } })
    expect(split(simple.headers.get('access-control-expose-headers'))).toEqual([...cors.exposeHeaders])
  })

  it('gives an unlisted origin no grant', async () => {
    const response = await preflight('https://evil.example.net')
    expect(response.headers.get('access-control-allow-origin')).toBeNull()
  })

  it('simple requests from a listed origin expose the headers clients need', async () => {
    const response = await call('/api/users', { headers: { Origin: 'http://localhost:8787' } })
    expect(response.headers.get('access-control-allow-origin')).toBe('http://localhost:8787')
    for (const header of ['ETag', 'Location', 'X-Request-Id', 'X-D1-Bookmark', 'Idempotent-Replayed', 'Retry-After']) {
      expect(response.headers.get('access-control-expose-headers')).toContain(header)
    }
    expect((await call('/api/users', { headers: { Origin: 'null' } })).headers.get('access-control-allow-origin')).toBeNull()
  })

  it('a 304 keeps the grant: a browser app revalidating with If-None-Match gets a 304 it may read', async () => {
    const origin = 'http://127.0.0.1:8787'
    const first = await call('/api/users?pageSize=2', { headers: { Origin: origin } })
    const etag = first.headers.get('etag')!
    const revalidated = await call('/api/users?pageSize=2', { headers: { Origin: origin, 'If-None-Match': etag } })
    expect(revalidated.status).toBe(304)
    expect(revalidated.headers.get('access-control-allow-origin')).toBe(origin)
    expect(revalidated.headers.get('access-control-expose-headers')).toContain('ETag')
  })

  it('an answer without Origin carries no grant but says it varies with Origin, so no cache serves it to a browser', async () => {
    const response = await call('/api/users')
    expect(response.headers.get('access-control-allow-origin')).toBeNull()
    expect(response.headers.get('vary')).toContain('Origin')
    const listed = await call('/api/users', { headers: { Origin: 'http://localhost:8787' } })
    expect(listed.headers.get('vary')).toContain('Origin')
  })
})

describe('secure headers', () => {
  it('every answer carries the hardening headers', async () => {
    for (const path of ['/api/users', '/api/nothing', '/health']) {
      const response = await call(path)
      expect(response.headers.get('x-content-type-options')).toBe('nosniff')
      expect(response.headers.get('strict-transport-security')).toContain('max-age=')
      expect(response.headers.get('x-frame-options')).toBe('SAMEORIGIN')
      expect(response.headers.get('referrer-policy')).toBe('no-referrer')
    }
  })
})
