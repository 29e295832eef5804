import { sign } from 'hono/jwt'
import { describe, expect, it } from 'vitest'
import { jwtTokenService } from '../../../src/infrastructure/tokens'

const SECRET = 'a-test-secret-of-at-least-32-characters!'

describe('login tokens', () => {
  it('a token checked once is taken again without a new check only until it expires', async () => {
    // Issued now (the signature check itself reads the real clock), then judged at later instants.
    let now = Date.now()
    const tokens = jwtTokenService(SECRET, () => now)
    const { token, expiresAt } = await tokens.issue({ id: 'user-1', role: 'user' }, 3)
    const claims = { userId: 'user-1', generation: 3, issuedAt: Math.floor(now / 1000) }
    expect(await tokens.verify(token)).toEqual(claims)
    now = Date.parse(expiresAt) - 1
    expect(await tokens.verify(token)).toEqual(claims)
    now = Date.parse(expiresAt)
    expect(await tokens.verify(token)).toBeNull()
  })

  it('a token with the right signature but a life longer than an hour, or issued in the future, is refused', async () => {
    const tokens = jwtTokenService(SECRET)
    const key = await crypto.subtle.importKey('raw', new TextEncoder().encode(SECRET), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign'])
    const nowSeconds = Math.floor(Date.now() / 1000)
    const signed = (claims: object) => sign({ sub: 'user-1', gen: 0, ...claims }, key, 'HS256')
    expect(await tokens.verify(await signed({ iat: nowSeconds, exp: nowSeconds + 10 * 365 * 86_400 }))).toBeNull()
    expect(await tokens.verify(await signed({ exp: nowSeconds + 2 * 3600 }))).toBeNull()
    expect(await tokens.verify(await signed({ iat: nowSeconds + 3600, exp: nowSeconds + 3000 }))).toBeNull()
    expect(await tokens.verify(await signed({ iat: nowSeconds - 60, exp: nowSeconds + 3540 }))).not.toBeNull()
  })

  it('a token signed with another secret, or altered, is refused (and never remembered)', async () => {
    const tokens = jwtTokenService(SECRET)
    const foreign = await jwtTokenService('another-secret-of-at-least-32-characters').issue({ id: 'user-1', role: 'admin' }, 0)
    expect(await tokens.verify(foreign.token)).toBeNull()
    const { token } = await tokens.issue({ id: 'user-1', role: 'user' }, 0)
    const [header, , signature] = token.split('.')
    const forged = `${header}.${btoa(JSON.stringify({ sub: 'user-2', gen: 0, exp: 4102444800 })).replace(/=+$/, '')}.${signature}`
    expect(await tokens.verify(forged)).toBeNull()
    expect(await tokens.verify(forged)).toBeNull()
  })
})
