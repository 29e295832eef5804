import { sign, verify } from 'hono/jwt'
import type { IssuedToken, TokenService } from '../application/ports'

const TOKEN_SECONDS = 60 * 60

export function jwtTokenService(secret: string, now: () => number = Date.now): TokenService {
  // Imported once, not on every sign and verify (hono/jwt imports a string secret each call).
  let imported: Promise<CryptoKey> | undefined
  const key = () =>
    (imported ??= crypto.subtle.importKey('raw', new TextEncoder().encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, [
      'sign',
      'verify',
    ]))
  return {
    async issue(user): Promise<IssuedToken> {
      const issuedAt = Math.floor(now() / 1000)
      const exp = issuedAt + TOKEN_SECONDS
      const token = await sign({ sub: user.id, role: user.role, iat: issuedAt, exp }, await key(), 'HS256')
      return { token, expiresAt: new Date(exp * 1000).toISOString() }
    },
    async verify(token) {
      try {
        const payload = await verify(token, await key(), 'HS256')
        return typeof payload.sub === 'string' ? payload.sub : null
      } catch {
        return null
      }
    },
  }
}
