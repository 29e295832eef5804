import type { OpenAPIHono } from '@hono/zod-openapi'
import { logIn } from '../../application/log-in'
import { registerUser } from '../../application/register-user'
import { getProfile, login, register } from '../../contract/auth'
import type { AppEnv } from '../app-env'
import { actor, requireAuth } from '../auth'
import { noStore, tagged, untagged } from '../cache'
import { deps } from '../composition'
import { dataBody } from '../envelope'
import { idempotent } from '../idempotency'
import { authRateLimit } from '../rate-limit'

export function authRoutes(app: OpenAPIHono<AppEnv>) {
  app.openapi({ ...register, middleware: [authRateLimit, idempotent] }, async (c) => {
    const session = await registerUser(deps(c), c.req.valid('json'))
    noStore(c)
    c.header('Location', `/api/users/${session.user.id}`)
    return c.json(dataBody(c, { ...session, user: untagged(session.user), tokenType: 'Bearer' as const }), 201)
  })

  app.openapi({ ...login, middleware: [authRateLimit, idempotent] }, async (c) => {
    const session = await logIn(deps(c), c.req.valid('json'))
    noStore(c)
    return c.json(dataBody(c, { ...session, user: untagged(session.user), tokenType: 'Bearer' as const }), 200)
  })

  app.openapi({ ...getProfile, middleware: [requireAuth] }, async (c) => {
    noStore(c)
    return c.json(dataBody(c, tagged(c, actor(c))), 200)
  })
}
