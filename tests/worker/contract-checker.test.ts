import { createExecutionContext, env } from 'cloudflare:test'
import { Hono } from 'hono'
import { describe, expect, it } from 'vitest'
import { createApp } from '../../src/app'
import { register } from './support/api'
import { assertConforms, ContractViolation } from './support/contract'

const id = '3b241101-e2bb-4255-8caf-4136c566a962'
const meta = { timestamp: '2026-11-25T09:30:00.000Z', requestId: 'r-1' }
const user = { id, name: 'Alice', role: 'user', createdAt: meta.timestamp, updatedAt: meta.timestamp }
const headers = { 'content-type': 'application/json', 'x-request-id': 'r-1', etag: '"v1"', 'cache-control': 'public', 'x-cache': 'MISS' }
const errorHeaders = { 'content-type': 'application/json', 'x-request-id': 'r-1' }
const respond = (status: number, body: unknown, extra: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { ...(status < 400 ? headers : errorHeaders), ...extra } })

describe('the contract checker bites', () => {
  it('accepts a response the document promises', async () => {
    await expect(assertConforms('GET', `http://t/api/users/${id}`, respond(200, { data: user, meta }))).resolves.toBeUndefined()
  })

  it.each([
    [
      'an undeclared field',
      respond(200, { data: { ...user, email: 'leak@example.com' }, meta }),
      /must NOT have additional properties.*email/,
    ],
    ['a wrong type', respond(200, { data: { ...user, role: 7 }, meta }), /role/],
    ['a missing required field', respond(200, { data: { ...user, name: undefined }, meta }), /name/],
    ['an undeclared status', respond(418, { data: user, meta }), /status 418 is not declared for getUser/],
    [
      'a missing declared header',
      new Response(JSON.stringify({ data: user, meta }), { status: 200, headers: { 'content-type': 'application/json' } }),
      /required header/,
    ],
    ['another content type', respond(200, { data: user, meta }, { 'content-type': 'text/plain' }), /content-type/],
    ['an error that is not the envelope', respond(404, { message: 'nope' }), /ErrorResponse|error/],
    [
      'an undeclared header of ours',
      respond(200, { data: user, meta }, { 'x-debug-sql': 'SELECT 1' }),
      /header x-debug-sql is not declared for 200/,
    ],
    [
      'a declared header with a value its schema refuses',
      respond(200, { data: user, meta }, { 'x-cache': 'STALE' }),
      /header X-Cache: "STALE" does not match its schema/,
    ],
  ])('rejects %s', async (_what, response, message) => {
    const failure = assertConforms('GET', `http://t/api/users/${id}`, response)
    await expect(failure).rejects.toBeInstanceOf(ContractViolation)
    await expect(failure).rejects.toThrow(message)
  })

  // Each error response lists the codes it can carry: getUser's 400 is VALIDATION_ERROR only (it reads no body), its
  // 404 NOT_FOUND only.
  const error = (code: string) => ({
    error: { code, message: 'x', docs: `https://api.example.com/docs#error-${code.toLowerCase().replace(/_/g, '-')}` },
    meta,
  })
  it('accepts an error code the response lists', async () => {
    await expect(assertConforms('GET', `http://t/api/users/${id}`, respond(404, error('NOT_FOUND')))).resolves.toBeUndefined()
  })
  it.each([
    ['a code of the same status this operation never sends', 400, 'INVALID_JSON'],
    ['a code of another status', 404, 'CONFLICT'],
    ['a code no response of this operation lists', 404, 'UNAUTHORIZED'],
  ])('rejects %s', async (_what, status, code) => {
    const failure = assertConforms('GET', `http://t/api/users/${id}`, respond(status, error(code)))
    await expect(failure).rejects.toBeInstanceOf(ContractViolation)
    await expect(failure).rejects.toThrow(/\/error\/code must be equal to one of the allowed values/)
  })

  it('rejects a non-envelope answer to an undocumented path', async () => {
    await expect(assertConforms('GET', 'http://t/nope', new Response('404 Not Found', { status: 404 }))).rejects.toBeInstanceOf(
      ContractViolation,
    )
  })

  it('fails a real handler that starts leaking a field through the Worker', async () => {
    // The real app, with one handler changed to add a field the contract does not have.
    const app = new Hono()
    app.use('/api/profile', async (c, next) => {
      await next()
      const body = await c.res.json<{ data: Record<string, unknown> }>()
      c.res = new Response(JSON.stringify({ ...body, data: { ...body.data, passwordHint: 'x' } }), c.res)
    })
    app.route('/', createApp())
    const session = await register()
    const response = await app.request(
      '/api/profile',
      { headers: { Authorization: `Bearer ${session.token}` } },
      env,
      createExecutionContext(),
    )
    await expect(assertConforms('GET', 'http://t/api/profile', response)).rejects.toThrow(/passwordHint/)
  })
})
