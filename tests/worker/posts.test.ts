import { describe, expect, it } from 'vitest'
import { call, client, register, registerAdmin } from './support/api'

const userPath = (id: string) => ({ params: { path: { id } } })
/** A post's path, for a write: If-Match is required, and * writes whatever the current version is. */
const postPathWrite = (id: string, postId: string) => ({ params: { path: { id, postId }, header: { 'If-Match': '*' } } })

async function authorWithPost() {
  const author = await register()
  const { data } = await client(author.token).POST('/api/users/{id}/posts', {
    ...userPath(author.user.id),
    body: { title: 'Hello', body: 'World' },
  })
  return { author, post: data!.data }
}

describe('posts', () => {
  it('create: 201, Location /api/posts/{postId}, and the post is readable there, exactly as sent (never trimmed)', async () => {
    const author = await register()
    const { data, response } = await client(author.token).POST('/api/users/{id}/posts', {
      ...userPath(author.user.id),
      body: { title: ' Title ', body: 'Body' },
    })
    expect(response.status).toBe(201)
    expect(response.headers.get('location')).toBe(`/api/posts/${data?.data.id}`)
    expect(data?.data).toMatchObject({ authorId: author.user.id, title: ' Title ', body: 'Body' })
    const read = await client().GET('/api/posts/{id}', userPath(data!.data.id))
    expect(read.data?.data).toEqual(data?.data)
  })

  it('an admin posts as another user; posting for a missing user is 404', async () => {
    const author = await register()
    const admin = await registerAdmin()
    const made = await client(admin.token).POST('/api/users/{id}/posts', {
      ...userPath(author.user.id),
      body: { title: 'By admin', body: 'B' },
    })
    expect(made.data?.data.authorId).toBe(author.user.id)
    const missing = await client(admin.token).POST('/api/users/{id}/posts', {
      ...userPath(crypto.randomUUID()),
      body: { title: 'T', body: 'B' },
    })
    expect(missing.response.status).toBe(404)
  })

  it('PATCH edits only what is given; anonymous 401, another user 403, admin 200', async () => {
    const { author, post } = await authorWithPost()
    const other = await register()
    const admin = await registerAdmin()
    const edit = (token?: string) =>
      client(token).PATCH('/api/users/{id}/posts/{postId}', { ...postPathWrite(author.user.id, post.id), body: { title: 'Edited' } })
    expect((await edit()).response.status).toBe(401)
    expect((await edit(other.token)).response.status).toBe(403)
    const own = await edit(author.token)
    expect(own.data?.data).toMatchObject({ title: 'Edited', body: 'World' })
    expect((await edit(admin.token)).response.status).toBe(200)
  })

  it("PATCH and DELETE of a post that is not that user's are 404, and the post survives", async () => {
    const { post } = await authorWithPost()
    const admin = await registerAdmin()
    const stranger = await register()
    const wrongOwner = postPathWrite(stranger.user.id, post.id)
    expect(
      (await client(admin.token).PATCH('/api/users/{id}/posts/{postId}', { ...wrongOwner, body: { title: 'X' } })).response.status,
    ).toBe(404)
    expect((await client(stranger.token).DELETE('/api/users/{id}/posts/{postId}', wrongOwner)).response.status).toBe(404)
    expect((await client().GET('/api/posts/{id}', userPath(post.id))).data?.data.title).toBe('Hello')
  })

  it('DELETE: 204, then 404', async () => {
    const { author, post } = await authorWithPost()
    const { response } = await client(author.token).DELETE('/api/users/{id}/posts/{postId}', postPathWrite(author.user.id, post.id))
    expect(response.status).toBe(204)
    expect((await client().GET('/api/posts/{id}', userPath(post.id))).response.status).toBe(404)
    expect(
      (await client(author.token).DELETE('/api/users/{id}/posts/{postId}', postPathWrite(author.user.id, post.id))).response.status,
    ).toBe(404)
  })

  it('PATCH with an empty body or an unknown field is 400', async () => {
    const { author, post } = await authorWithPost()
    const empty = await client(author.token).PATCH('/api/users/{id}/posts/{postId}', {
      ...postPathWrite(author.user.id, post.id),
      body: {},
    })
    expect(empty.response.status).toBe(400)
    const unknown = await call(`/api/users/${author.user.id}/posts/${post.id}`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json', Authorization: `Bearer ${author.token}`, 'If-Match': '*' },
      body: JSON.stringify({ title: 'T', authorId: 'someone-else' }),
    })
    expect(unknown.status).toBe(400)
    expect((await unknown.json<{ error: { details: unknown[] } }>()).error.details).toEqual([
      { field: 'authorId', message: 'authorId is not a field of this operation', in: 'body' },
    ])
    // Neither changed the post.
    expect((await client().GET('/api/posts/{id}', { params: { path: { id: post.id } } })).data?.data.title).toBe(post.title)
  })

  it('GET /api/posts?authorId= filters by author', async () => {
    const { author } = await authorWithPost()
    await authorWithPost()
    const { data } = await client().GET('/api/posts', { params: { query: { authorId: author.user.id } } })
    expect(data?.meta.total).toBe(1)
    expect(data?.data.every((p) => p.authorId === author.user.id)).toBe(true)
  })
})

