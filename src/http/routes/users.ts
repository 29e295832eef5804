import type { OpenAPIHono } from '@hono/zod-openapi'
import * as users from '../../application/manage-users'
import { createUser, deleteUser, getUser, listUsers, replaceUser, updateUser } from '../../contract/users'
import type { AppEnv } from '../app-env'
import { actor, requireAuth } from '../auth'
import { cacheable, conditionalGet } from '../cache'
import { deps } from '../composition'
import { dataBody, listBody } from '../envelope'

export function userRoutes(app: OpenAPIHono<AppEnv>) {
  app.openapi({ ...listUsers, middleware: [conditionalGet] }, async (c) => {
    const page = await users.listUsers(deps(c), c.req.valid('query'))
    const body = listBody(c, page)
    await cacheable(c, [body.data, page.total, page.page, page.pageSize])
    return c.json(body, 200)
  })

  app.openapi({ ...getUser, middleware: [conditionalGet] }, async (c) => {
    const user = await users.getUser(deps(c), c.req.valid('param').id)
    await cacheable(c, user)
    return c.json(dataBody(c, user), 200)
  })

  app.openapi({ ...createUser, middleware: [requireAuth] }, async (c) => {
    const user = await users.createUser(deps(c), actor(c), c.req.valid('json'))
    c.header('Location', `/api/users/${user.id}`)
    return c.json(dataBody(c, user), 201)
  })

  app.openapi({ ...replaceUser, middleware: [requireAuth] }, async (c) => {
    const user = await users.replaceUser(deps(c), actor(c), c.req.valid('param').id, c.req.valid('json'))
    return c.json(dataBody(c, user), 200)
  })

  app.openapi({ ...updateUser, middleware: [requireAuth] }, async (c) => {
    const user = await users.updateUser(deps(c), actor(c), c.req.valid('param').id, c.req.valid('json'))
    return c.json(dataBody(c, user), 200)
  })

  app.openapi({ ...deleteUser, middleware: [requireAuth] }, async (c) => {
    const removed = await users.deleteUser(deps(c), actor(c), c.req.valid('param').id)
    c.get('logger').info('user.deleted', { userId: c.req.valid('param').id, posts: removed.posts })
    return c.body(null, 204)
  })
}
