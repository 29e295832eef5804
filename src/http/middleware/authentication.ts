import type { Context } from 'hono'
import { createMiddleware } from 'hono/factory'
import { authenticate } from '../../application/auth'
import { unauthorized } from '../../domain/errors'
import type { User } from '../../domain/user'
import type { AppEnv } from '../app-env'
import { requestDeps } from '../../runtime/composition'

/** Requires `Authorization: Bearer <jwt>` naming a user that exists now; sets `actor`. */
export const requireAuth = createMiddleware<AppEnv>(async (c, next) => {
  const match = /^Bearer ([\w-]+\.[\w-]+\.[\w-]+)$/.exec(c.req.header('Authorization') ?? '')
  if (!match?.[1]) throw unauthorized('Send a bearer token: Authorization: Bearer <token>')
  const user = await authenticate(requestDeps(c), match[1])
  c.set('user', user)
  await next()
})

/** The signed-in caller (a User is also an Actor). */
export function actor(c: Context<AppEnv>): User {
  const found = c.get('user')
  if (!found) throw unauthorized()
  return found
}