describe('pagination', () => {
  async function authorWith(n: number) {
    const author = await register()
    for (let i = 0; i < n; i++) {
      await client(author.token).POST('/api/users/{id}/posts', {
        ...userPath(author.user.id),
        body: { title: `Post ${String(i).padStart(2, '0')}`, body: 'B' },
      })
    }
    return author
  }

  it('meta is right on the first page, the last (partial) page and past the end', async () => {
    const author = await authorWith(5)
    const page = (n: number) =>
      client().GET('/api/users/{id}/posts', { params: { path: { id: author.user.id }, query: { page: n, pageSize: 2 } } })
    const first = await page(1)
    expect(first.data?.meta).toMatchObject({ page: 1, pageSize: 2, total: 5, totalPages: 3 })
    expect(first.data?.data).toHaveLength(2)
    const last = await page(3)
    expect(last.data?.meta).toMatchObject({ page: 3, total: 5, totalPages: 3 })
    expect(last.data?.data).toHaveLength(1)
    const past = await page(4)
    expect(past.response.status).toBe(200)
    expect(past.data?.data).toEqual([])
    expect(past.data?.meta).toMatchObject({ page: 4, total: 5, totalPages: 3 })
  })

  it('pages do not overlap and cover every item once', async () => {
    const author = await authorWith(5)
    const ids: string[] = []
    for (const n of [1, 2, 3]) {
      const { data } = await client().GET('/api/users/{id}/posts', {
        params: { path: { id: author.user.id }, query: { page: n, pageSize: 2 } },
      })
      ids.push(...data!.data.map((p) => p.id))
    }
    expect(new Set(ids).size).toBe(5)
  })

  it('sort and order apply on documented fields', async () => {
    const author = await authorWith(3)
    const { data } = await client().GET('/api/users/{id}/posts', {
      params: { path: { id: author.user.id }, query: { sort: 'title', order: 'asc' } },
    })
    expect(data?.data.map((p) => p.title)).toEqual(['Post 00', 'Post 01', 'Post 02'])
    const desc = await client().GET('/api/users/{id}/posts', {
      params: { path: { id: author.user.id }, query: { sort: 'title', order: 'desc' } },
    })
    expect(desc.data?.data.map((p) => p.title)).toEqual(['Post 02', 'Post 01', 'Post 00'])
  })

  it('defaults are page 1 and pageSize 20', async () => {
    const { data } = await client().GET('/api/users')
    expect(data?.meta).toMatchObject({ page: 1, pageSize: 20 })
  })

  it.each([
    ['page=0', 'page'],
    ['page=-1', 'page'],
    ['page=1.5', 'page'],
    ['pageSize=0', 'pageSize'],
    ['pageSize=101', 'pageSize'],
    ['pageSize=100000', 'pageSize'],
    ['sort=password_hash', 'sort'],
    ['order=sideways', 'order'],
    ['limit=5', 'limit'],
  ])('%s is a 400 naming %s, not clamped', async (query, field) => {
    const { error, response } = await client().GET('/api/posts', { querySerializer: () => query })
    expect(response.status).toBe(400)
    expect(error?.error.details?.map((d) => d.field)).toContain(field)
  })

  it('an empty list has total 0 and totalPages 0', async () => {
    const author = await register()
    const { data } = await client().GET('/api/users/{id}/posts', userPath(author.user.id))
    expect(data?.meta).toMatchObject({ total: 0, totalPages: 0 })
    expect(data?.data).toEqual([])
  })
})
