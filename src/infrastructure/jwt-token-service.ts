import { sign, verify } from 'hono/jwt'
import type { IssuedToken, TokenService } from '../application/ports'

const TOKEN_SECONDS = 60 * 60

export function jwtTokenService(secret: string, now: () => number = Date.now): TokenService {
  return {
    async issue(user): Promise<IssuedToken> {
      const issuedAt = Math.floor(now() / 1000)
      const exp = issuedAt + TOKEN_SECONDS
      const token = await sign({ sub: user.id, role: user.role, iat: issuedAt, exp }, secret, 'HS256')
      return { token, expiresAt: new Date(exp * 1000).toISOString() }
    },
    async verify(token) {
      try {
        const payload = await verify(token, secret, 'HS256')
        return typeof payload.sub === 'string' ? payload.sub : null
      } catch {
        return null
      }
    },
  }
}
