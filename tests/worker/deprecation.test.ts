// The deprecation mechanism, on an operation made for the test (the API deprecates nothing today): the document says
// `deprecated: true` and declares the headers; every successful answer carries them; errors do not.
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi'
import { describe, expect, it } from 'vitest'
import { deprecated } from '../../src/contract/common/deprecation'
import type { AppEnv } from '../../src/http/app-env'
import { middlewareFor } from '../../src/http/middleware/per-operation'

const route = deprecated(
  createRoute({
    method: 'get',
    path: '/old/{id}',
    operationId: 'getOld',
    request: { params: z.object({ id: z.string().regex(/^[0-9]+$/) }) },
    responses: {
      200: {
        description: 'The old thing.',
        headers: z.object({ 'X-Request-Id': z.string() }),
        content: { 'application/json': { schema: z.object({ id: z.string() }) } },
      },
      400: { description: 'Bad id.' },
    },
  }),
  { since: '2026-12-01', sunset: '2027-06-01' },
)

function app() {
  const hono = new OpenAPIHono<AppEnv>({ defaultHook: (result, c) => (result.success ? undefined : c.json({}, 400)) })
  hono.openapi({ ...route, middleware: middlewareFor(route) }, (c) => c.json({ id: c.req.valid('param').id }, 200))
  return hono
}

describe('a deprecated operation', () => {
  it('is deprecated in the document, with its dates and the headers its answers carry', () => {
    const hono = app()
    const operation = hono.getOpenAPI31Document({ openapi: '3.1.0', info: { title: 't', version: '1' } }).paths?.['/old/{id}']?.get
    expect(operation).toMatchObject({ deprecated: true, 'x-deprecated-since': '2026-12-01', 'x-sunset': '2027-06-01' })
    expect(Object.keys(operation?.responses?.['200']?.headers ?? {})).toEqual(['X-Request-Id', 'Deprecation', 'Sunset', 'Link'])
  })

  it('answers with Deprecation (RFC 9745), Sunset (RFC 8594) and a deprecation link; an error answer does not', async () => {
    const ok = await app().request('/old/7')
    expect(ok.status).toBe(200)
    expect(ok.headers.get('deprecation')).toBe(`@${Date.UTC(2026, 11, 1) / 1000}`)
    expect(ok.headers.get('sunset')).toBe('Tue, 01 Jun 2027 00:00:00 GMT')
    expect(ok.headers.get('link')).toBe('</docs>; rel="deprecation"')
    const bad = await app().request('/old/x')
    expect(bad.status).toBe(400)
    expect(bad.headers.get('deprecation')).toBeNull()
  })

  it('cannot be given a sunset less than 90 days after the deprecation', () => {
    expect(() => deprecated(route, { since: '2026-12-01', sunset: '2027-01-01' })).toThrow(/90 days/)
  })
})
