import { storeCopy } from '../../src/http/worker-cache'
import { createExecutionContext, env } from 'cloudflare:test'
import { createApp } from '../../src/app'
import { describe, expect, it, vi } from 'vitest'
import { call, client, json, register } from './support/api'

describe("the Worker's cache (Cache API) for single resources", () => {
  it('a miss, then a hit with the same data and its own meta', async () => {
    const { user } = await register()
    const first = await call(`/api/users/${user.id}`)
    const second = await call(`/api/users/${user.id}`, { headers: { 'X-Request-Id': 'second-read' } })
    expect(first.headers.get('x-cache')).toBe('MISS')
    expect(second.headers.get('x-cache')).toBe('HIT')
    const [a, b] = [
      await first.json<{ data: unknown; meta: { requestId: string } }>(),
      await second.json<{ data: unknown; meta: { requestId: string } }>(),
    ]
    expect(b.data).toEqual(a.data)
    expect(b.meta.requestId).toBe('second-read')
    expect(second.headers.get('etag')).toBe(first.headers.get('etag'))
  })

  it('a PATCH invalidates the entry: the next read is a miss showing the change', async () => {
    const session = await register()
    await call(`/api/users/${session.user.id}`)
    expect((await call(`/api/users/${session.user.id}`)).headers.get('x-cache')).toBe('HIT')
    await json('PATCH', `/api/users/${session.user.id}`, { name: 'Fresh' }, { Authorization: `Bearer ${session.token}`, 'If-Match': '*' })
    const after = await client().GET('/api/users/{id}', { params: { path: { id: session.user.id } } })
    expect(after.response.headers.get('x-cache')).toBe('MISS')
    expect(after.data?.data.name).toBe('Fresh')
  })

  it('an id in upper case shares the copy of its row, so a write purges it too (no stale copy under another case)', async () => {
    const session = await register()
    const upper = `/api/users/${session.user.id.toUpperCase()}`
    expect((await call(upper)).headers.get('x-cache')).toBe('MISS')
    expect((await call(`/api/users/${session.user.id}`)).headers.get('x-cache')).toBe('HIT')
    await json('PATCH', `/api/users/${session.user.id}`, { name: 'Renamed' }, { Authorization: `Bearer ${session.token}`, 'If-Match': '*' })
    const after = await call(upper)
    expect(after.headers.get('x-cache')).toBe('MISS')
    expect((await after.json<{ data: { name: string } }>()).data.name).toBe('Renamed')
  })

  it('deleting a user evicts the user and their posts; deleting a post evicts it', async () => {
    const session = await register()
    const auth = { Authorization: `Bearer ${session.token}` }
    const created = await json('POST', `/api/users/${session.user.id}/posts`, { title: 'T', body: 'B' }, auth)
    const postPath = created.headers.get('location')!
    await call(postPath)
    expect((await call(postPath)).headers.get('x-cache')).toBe('HIT')
    await json('PATCH', `/api/users/${session.user.id}/posts/${postPath.split('/').pop()}`, { title: 'T2' }, { ...auth, 'If-Match': '*' })
    const edited = await call(postPath)
    expect(edited.headers.get('x-cache')).toBe('MISS')
    expect((await edited.json<{ data: { title: string } }>()).data.title).toBe('T2')

    await call(`/api/users/${session.user.id}`)
    await call(postPath)
    expect((await call(`/api/users/${session.user.id}`, { method: 'DELETE', headers: { ...auth, 'If-Match': '*' } })).status).toBe(204)
    expect((await call(`/api/users/${session.user.id}`)).status).toBe(404)
    expect((await call(postPath)).status).toBe(404)
  })

  it('deleting a user with 10,000 posts is one batch in D1 and one write to the cache, and leaves no readable copy', async () => {
    const session = await register()
    const auth = { Authorization: `Bearer ${session.token}` }
    // 10,000 posts written straight into D1 (one statement), two of them through the API so they are cached.
    await env.DB.prepare(
      `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 9998)
       INSERT INTO posts (id, user_id, title, body, version, created_at, updated_at)
       SELECT printf('00000000-0000-4000-8000-%012d', i), ?1, 'Bulk ' || i, 'B', 1, ?2, ?2 FROM n`,
    )
      .bind(session.user.id, new Date().toISOString())
      .run()
    const cachedPaths: string[] = []
    for (const title of ['Cached one', 'Cached two']) {
      const made = await json('POST', `/api/users/${session.user.id}/posts`, { title, body: 'B' }, auth)
      cachedPaths.push(made.headers.get('location')!)
    }
    for (const path of [...cachedPaths, `/api/users/${session.user.id}`]) {
      await call(path)
      expect((await call(path)).headers.get('x-cache'), path).toBe('HIT')
    }
    expect(
      (await env.DB.prepare('SELECT count(*) AS n FROM posts WHERE user_id = ?').bind(session.user.id).first<{ n: number }>())?.n,
    ).toBe(10_000)

    // Spies call through to the real cache and count.
    const spies = [vi.spyOn(caches.default, 'match'), vi.spyOn(caches.default, 'put'), vi.spyOn(caches.default, 'delete')]
    const deleted = await call(`/api/users/${session.user.id}`, { method: 'DELETE', headers: { ...auth, 'If-Match': '*' } })
    const cacheCalls = spies.reduce((sum, spy) => sum + spy.mock.calls.length, 0)
    for (const spy of spies) spy.mockRestore()
    expect(deleted.status).toBe(204)
    // Far below Workers' subrequest limits, whatever the number of posts.
    expect(cacheCalls).toBeLessThanOrEqual(2)

    for (const path of [...cachedPaths, `/api/users/${session.user.id}`]) expect((await call(path)).status, path).toBe(404)
    expect(
      (await env.DB.prepare('SELECT count(*) AS n FROM posts WHERE user_id = ?').bind(session.user.id).first<{ n: number }>())?.n,
    ).toBe(0)
  })

  it('errors are not cached', async () => {
    const id = crypto.randomUUID()
    expect((await call(`/api/users/${id}`)).status).toBe(404)
    const again = await call(`/api/users/${id}`)
    expect(again.status).toBe(404)
    expect(again.headers.get('x-cache')).toBeNull()
  })
})

