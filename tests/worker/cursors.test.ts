import { beforeAll, describe, expect, it } from 'vitest'
import { call, client, register } from './support/api'

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
        const next = await listPage({ cursor: meta.nextCursor, pageSize: 3, sort, order })
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
    const second = await client().GET('/api/users/{id}/posts', {
      params: { path, query: { pageSize: 2, cursor: first.data!.meta.nextCursor! } },
    })
    expect(second.data!.data.map((post) => post.title)).toEqual(['two', 'one'])
    expect(second.data!.meta.total).toBe(5)
  })

  it('the users list walks by cursor too (sorted by name)', async () => {
    for (let i = 0; i < 3; i++) await register()
    const first = await client().GET('/api/users', { params: { query: { pageSize: 2, sort: 'name', order: 'asc' } } })
    const second = await client().GET('/api/users', {
      params: { query: { pageSize: 2, sort: 'name', order: 'asc', cursor: first.data!.meta.nextCursor! } },
    })
    const byPage = await client().GET('/api/users', { params: { query: { pageSize: 2, sort: 'name', order: 'asc', page: 2 } } })
    expect(first.data!.meta).toMatchObject({ page: 1, nextCursor: expect.any(String) })
    expect(second.data!.meta.page).toBe(2)
    expect(second.data!.data.map((user) => user.id)).toEqual(byPage.data!.data.map((user) => user.id))
  })

  describe('a cursor that does not fit the request is a 400 naming the field', () => {
    let cursor = ''
    beforeAll(async () => {
      cursor = (await listPage({ pageSize: 3 })).data!.meta.nextCursor!
    })

    const expect400 = async (path: string, field: string) => {
      const response = await call(path)
      expect(response.status).toBe(400)
      const body = (await response.json()) as ErrorJson
      expect(body.error.code).toBe('VALIDATION_ERROR')
      expect(body.error.details).toEqual([expect.objectContaining({ field, in: 'query' })])
    }

    it('with page as well', async () => expect400(`/api/users/${author.user.id}/posts?pageSize=3&page=2&cursor=${cursor}`, 'page'))
    it('not made by this API', async () => expect400(`/api/users/${author.user.id}/posts?pageSize=3&cursor=bm90LWEtY3Vyc29y`, 'cursor'))
    it('made for another sort, order or page size', async () => {
      await expect400(`/api/users/${author.user.id}/posts?pageSize=3&sort=title&cursor=${cursor}`, 'cursor')
      await expect400(`/api/users/${author.user.id}/posts?pageSize=3&order=asc&cursor=${cursor}`, 'cursor')
      await expect400(`/api/users/${author.user.id}/posts?pageSize=4&cursor=${cursor}`, 'cursor')
    })
    it("made for another listing (another user's posts, or all posts)", async () => {
      const other = await register()
      await expect400(`/api/users/${other.user.id}/posts?pageSize=3&cursor=${cursor}`, 'cursor')
      await expect400(`/api/posts?pageSize=3&cursor=${cursor}`, 'cursor')
      await expect400(`/api/posts?pageSize=3&authorId=${other.user.id}&cursor=${cursor}`, 'cursor')
    })
  })
})
