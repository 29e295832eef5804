import { beforeAll, describe, expect, it } from 'vitest'
import { call, client, readCursor, register, writeCursor } from './support/api'

type Session = Awaited<ReturnType<typeof register>>
type ErrorJson = { error: { code: string; details?: { field: string; in: string }[] } }
type Sort = 'createdAt' | 'title'

let author: Session
const TITLES = ['delta', 'alpha', 'echo', 'charlie', 'bravo', 'alpha', 'foxtrot']

beforeAll(async () => {
  author = await register()
  // Several posts share a createdAt millisecond and two share a title, so ties must break on id.
  for (const title of TITLES) {
    const made = await client(author.token).POST('/api/users/{id}/posts', {
      params: { path: { id: author.user.id } },
      body: { title, body: 'B' },
    })
    expect(made.response.status).toBe(201)
  }
})

const listPage = (query: { page?: number; cursor?: string; pageSize: number; sort?: Sort; order?: 'asc' | 'desc' }) =>
  client().GET('/api/users/{id}/posts', { params: { path: { id: author.user.id }, query } })

async function walkByPage(pageSize: number, sort: Sort, order: 'asc' | 'desc') {
  const ids: string[] = []
  for (let page = 1; ; page++) {
    const { data } = await listPage({ page, pageSize, sort, order })
    ids.push(...data!.data.map((post) => post.id))
    if (page >= data!.meta.totalPages) return ids
  }
}

