import { env } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import { outbox } from '../../src/infrastructure/email'
import { call, client, json, PASSWORD, register, uniqueEmail } from './support/api'

const NO_STORE = 'private, no-cache, no-store, must-revalidate'

describe('register', () => {
  it('creates a user with role user, returns a token, Location and no-store', async () => {
    const email = uniqueEmail('reg')
    const { data, response } = await client().POST('/api/auth/register', { body: { email, name: 'Reg', password: PASSWORD } })
    expect(response.status).toBe(201)
    expect(response.headers.get('cache-control')).toBe(NO_STORE)
    expect(response.headers.get('location')).toBe(`/api/users/${data?.data.user.id}`)
    expect(data?.data).toMatchObject({ tokenType: 'Bearer', user: { email, name: 'Reg', role: 'user' } })
    expect(Date.parse(data!.data.expiresAt) - Date.now()).toBeGreaterThan(59 * 60 * 1000)
  })

  it('keeps the email as written; another case of it is a 409 CONFLICT, and login ignores case', async () => {
    const email = uniqueEmail('Case')
    const first = await register({ email })
    expect(first.user.email).toBe(email)
    const { error, response } = await client().POST('/api/auth/register', {
      body: { email: email.toUpperCase(), name: 'Dup', password: PASSWORD },
    })
    expect(response.status).toBe(409)
    expect(error?.error.code).toBe('CONFLICT')
    const login = await client().POST('/api/auth/login', { body: { email: email.toLowerCase(), password: PASSWORD } })
    expect(login.response.status).toBe(200)
    expect(login.data?.data.user.email).toBe(email)
  })

  it('an email with spaces around it is a 400 (the pattern says so), never trimmed into another address', async () => {
    const { error, response } = await client().POST('/api/auth/register', {
      body: { email: ` ${uniqueEmail()} `, name: 'Spaced', password: PASSWORD },
    })
    expect(response.status).toBe(400)
    expect(error?.error.details?.[0]).toMatchObject({ field: 'email', in: 'body' })
  })

  it('two racing registrations with one email: exactly one 201 and one 409, never a 500', async () => {
    const email = uniqueEmail('race')
    const attempts = await Promise.all(
      [1, 2, 3].map(() => json('POST', '/api/auth/register', { email, name: 'Racer', password: PASSWORD })),
    )
    expect(attempts.map((r) => r.status).sort()).toEqual([201, 409, 409])
  })

  it.each([
    ['a 7-character password', { password: 'short12' }, 'password'],
    ['a 129-character password', { password: 'x'.repeat(129) }, 'password'],
    ['a bad email', { email: 'not-an-email' }, 'email'],
    ['an empty name', { name: '   ' }, 'name'],
  ])('rejects %s with 400 naming the field', async (_what, override, field) => {
    const response = await json('POST', '/api/auth/register', { email: uniqueEmail(), name: 'N', password: PASSWORD, ...override })
    expect(response.status).toBe(400)
    const body = await response.json<{ error: { details: { field: string }[] } }>()
    expect(body.error.details.map((d) => d.field)).toContain(field)
  })

  it('accepts 8 and 128 character passwords', async () => {
    for (const password of ['12345678', 'p'.repeat(128)]) {
      expect((await json('POST', '/api/auth/register', { email: uniqueEmail(), name: 'Edge', password })).status).toBe(201)
    }
  })

  it('stores a salted PBKDF2-SHA256 hash, never the password', async () => {
    const a = await register()
    const b = await register()
    const rows = await env.DB.prepare('SELECT password_hash FROM users WHERE id IN (?, ?)')
      .bind(a.user.id, b.user.id)
      .all<{ password_hash: string }>()
    const hashes = rows.results.map((r) => r.password_hash)
    for (const hash of hashes) {
      expect(hash).toMatch(/^pbkdf2-sha256\$100000\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/)
      expect(hash).not.toContain(PASSWORD)
    }
    expect(hashes[0]).not.toBe(hashes[1])
  })

  it('records a welcome email without making the response wait for it', async () => {
    const session = await register()
    // waitUntil work may finish just after the response; give it a moment.
    await new Promise((resolve) => setTimeout(resolve, 20))
    expect(outbox.some((mail) => mail.to === session.user.email && mail.template === 'welcome')).toBe(true)
  })
})

describe('login', () => {
  it('returns a token that works on /api/profile', async () => {
    const session = await register()
    const { data, response } = await client().POST('/api/auth/login', {
      body: { email: session.user.email.toUpperCase(), password: PASSWORD },
    })
    expect(response.status).toBe(200)
    expect(response.headers.get('cache-control')).toBe(NO_STORE)
    const profile = await client(data?.data.token).GET('/api/profile')
    expect(profile.data?.data).toEqual(session.user)
  })

  it('answers an unknown email and a wrong password with the same 401', async () => {
    const session = await register()
    const wrong = await client().POST('/api/auth/login', { body: { email: session.user.email, password: 'wrong-password' } })
    const unknown = await client().POST('/api/auth/login', { body: { email: uniqueEmail('ghost'), password: PASSWORD } })
    expect(wrong.response.status).toBe(401)
    expect(unknown.response.status).toBe(401)
    expect(wrong.error?.error.code).toBe('INVALID_CREDENTIALS')
    expect(unknown.error?.error).toEqual(wrong.error?.error)
  })
})

describe('profile', () => {
  it('is private and never cached', async () => {
    const session = await register()
    const { response, data } = await client(session.token).GET('/api/profile')
    expect(response.status).toBe(200)
    expect(response.headers.get('cache-control')).toBe(NO_STORE)
    expect(data?.data.email).toBe(session.user.email)
  })

  it('takes the scheme name in any case and after it one space or more (RFC 9110: bearer, BEARER), as the security scheme says', async () => {
    const session = await register()
    for (const scheme of ['bearer ', 'BEARER ', 'bEaReR ', 'Bearer   ']) {
      const response = await call('/api/profile', { headers: { Authorization: `${scheme}${session.token}` } })
      expect(response.status, scheme).toBe(200)
      expect((await response.json<{ data: { id: string } }>()).data.id).toBe(session.user.id)
    }
  })
})
