// What a hostile tester tried in round 2, each as it was tried: through the Worker, with curl-like requests.
import { createExecutionContext, env } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import { createApp } from '../../src/app'
import { call, client, json, PASSWORD, register } from './support/api'
import { assertConforms } from './support/contract'

type ErrorJson = { error: { code: string; details?: { field: string; in: string }[]; omittedDetails?: number; docs: string } }
const from = (ip: string) => ({ 'CF-Connecting-IP': ip })
const lockOf = (id: string) =>
  env.DB.prepare('SELECT failed_logins AS failed, locked_until AS until FROM users WHERE id = ?')
    .bind(id)
    .first<{ failed: number; until: number | null }>()

/** A login as an attacker sends it: any JSON content type, from an address of their choosing. */
const guess = (email: string, password: string, contentType: string, ip: string) =>
  call('/api/auth/login', {
    method: 'POST',
    headers: { 'content-type': contentType, ...from(ip) },
    body: JSON.stringify({ email, password }),
  })

describe('password guessing', () => {
  it('rotating addresses and JSON content types, an attacker gets 5 guesses at an account; the 6th, even right, is a 429', async () => {
    const victim = await register()
    const types = [
      'application/json',
      'application/vnd.api+json',
      'application/x+json',
      'application/json; charset=utf-8',
      'Application/JSON',
    ]
    const statuses: number[] = []
    for (let i = 0; i < 25; i++) {
      const password = i === 5 || i === 24 ? PASSWORD : `wrong-${i}`
      statuses.push((await guess(victim.user.email.toUpperCase(), password, types[i % types.length]!, `203.0.113.${i + 1}`)).status)
    }
    expect(statuses.slice(0, 5)).toEqual([401, 401, 401, 401, 401])
    // The right password, while the account is locked, is not evaluated: no 200 anywhere after the lock.
    expect(statuses.slice(5)).toEqual(Array(20).fill(429))
    expect((await lockOf(victim.user.id))?.failed).toBe(5)
  })

  it("a reused Idempotency-Key is no password oracle: with the owner's key, wrong guesses are counted 401s, never a 422 beside a right one's replay", async () => {
    const victim = await register()
    const key = crypto.randomUUID()
    const login = (password: string, ip: string) =>
      json('POST', '/api/auth/login', { email: victim.user.email, password }, { 'Idempotency-Key': key, ...from(ip) })
    expect((await login(PASSWORD, '198.51.100.1')).status).toBe(200)
    const statuses: number[] = []
    for (let i = 0; i < 8; i++) statuses.push((await login(`wrong-${i}`, `198.51.100.${i + 10}`)).status)
    // The same answers as without a key: five evaluated wrong guesses, then the account's lock.
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429, 429, 429])
    expect((await lockOf(victim.user.id))?.failed).toBe(5)
    // While the account is locked, the right password under the owner's key is no replay either: the same 429.
    const right = await login(PASSWORD, '198.51.100.99')
    expect(right.status).toBe(429)
    expect(right.headers.get('idempotent-replayed')).toBeNull()
  })

  it('parallel guesses cannot slip past the lock: at most 5 of 20 are evaluated', async () => {
    const victim = await register()
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) => guess(victim.user.email, `wrong-${i}`, 'application/json', `198.51.100.${i + 1}`)),
    )
    const statuses = answers.map((response) => response.status)
    expect(statuses.filter((status) => status === 401).length).toBeLessThanOrEqual(5)
    expect(statuses.filter((status) => status === 429).length).toBeGreaterThanOrEqual(15)
  })

  it("the owner's side (docs/decisions.md): locked out only while failures keep coming; tokens keep working; a success resets the count", async () => {
    const owner = await register()
    for (let i = 0; i < 5; i++) await guess(owner.user.email, `wrong-${i}`, 'application/json', `192.0.2.${i + 10}`)
    const locked = await guess(owner.user.email, PASSWORD, 'application/json', '192.0.2.50')
    expect(locked.status).toBe(429)
    const wait = Number(locked.headers.get('retry-after'))
    expect(wait).toBeGreaterThan(50)
    expect(wait).toBeLessThanOrEqual(60)
    // A session the owner already has is untouched by the lock.
    expect((await client(owner.token).GET('/api/profile')).response.status).toBe(200)
    // When the lock lapses, the right password works and clears the count.
    await env.DB.prepare('UPDATE users SET locked_until = ? WHERE id = ?')
      .bind(Date.now() - 1, owner.user.id)
      .run()
    expect((await guess(owner.user.email, PASSWORD, 'application/json', '192.0.2.51')).status).toBe(200)
    await expect.poll(async () => (await lockOf(owner.user.id))?.failed).toBe(0)
  })

  it('an attacker who keeps failing waits longer each time: 1, then 2 minutes', async () => {
    const victim = await register()
    for (let i = 0; i < 5; i++) await guess(victim.user.email, `wrong-${i}`, 'application/json', `192.0.2.${i + 100}`)
    const first = (await lockOf(victim.user.id))!.until! - Date.now()
    await env.DB.prepare('UPDATE users SET locked_until = ? WHERE id = ?')
      .bind(Date.now() - 1, victim.user.id)
      .run()
    for (let i = 0; i < 5; i++) await guess(victim.user.email, `again-${i}`, 'application/json', `192.0.2.${i + 110}`)
    const second = (await lockOf(victim.user.id))!.until! - Date.now()
    expect(first).toBeLessThanOrEqual(60_000)
    expect(first).toBeGreaterThan(50_000)
    expect(second).toBeGreaterThan(110_000)
    expect(second).toBeLessThanOrEqual(120_000)
  })
})

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
