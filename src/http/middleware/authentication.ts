import type { Context } from 'hono'
import { createMiddleware } from 'hono/factory'
import { authenticate } from '../../application/auth'
import { assertScopes, type Credential, type Scope } from '../../domain/api-key'
import { unauthorized } from '../../domain/errors'
import type { User } from '../../domain/user'
import { requestDeps } from '../../runtime/composition'
import type { AppEnv } from '../app-env'

const BEARER = /^Bearer ([\w.-]{1,1024})$/

/**
 * Requires `Authorization: Bearer <login token or API key>` naming a user that exists now, whose credential holds the
 * scopes the operation's contract requires (its `security` requirement); sets the caller and the credential.
 */
export function requireAuth(scopes: readonly Scope[]) {
  return createMiddleware<AppEnv>(async (c, next) => {
    const bearer = BEARER.exec(c.req.header('Authorization') ?? '')?.[1]
    if (!bearer) throw unauthorized('Send a bearer token or API key: Authorization: Bearer <token>')
    const { user, credential } = await authenticate(requestDeps(c), bearer)
    c.set('user', user)
    c.set('credential', credential)
    assertScopes(credential, scopes)
    await next()
  })
}

/** The signed-in caller (a User is also an Actor). */
export function actor(c: Context<AppEnv>): User {
  const found = c.get('user')
  if (!found) throw unauthorized()
  return found
}

/** What the caller's token or API key may do. */
export function credential(c: Context<AppEnv>): Credential {
  const found = c.get('credential')
  if (!found) throw unauthorized()
  return found
}