describe('cursor pagination (keyset)', () => {
  it.each([
    ['createdAt', 'desc'],
    ['createdAt', 'asc'],
    ['title', 'asc'],
    ['title', 'desc'],
  ] as const)(
    'walking by cursor (%s %s) gives the same items as walking by page, with page numbers and a null cursor at the end',
    async (sort, order) => {
      const expected = await walkByPage(3, sort, order)
      expect(expected).toHaveLength(TITLES.length)
      const first = await listPage({ pageSize: 3, sort, order })
      const seen = first.data!.data.map((post) => post.id)
      let meta = first.data!.meta
      const pages = [meta.page]
      while (meta.nextCursor) {
        // The cursor alone: it carries the sort, order and page size it was made with.
        const next = await client().GET('/api/users/{id}/posts', {
          params: { path: { id: author.user.id }, query: { cursor: meta.nextCursor } },
        })
        expect(next.response.status).toBe(200)
        seen.push(...next.data!.data.map((post) => post.id))
        meta = next.data!.meta
        pages.push(meta.page)
      }
      expect(seen).toEqual(expected)
      expect(pages).toEqual([1, 2, 3])
      expect(meta).toMatchObject({ total: TITLES.length, totalPages: 3, nextCursor: null })
    },
  )

  it('a cursor keeps its place when newer posts arrive; an offset would shift', async () => {
    const session = await register()
    const path = { id: session.user.id }
    for (const title of ['one', 'two', 'three', 'four'])
      await client(session.token).POST('/api/users/{id}/posts', { params: { path }, body: { title, body: 'B' } })
    const first = await client().GET('/api/users/{id}/posts', { params: { path, query: { pageSize: 2 } } })
    await client(session.token).POST('/api/users/{id}/posts', { params: { path }, body: { title: 'newest', body: 'B' } })
    const second = await client().GET('/api/users/{id}/posts', { params: { path, query: { cursor: first.data!.meta.nextCursor! } } })
    expect(second.data!.data.map((post) => post.title)).toEqual(['two', 'one'])
    expect(second.data!.meta.total).toBe(5)
  })

  it('the users list walks by cursor too (sorted by name)', async () => {
    for (let i = 0; i < 3; i++) await register()
    const first = await client().GET('/api/users', { params: { query: { pageSize: 2, sort: 'name', order: 'asc' } } })
    const second = await client().GET('/api/users', { params: { query: { cursor: first.data!.meta.nextCursor! } } })
    const byPage = await client().GET('/api/users', { params: { query: { pageSize: 2, sort: 'name', order: 'asc', page: 2 } } })
    expect(first.data!.meta).toMatchObject({ page: 1, nextCursor: expect.any(String) })
    expect(second.data!.meta.page).toBe(2)
    expect(second.data!.data.map((user) => user.id)).toEqual(byPage.data!.data.map((user) => user.id))
  })

  it('a cursor wins over page, pageSize, sort, order and filters given beside it (as the document says)', async () => {
    const first = await listPage({ pageSize: 3, sort: 'title', order: 'asc' })
    const alone = await client().GET('/api/users/{id}/posts', {
      params: { path: { id: author.user.id }, query: { cursor: first.data!.meta.nextCursor! } },
    })
    const cluttered = await listPage({ cursor: first.data!.meta.nextCursor!, page: 7, pageSize: 50, sort: 'createdAt', order: 'desc' })
    expect(cluttered.response.status).toBe(200)
    expect(cluttered.data!.data).toEqual(alone.data!.data)
    expect(cluttered.data!.meta).toMatchObject({ page: 2, pageSize: 3 })
  })

  it('a filtered list keeps its filter through the cursor alone', async () => {
    const other = await register()
    await client(other.token).POST('/api/users/{id}/posts', {
      params: { path: { id: other.user.id } },
      body: { title: 'Not theirs', body: 'B' },
    })
    const first = await client().GET('/api/posts', { params: { query: { authorId: author.user.id, pageSize: 3 } } })
    const ids = first.data!.data.map((post) => post.id)
    let cursor = first.data!.meta.nextCursor
    while (cursor) {
      const next = await client().GET('/api/posts', { params: { query: { cursor } } })
      for (const post of next.data!.data) expect(post.authorId).toBe(author.user.id)
      ids.push(...next.data!.data.map((post) => post.id))
      cursor = next.data!.meta.nextCursor
    }
    expect(new Set(ids).size).toBe(TITLES.length)
  })

  it('a walk under concurrent deletes and inserts returns every row that existed throughout exactly once, and ends only when no row follows', async () => {
    const session = await register()
    const path = { id: session.user.id }
    const made: string[] = []
    for (let i = 0; i < 9; i++) {
      const post = await client(session.token).POST('/api/users/{id}/posts', { params: { path }, body: { title: `walk ${i}`, body: 'B' } })
      made.push(post.data!.data.id)
    }
    const remove = (postId: string) =>
      client(session.token).DELETE('/api/users/{id}/posts/{postId}', {
        params: { path: { id: session.user.id, postId }, header: { 'If-Match': '*' } },
      })
    const first = await client().GET('/api/users/{id}/posts', { params: { path, query: { pageSize: 3, order: 'asc' } } })
    const seen = first.data!.data.map((post) => post.id)
    // Two rows the reader has already seen go away (an offset walk, or a cursor that trusted the totals, would now
    // stop a page early), one not yet seen goes away too, and two new ones arrive at the end.
    await remove(seen[0]!)
    await remove(seen[1]!)
    await remove(made[4]!)
    for (const title of ['late one', 'late two'])
      await client(session.token).POST('/api/users/{id}/posts', { params: { path }, body: { title, body: 'B' } })
    let cursor = first.data!.meta.nextCursor
    while (cursor) {
      const next = await client().GET('/api/users/{id}/posts', { params: { path, query: { cursor } } })
      expect(next.response.status).toBe(200)
      seen.push(...next.data!.data.map((post) => post.id))
      cursor = next.data!.meta.nextCursor
    }
    const throughout = made.filter((_, i) => i !== 4)
    for (const id of throughout)
      expect(
        seen.filter((s) => s === id),
        id,
      ).toHaveLength(1)
    expect(new Set(seen).size).toBe(seen.length)
    // The late ones came after the last row of the walk's start, in this order, so the walk reached them too.
    expect(seen).toHaveLength(throughout.length + 2)
  })

  it('the last page has no cursor even when the totals say otherwise', async () => {
    const session = await register()
    const path = { id: session.user.id }
    for (let i = 0; i < 4; i++)
      await client(session.token).POST('/api/users/{id}/posts', { params: { path }, body: { title: `t${i}`, body: 'B' } })
    const first = await client().GET('/api/users/{id}/posts', { params: { path, query: { pageSize: 2 } } })
    expect(first.data!.meta.nextCursor).toEqual(expect.any(String))
    const second = await client().GET('/api/users/{id}/posts', { params: { path, query: { cursor: first.data!.meta.nextCursor! } } })
    expect(second.data!.data).toHaveLength(2)
    expect(second.data!.meta.nextCursor).toBeNull()
  })

  describe('a cursor this listing did not issue is a 422 INVALID_CURSOR', () => {
    let cursor = ''
    beforeAll(async () => {
      cursor = (await listPage({ pageSize: 3 })).data!.meta.nextCursor!
    })

    const expect422 = async (path: string) => {
      const response = await call(path)
      expect(response.status, path).toBe(422)
      expect(((await response.json()) as ErrorJson).error.code).toBe('INVALID_CURSOR')
    }

    it('made up, or altered', async () => {
      await expect422(`/api/users/${author.user.id}/posts?cursor=bm90LWEtY3Vyc29y`)
      await expect422(`/api/users/${author.user.id}/posts?cursor=${cursor.slice(0, -4)}`)
      // A well-formed payload naming a sort this listing does not have.
      const forged = writeCursor({ p: 2, n: 3, s: 'password_hash', o: 'asc', k: `users/${author.user.id}/posts`, v: 'a', i: 'b' })
      await expect422(`/api/users/${author.user.id}/posts?cursor=${forged}`)
    })
    it('with a position it could not have issued: a timestamp sort at a non-timestamp, or an id that is no UUID of ours', async () => {
      const issued = readCursor(cursor)
      // The issued one, re-encoded, still works: only the position changes below.
      expect((await call(`/api/users/${author.user.id}/posts?cursor=${writeCursor(issued)}`)).status).toBe(200)
      await expect422(`/api/users/${author.user.id}/posts?cursor=${writeCursor({ ...issued, v: 'not a date' })}`)
      await expect422(`/api/users/${author.user.id}/posts?cursor=${writeCursor({ ...issued, i: 'not-a-uuid' })}`)
      await expect422(`/api/users/${author.user.id}/posts?cursor=${writeCursor({ ...issued, i: String(issued.i).toUpperCase() })}`)
      // A timestamp as it is never stored (no milliseconds), an empty position, a filter this listing lacks.
      await expect422(
        `/api/users/${author.user.id}/posts?cursor=${writeCursor({ ...issued, v: String(issued.v).replace(/\.\d{3}Z$/, 'Z') })}`,
      )
      await expect422(`/api/users/${author.user.id}/posts?cursor=${writeCursor({ ...issued, v: '' })}`)
      await expect422(`/api/users/${author.user.id}/posts?cursor=${writeCursor({ ...issued, f: { id: 'x' } })}`)
    })

    it('on /api/posts: a filter value the query would never give (an id not in lower case, not a UUID) is 422', async () => {
      const first = await call(`/api/posts?authorId=${author.user.id}&pageSize=1`)
      const issued = readCursor((await first.json<{ meta: { nextCursor: string } }>()).meta.nextCursor)
      expect(issued.f).toEqual({ authorId: author.user.id })
      expect((await call(`/api/posts?cursor=${writeCursor(issued)}`)).status).toBe(200)
      await expect422(`/api/posts?cursor=${writeCursor({ ...issued, f: { authorId: author.user.id.toUpperCase() } })}`)
      await expect422(`/api/posts?cursor=${writeCursor({ ...issued, f: { authorId: 'ZZZ' } })}`)
    })
    it("made for another listing (another user's posts, or all posts)", async () => {
      const other = await register()
      await expect422(`/api/users/${other.user.id}/posts?cursor=${cursor}`)
      await expect422(`/api/posts?cursor=${cursor}`)
      await expect422(`/api/users?cursor=${cursor}`)
    })
  })
})
