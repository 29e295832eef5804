// What a hostile tester tried in round 2, each as it was tried: through the Worker, with curl-like requests.
import { createExecutionContext, env } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import { createApp } from '../../src/app'
import { call, json, PASSWORD, register } from './support/api'
import { assertConforms } from './support/contract'

type ErrorJson = { error: { code: string; details?: { field: string; in: string }[]; omittedDetails?: number; docs: string } }
const from = (ip: string) => ({ 'CF-Connecting-IP': ip })

describe('input that cannot be stored as sent', () => {
  it.each([
    ['a title', 'title'],
    ['a body', 'body'],
  ])('lone surrogates in %s are a 400, so nothing comes back longer than the document allows', async (_what, field) => {
    const author = await register()
    const text = JSON.stringify({ title: 'T', body: 'B', [field]: '\ud800'.repeat(200) })
    const response = await call(`/api/users/${author.user.id}/posts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', Authorization: `Bearer ${author.token}` },
      body: text,
    })
    expect(response.status).toBe(400)
    expect((await response.json<ErrorJson>()).error.details?.[0]).toMatchObject({ field, in: 'body' })
  })

  it('lone surrogates in a name or a password are a 400 at registration', async () => {
    for (const body of [
      { email: `s-${crypto.randomUUID()}@example.com`, name: 'A\udc00B', password: PASSWORD },
      { email: `s-${crypto.randomUUID()}@example.com`, name: 'Name', password: `${PASSWORD}\ud83d` },
    ]) {
      const response = await json('POST', '/api/auth/register', body)
      expect(response.status).toBe(400)
    }
  })

  it('well-formed astral text (an emoji pair) is fine and comes back exactly as sent', async () => {
    const author = await register()
    const title = '🦄 ok'
    const made = await json(
      'POST',
      `/api/users/${author.user.id}/posts`,
      { title, body: ' spaced ' },
      { Authorization: `Bearer ${author.token}` },
    )
    expect(made.status).toBe(201)
    expect((await made.json<{ data: { title: string; body: string } }>()).data).toMatchObject({ title, body: ' spaced ' })
  })
})

describe('content types as RFC 9110 writes them', () => {
  it('white space before `;`, an empty parameter and any case are application/json all the same', async () => {
    const session = await register()
    const spellings = ['application/json ; charset=utf-8', 'application/json;', 'Application/JSON ;charset="utf-8"']
    for (const contentType of spellings) {
      const response = await call(`/api/users/${session.user.id}/posts`, {
        method: 'POST',
        headers: { 'content-type': contentType, Authorization: `Bearer ${session.token}` },
        body: JSON.stringify({ title: contentType, body: 'B' }),
      })
      expect(response.status, contentType).toBe(201)
      expect((await response.json<{ data: { title: string } }>()).data.title).toBe(contentType)
    }
    // And what is not JSON is still refused.
    const plain = await call('/api/auth/login', { method: 'POST', headers: { 'content-type': 'text/plain ;' }, body: '{}' })
    expect(plain.status).toBe(415)
  })
})

describe('answers of bounded size', () => {
  it('7,000 unknown keys give 20 details and a count of the rest, not a 400 KB answer', async () => {
    const author = await register()
    // Short keys, so the body stays under the 64 KiB limit, as the attacker's did.
    const junk = Object.fromEntries(Array.from({ length: 7_000 }, (_, i) => [i.toString(36), 1]))
    const response = await json(
      'POST',
      `/api/users/${author.user.id}/posts`,
      { title: 'T', body: 'B', ...junk },
      { Authorization: `Bearer ${author.token}` },
    )
    const text = await response.text()
    expect(response.status).toBe(400)
    const body = JSON.parse(text) as ErrorJson
    expect(body.error.details).toHaveLength(20)
    expect(body.error.omittedDetails).toBe(7_000 - 20)
    expect(text.length).toBeLessThan(5_000)
  })

  it('a body where the operation takes none is not read, so never a 413 the operation does not document', async () => {
    // fetch refuses to send a body with a GET; a POST and a DELETE that take none show the same rule.
    const session = await register()
    const big = 'x'.repeat(100 * 1024)
    const signedOut = await call('/api/auth/logout', { method: 'POST', headers: { Authorization: `Bearer ${session.token}` }, body: big })
    expect(signedOut.status).toBe(204)
    const again = await register()
    const removed = await call(`/api/users/${again.user.id}`, {
      method: 'DELETE',
      headers: { Authorization: `Bearer ${again.token}`, 'If-Match': '*' },
      body: big,
    })
    expect(removed.status).toBe(204)
  })
})

describe('the Host header names nothing', () => {
  const deployed = { ...env, ENVIRONMENT: 'production', PUBLIC_ORIGIN: 'https://api.example.com' }
  const viaHost = (host: string, path: string, init: RequestInit = {}) =>
    createApp().request(
      `https://${host}${path}`,
      { ...init, headers: { ...from('192.0.2.200'), ...init.headers } },
      deployed,
      createExecutionContext(),
    )

  it('error.docs links come from PUBLIC_ORIGIN, whatever Host the request came to', async () => {
    const response = await viaHost('evil.example', '/api/users/not-a-uuid')
    await assertConforms('GET', 'https://api.example.com/api/users/not-a-uuid', response.clone())
    expect((await response.json<ErrorJson>()).error.docs).toBe('https://api.example.com/docs#error-validation-error')
  })

  it('a write under one hostname leaves no stale copy for readers under another', async () => {
    const session = await register()
    const path = `/api/users/${session.user.id}`
    await viaHost('a.example', path)
    expect((await viaHost('a.example', path)).headers.get('x-cache')).toBe('HIT')
    const renamed = await viaHost('b.example', path, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json', Authorization: `Bearer ${session.token}`, 'If-Match': '*' },
      body: JSON.stringify({ name: 'Renamed' }),
    })
    expect(renamed.status).toBe(200)
    const after = await viaHost('a.example', path)
    expect(after.headers.get('x-cache')).toBe('MISS')
    expect((await after.json<{ data: { name: string } }>()).data.name).toBe('Renamed')
  })
})