describe('D1 sessions (read replication ready)', () => {
  it('answers with a bookmark and accepts it back: a read with the bookmark of a write sees the write', async () => {
    const session = await register()
    const created = await json(
      'POST',
      `/api/users/${session.user.id}/posts`,
      { title: 'Mine', body: 'B' },
      { Authorization: `Bearer ${session.token}` },
    )
    const bookmark = created.headers.get('x-d1-bookmark')
    expect(bookmark).toBeTruthy()
    const list = await call(`/api/users/${session.user.id}/posts`, { headers: { 'X-D1-Bookmark': bookmark! } })
    expect(list.status).toBe(200)
    expect((await list.json<{ data: { title: string }[] }>()).data.map((p) => p.title)).toEqual(['Mine'])
    expect(list.headers.get('x-d1-bookmark')).toBeTruthy()
  })

  it("a read that sends its bookmark skips the cached copy (which may be another data center's stale one) and reads D1", async () => {
    const session = await register()
    const path = `/api/users/${session.user.id}`
    const cached = await call(path)
    const bookmark = cached.headers.get('x-d1-bookmark')!
    // What a copy purged in one data center but not in this one looks like: an older name under the same key.
    const stale = { ...(await cached.json<{ data: Record<string, unknown> }>()).data, version: 1, name: 'Stale Name' }
    await storeCopy(path, stale)
    expect((await (await call(path)).json<{ data: { name: string } }>()).data.name).toBe('Stale Name')

    const fresh = await call(path, { headers: { 'X-D1-Bookmark': bookmark } })
    expect(fresh.headers.get('x-cache')).toBe('BYPASS')
    expect((await fresh.json<{ data: { name: string } }>()).data.name).toBe(session.user.name)
  })

  it('a request with credentials reads from the primary, whatever its bookmark; others from the nearest copy the bookmark allows', async () => {
    const session = await register()
    const asked: (string | undefined)[] = []
    const recording = new Proxy(env.DB, {
      get: (target, property) =>
        property === 'withSession'
          ? (constraint?: string) => {
              asked.push(constraint)
              return target.withSession(constraint)
            }
          : (Reflect.get(target, property, target) as unknown),
    })
    const app = createApp()
    const send = async (path: string, headers: Record<string, string>) => {
      const response = await app.request(path, { headers }, { ...env, DB: recording }, createExecutionContext())
      expect(response.status).toBe(200)
    }
    const bookmark = 'some-bookmark-value'
    await send('/api/profile', { Authorization: `Bearer ${session.token}`, 'X-D1-Bookmark': bookmark })
    await send('/api/users?page=1', {})
    await send('/api/users?page=1', { 'X-D1-Bookmark': bookmark })
    // A signed-out token or a revoked key must not read from a replica a moment behind the sign-out.
    expect(asked).toEqual(['first-primary', 'first-unconstrained', bookmark])
  })

  it('a malformed bookmark is ignored, never a 5xx', async () => {
    for (const junk of ['not a bookmark', '../../', '%00']) {
      const response = await call('/api/users', { headers: { 'X-D1-Bookmark': junk } })
      expect(response.status).toBe(200)
    }
  })
})
