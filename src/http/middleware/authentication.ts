import type { Context } from 'hono'
import { createMiddleware } from 'hono/factory'
import { identify, recordKeyUse } from '../../application/auth'
import type { Access, Principal } from '../../domain/access'
import type { Scope } from '../../domain/api-key'
import { unauthorized } from '../../domain/errors'
import { isolateServices, requestDeps, verifyToken } from '../../runtime/composition'
import type { AppEnv } from '../app-env'
import { clientNetwork } from './client-network'

// The scheme's name is case-insensitive and may be followed by more than one space (RFC 9110, sections 11.1 and 11.4).
const BEARER = /^Bearer +([\w.-]{1,1024})$/i
const identified = new WeakMap<Context<AppEnv>, Promise<Principal | null>>()

/** Who the request's bearer credential says it is, without the database; asked by the rate limiter and by authentication. */
export function principalOf(c: Context<AppEnv>): Promise<Principal | null> {
  let found = identified.get(c)
  if (!found) {
    const bearer = BEARER.exec(c.req.header('Authorization') ?? '')?.[1]
    const { keySecrets } = isolateServices(c)
    found = bearer
      ? identify({ keySecrets, tokens: { ...isolateServices(c).tokens, verify: (t) => verifyToken(c, t) } }, bearer)
      : Promise.resolve(null)
    identified.set(c, found)
  }
  return found
}

/**
 * Requires `Authorization: Bearer <login token or API key>`: a token whose signature and expiry hold, or a key of the
 * shape this API issues, checked here without the database. The operation then confirms the caller (that they exist
 * now, with the role and the scopes the contract's `security` requirement names) in its own round trip.
 */
export function requireAuth(scopes: readonly Scope[]) {
  return createMiddleware<AppEnv>(async (c, next) => {
    const bearer = BEARER.exec(c.req.header('Authorization') ?? '')?.[1]
    if (!bearer) throw unauthorized('Send a bearer token or API key: Authorization: Bearer <token>')
    const principal = await principalOf(c)
    if (!principal) {
      const isKey = isolateServices(c).keySecrets.looksLikeKey(bearer)
      throw unauthorized(
        isKey ? 'The API key is not valid (unknown, revoked, or its owner was deleted)' : 'The token is invalid or expired',
      )
    }
    const granted: Access = { principal, scopes, now: Date.now(), address: clientNetwork(c) }
    c.set('access', granted)
    await next()
    recordKeyUse(requestDeps(c), granted.confirmed, granted.now)
  })
}

/** The request's credential, for the operation to confirm. */
export function access(c: Context<AppEnv>): Access {
  const found = c.get('access')
  if (!found) throw unauthorized()
  return found
}
