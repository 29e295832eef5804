import { sign, verify } from 'hono/jwt'
import type { IssuedToken, TokenClaims, TokenService } from '../application/ports'

const TOKEN_SECONDS = 60 * 60
// How far the clocks of the Workers that issue and check a token may disagree.
const CLOCK_SKEW_SECONDS = 60
// Tokens whose signature was checked, kept until they expire: a client sends the same token on many requests, and the
// signature check is most of what authentication costs on the CPU. Bounded per isolate; the oldest goes first.
const VERIFIED_MAX = 1000

export function jwtTokenService(secret: string, now: () => number = Date.now): TokenService {
  // Imported once, not on every sign and verify (hono/jwt imports a string secret each call).
  let imported: Promise<CryptoKey> | undefined
  const key = () =>
    (imported ??= crypto.subtle.importKey('raw', new TextEncoder().encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, [
      'sign',
      'verify',
    ]))
  const verified = new Map<string, { claims: TokenClaims; expiresMs: number }>()
  const remember = (token: string, claims: TokenClaims, expiresMs: number) => {
    if (verified.size >= VERIFIED_MAX) verified.delete(verified.keys().next().value!)
    verified.set(token, { claims, expiresMs })
  }
  return {
    async issue(user, generation): Promise<IssuedToken> {
      const issuedAt = Math.floor(now() / 1000)
      const exp = issuedAt + TOKEN_SECONDS
      const token = await sign({ sub: user.id, role: user.role, gen: generation, iat: issuedAt, exp }, await key(), 'HS256')
      return { token, expiresAt: new Date(exp * 1000).toISOString() }
    },
    async verify(token) {
      const known = verified.get(token)
      if (known) {
        if (known.expiresMs > now()) return known.claims
        verified.delete(token)
        return null
      }
      try {
        const payload = await verify(token, await key(), 'HS256')
        // hono checks `exp` only when it is there: a token without one would never expire, so it is refused here.
        if (typeof payload.sub !== 'string' || typeof payload.exp !== 'number') return null
        // Nothing this API issues lives longer than an hour or starts in the future: such a token was not made by it.
        const latest = Math.floor(now() / 1000) + CLOCK_SKEW_SECONDS
        if (payload.exp > latest + TOKEN_SECONDS) return null
        if (typeof payload.iat === 'number' && payload.iat > latest) return null
        // Tokens from before sign-out existed carry no generation: they belong to the first one.
        const claims = {
          userId: payload.sub,
          generation: typeof payload.gen === 'number' ? payload.gen : 0,
          // Without iat, a token is never a recent login.
          issuedAt: typeof payload.iat === 'number' ? payload.iat : 0,
        }
        remember(token, claims, payload.exp * 1000)
        return claims
      } catch {
        return null
      }
    },
  }
}
