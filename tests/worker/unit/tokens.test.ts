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
