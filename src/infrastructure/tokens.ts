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
    async issue(user, generation): Promise<IssuedToken> {
      const issuedAt = Math.floor(now() / 1000)
      const exp = issuedAt + TOKEN_SECONDS
      const token = await sign({ sub: user.id, role: user.role, gen: generation, iat: issuedAt, exp }, await key(), 'HS256')
      return { token, expiresAt: new Date(exp * 1000).toISOString() }
    },
    async verify(token) {
      try {
        const payload = await verify(token, await key(), 'HS256')
        // hono checks `exp` only when it is there: a token without one would never expire, so it is refused here.
        if (typeof payload.sub !== 'string' || typeof payload.exp !== 'number') return null
        // Tokens from before sign-out existed carry no generation: they belong to the first one.
        return { userId: payload.sub, generation: typeof payload.gen === 'number' ? payload.gen : 0 }
      } catch {
        return null
      }
    },
  }
}
