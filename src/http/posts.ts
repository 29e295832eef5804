import { createUserPost, deleteUserPost, getPost, listPosts, listUserPosts, updateUserPost } from '../application/posts'
import type { postOperations } from '../contract/posts'
import { requestDeps } from '../runtime/composition'
import { access } from './middleware/authentication'
import { publicCache } from './cache-control'
import { nextCursor, pageRequest } from './cursors'
import { dataBody, listBody } from './envelope'
import { ifMatchVersions, listTag, tagged, untagged } from './etags'
import type { Handlers } from './handlers'
import { cachedRead, invalidate } from './worker-cache'

const postSorts = ['createdAt', 'title'] as const
const postSortValue = (post: { title: string; createdAt: string }, sort: 'createdAt' | 'title') =>
  sort === 'title' ? post.title : post.createdAt

export const postHandlers: Handlers<typeof postOperations> = {
  async listPosts(c) {
    const query = c.req.valid('query')
    const request = pageRequest(query, 'posts', postSorts, { authorId: query.authorId })
    const page = await listPosts(requestDeps(c), { ...request, authorId: request.filters.authorId })
    const body = listBody(c, { ...page, items: page.items.map(untagged) }, nextCursor(page, request, 'posts', postSortValue))
    await listTag(c, page)
    return c.json(body, 200)
  },

  async getPost(c) {
    const post = await cachedRead(c, () => getPost(requestDeps(c), c.req.valid('param').id))
    publicCache(c)
    return c.json(dataBody(c, tagged(c, post)), 200)
  },

  async listUserPosts(c) {
    const { id } = c.req.valid('param')
    const listing = `users/${id}/posts`
    const request = pageRequest(c.req.valid('query'), listing, postSorts)
    const page = await listUserPosts(requestDeps(c), id, request)
    const body = listBody(c, { ...page, items: page.items.map(untagged) }, nextCursor(page, request, listing, postSortValue))
    await listTag(c, page)
    return c.json(body, 200)
  },

  async createUserPost(c) {
    const post = await createUserPost(requestDeps(c), access(c), c.req.valid('param').id, c.req.valid('json'))
    c.header('Location', `/api/posts/${post.id}`)
    return c.json(dataBody(c, tagged(c, post)), 201)
  },

  async updateUserPost(c) {
    const { id, postId } = c.req.valid('param')
    const ifVersion = ifMatchVersions(c.req.valid('header')['If-Match'])
    const post = await updateUserPost(requestDeps(c), access(c), id, postId, c.req.valid('json'), ifVersion)
    await invalidate(c, [`/api/posts/${postId}`])
    return c.json(dataBody(c, tagged(c, post)), 200)
  },

  async deleteUserPost(c) {
    const { id, postId } = c.req.valid('param')
    await deleteUserPost(requestDeps(c), access(c), id, postId, ifMatchVersions(c.req.valid('header')['If-Match']))
    await invalidate(c, [`/api/posts/${postId}`])
    return c.body(null, 204)
  },
}
