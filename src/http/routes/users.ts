import type { OpenAPIHono } from '@hono/zod-openapi'
import * as users from '../../application/manage-users'
import { createUser, deleteUser, getUser, listUsers, replaceUser, updateUser } from '../../contract/users'
import type { AppEnv } from '../app-env'
import { actor, requireAuth } from '../auth'
import { conditionalGet, ifMatchVersions, listTag, publicCache, tagged, untagged } from '../cache'
import { deps } from '../composition'
import { dataBody, listBody } from '../envelope'
import { idempotent } from '../idempotency'
import { nextCursor, pageRequest } from '../pagination'
import { cachedRead, invalidate } from '../worker-cache'

export function userRoutes(app: OpenAPIHono<AppEnv>) {
  app.openapi({ ...listUsers, middleware: [conditionalGet] }, async (c) => {
    const request = pageRequest(c, c.req.valid('query'), 'users')
    const page = await users.listUsers(deps(c), request)
    const next = nextCursor(page, request, 'users', (user, sort) => (sort === 'name' ? user.name : user.createdAt))
    const body = listBody(c, { ...page, items: page.items.map(untagged) }, next)
    await listTag(c, page)
    return c.json(body, 200)
  })

  app.openapi({ ...getUser, middleware: [conditionalGet] }, async (c) => {
    const user = await cachedRead(c, () => users.getUser(deps(c), c.req.valid('param').id))
    publicCache(c)
    return c.json(dataBody(c, tagged(c, user)), 200)
  })

  app.openapi({ ...createUser, middleware: [requireAuth, idempotent] }, async (c) => {
    const user = await users.createUser(deps(c), actor(c), c.req.valid('json'))
    c.header('Location', `/api/users/${user.id}`)
    return c.json(dataBody(c, tagged(c, user)), 201)
  })

  app.openapi({ ...replaceUser, middleware: [requireAuth] }, async (c) => {
    const ifVersion = ifMatchVersions(c.req.valid('header')['If-Match'])
    const user = await users.replaceUser(deps(c), actor(c), c.req.valid('param').id, c.req.valid('json'), ifVersion)
    await invalidate(c, [`/api/users/${user.id}`])
    return c.json(dataBody(c, tagged(c, user)), 200)
  })

  app.openapi({ ...updateUser, middleware: [requireAuth] }, async (c) => {
    const ifVersion = ifMatchVersions(c.req.valid('header')['If-Match'])
    const user = await users.updateUser(deps(c), actor(c), c.req.valid('param').id, c.req.valid('json'), ifVersion)
    await invalidate(c, [`/api/users/${user.id}`])
    return c.json(dataBody(c, tagged(c, user)), 200)
  })

  app.openapi({ ...deleteUser, middleware: [requireAuth] }, async (c) => {
    const { id } = c.req.valid('param')
    const removed = await users.deleteUser(deps(c), actor(c), id, ifMatchVersions(c.req.valid('header')['If-Match']))
    await invalidate(c, [`/api/users/${id}`, ...removed.posts.map((postId) => `/api/posts/${postId}`)])
    c.get('logger').info('user.deleted', { userId: id, posts: removed.posts.length })
    return c.body(null, 204)
  })
}
