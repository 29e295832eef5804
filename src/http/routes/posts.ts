import type { OpenAPIHono } from '@hono/zod-openapi'
import * as posts from '../../application/manage-posts'
import { createUserPost, deleteUserPost, getPost, listPosts, listUserPosts, updateUserPost } from '../../contract/posts'
import type { AppEnv } from '../app-env'
import { actor, requireAuth } from '../auth'
import { conditionalGet, ifMatchVersions, listTag, publicCache, tagged, untagged } from '../cache'
import { deps } from '../composition'
import { dataBody, listBody } from '../envelope'
import { idempotent } from '../idempotency'
import { nextCursor, pageRequest } from '../pagination'
import { cachedRead, invalidate } from '../worker-cache'

const postSortValue = (post: { title: string; createdAt: string }, sort: 'createdAt' | 'title') =>
  sort === 'title' ? post.title : post.createdAt

export function postRoutes(app: OpenAPIHono<AppEnv>) {
  app.openapi({ ...listPosts, middleware: [conditionalGet] }, async (c) => {
    const query = c.req.valid('query')
    const scope = query.authorId ? `posts?authorId=${query.authorId}` : 'posts'
    const request = { ...pageRequest(c, query, scope), authorId: query.authorId }
    const page = await posts.listPosts(deps(c), request)
    const body = listBody(c, { ...page, items: page.items.map(untagged) }, nextCursor(page, request, scope, postSortValue))
    await listTag(c, page)
    return c.json(body, 200)
  })

  app.openapi({ ...getPost, middleware: [conditionalGet] }, async (c) => {
    const post = await cachedRead(c, () => posts.getPost(deps(c), c.req.valid('param').id))
    publicCache(c)
    return c.json(dataBody(c, tagged(c, post)), 200)
  })

  app.openapi({ ...listUserPosts, middleware: [conditionalGet] }, async (c) => {
    const { id } = c.req.valid('param')
    const scope = `users/${id}/posts`
    const request = pageRequest(c, c.req.valid('query'), scope)
    const page = await posts.listUserPosts(deps(c), id, request)
    const body = listBody(c, { ...page, items: page.items.map(untagged) }, nextCursor(page, request, scope, postSortValue))
    await listTag(c, page)
    return c.json(body, 200)
  })

  app.openapi({ ...createUserPost, middleware: [requireAuth, idempotent] }, async (c) => {
    const post = await posts.createPost(deps(c), actor(c), c.req.valid('param').id, c.req.valid('json'))
    c.header('Location', `/api/posts/${post.id}`)
    return c.json(dataBody(c, tagged(c, post)), 201)
  })

  app.openapi({ ...updateUserPost, middleware: [requireAuth] }, async (c) => {
    const { id, postId } = c.req.valid('param')
    const ifVersion = ifMatchVersions(c.req.valid('header')['If-Match'])
    const post = await posts.updatePost(deps(c), actor(c), id, postId, c.req.valid('json'), ifVersion)
    await invalidate(c, [`/api/posts/${postId}`])
    return c.json(dataBody(c, tagged(c, post)), 200)
  })

  app.openapi({ ...deleteUserPost, middleware: [requireAuth] }, async (c) => {
    const { id, postId } = c.req.valid('param')
    await posts.deletePost(deps(c), actor(c), id, postId, ifMatchVersions(c.req.valid('header')['If-Match']))
    await invalidate(c, [`/api/posts/${postId}`])
    return c.body(null, 204)
  })
}
