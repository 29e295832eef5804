import { createUser, deleteUser, getUser, listUsers, replaceUser, updateUser } from '../application/users'
import type { userOperations } from '../contract/users'
import { requestDeps } from '../runtime/composition'
import { access } from './middleware/authentication'
import { noStore, publicCache } from './cache-control'
import { nextCursor, pageRequest } from './cursors'
import { dataBody, listBody } from './envelope'
import { ifMatchVersions, listTag, tagged, untagged } from './etags'
import type { Handlers } from './handlers'
import { cachedRead, invalidate, invalidateAll } from './worker-cache'

const userSorts = ['createdAt', 'name'] as const

export const userHandlers: Handlers<typeof userOperations> = {
  async listUsers(c) {
    const request = pageRequest(c.req.valid('query'), 'users', userSorts)
    const page = await listUsers(requestDeps(c), request)
    const next = nextCursor(page, request, 'users', (user, sort) => (sort === 'name' ? user.name : user.createdAt))
    const body = listBody(c, { ...page, items: page.items.map(untagged) }, next)
    await listTag(c, page)
    return c.json(body, 200)
  },

  async getUser(c) {
    const user = await cachedRead(c, () => getUser(requestDeps(c), c.req.valid('param').id))
    publicCache(c)
    return c.json(dataBody(c, tagged(c, user)), 200)
  },

  async createUser(c) {
    const user = await createUser(requestDeps(c), access(c), c.req.valid('json'))
    // The full record, email included: private, like every answer that carries one.
    noStore(c)
    c.header('Location', `/api/users/${user.id}`)
    return c.json(dataBody(c, tagged(c, user)), 201)
  },

  async replaceUser(c) {
    const ifVersion = ifMatchVersions(c.req.valid('header')['If-Match'])
    const user = await replaceUser(requestDeps(c), access(c), c.req.valid('param').id, c.req.valid('json'), ifVersion)
    noStore(c)
    await invalidate(c, [`/api/users/${user.id}`])
    return c.json(dataBody(c, tagged(c, user)), 200)
  },

  async updateUser(c) {
    const ifVersion = ifMatchVersions(c.req.valid('header')['If-Match'])
    const user = await updateUser(requestDeps(c), access(c), c.req.valid('param').id, c.req.valid('json'), ifVersion)
    noStore(c)
    await invalidate(c, [`/api/users/${user.id}`])
    return c.json(dataBody(c, tagged(c, user)), 200)
  },

  async deleteUser(c) {
    const { id } = c.req.valid('param')
    const removed = await deleteUser(requestDeps(c), access(c), id, ifMatchVersions(c.req.valid('header')['If-Match']))
    // The user and every post of theirs: a new cache generation stales them all at once, however many posts there were;
    // the user's own copy is purged too, so it is gone even where the new generation could not be written.
    await Promise.all([invalidateAll(c), invalidate(c, [`/api/users/${id}`])])
    c.get('logger').info('user.deleted', { userId: id, posts: removed.posts.length })
    return c.body(null, 204)
  },
}
