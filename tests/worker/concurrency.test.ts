import { createExecutionContext, env } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import { createApp } from '../../src/app'
import { assertConforms } from './support/contract'
import { call, client, count, json, register } from './support/api'

const path = (id: string) => ({ params: { path: { id } } })

describe('optimistic concurrency with ETag / If-Match', () => {
  it('every single-resource response carries the ETag; each change bumps it', async () => {
    const session = await register()
    const read = await client(session.token).GET('/api/profile')
    expect(read.response.headers.get('etag')).toBe('"v1"')
    const patched = await client(session.token).PATCH('/api/users/{id}', {
      params: { path: { id: session.user.id }, header: { 'If-Match': '"v1"' } },
      body: { name: 'Two' },
    })
    expect(patched.response.headers.get('etag')).toBe('"v2"')
    expect((await client().GET('/api/users/{id}', path(session.user.id))).response.headers.get('etag')).toBe('"v2"')
  })

  it('two clients editing the same user cannot silently overwrite each other', async () => {
    const session = await register()
    const auth = { Authorization: `Bearer ${session.token}` }
    // Both read version 1.
    const tag = (await call(`/api/users/${session.user.id}`)).headers.get('etag')!
    const first = await json('PATCH', `/api/users/${session.user.id}`, { name: 'Written by A' }, { ...auth, 'If-Match': tag })
    expect(first.status).toBe(200)
    const second = await json('PATCH', `/api/users/${session.user.id}`, { name: 'Written by B' }, { ...auth, 'If-Match': tag })
    expect(second.status).toBe(412)
    expect((await second.json<{ error: { code: string } }>()).error.code).toBe('PRECONDITION_FAILED')
    expect((await client(session.token).GET('/api/profile')).data?.data.name).toBe('Written by A')
  })

  it('PUT with a stale tag is 412 and nothing changes; with the current tag it applies', async () => {
    const session = await register()
    const auth = { Authorization: `Bearer ${session.token}` }
    const body = { email: session.user.email, name: 'Replaced' }
    expect((await json('PUT', `/api/users/${session.user.id}`, body, { ...auth, 'If-Match': '"v7"' })).status).toBe(412)
    expect((await client(session.token).GET('/api/profile')).data?.data.name).toBe(session.user.name)
    const ok = await json('PUT', `/api/users/${session.user.id}`, body, { ...auth, 'If-Match': '"v9", "v1"' })
    expect(ok.status).toBe(200)
  })

  it('a weak or foreign tag never matches (strong comparison); * matches any version; a malformed If-Match is a 400, an empty one a 428', async () => {
    const session = await register()
    const auth = { Authorization: `Bearer ${session.token}` }
    expect((await json('PATCH', `/api/users/${session.user.id}`, { name: 'W' }, { ...auth, 'If-Match': 'W/"v1"' })).status).toBe(412)
    expect((await json('PATCH', `/api/users/${session.user.id}`, { name: 'X' }, { ...auth, 'If-Match': '"not-ours"' })).status).toBe(412)
    for (const malformed of ['garbage', 'v1', '"v1', '"v1",', '*, "v1"']) {
      const refused = await json('PATCH', `/api/users/${session.user.id}`, { name: 'Never' }, { ...auth, 'If-Match': malformed })
      expect(refused.status, malformed).toBe(400)
      expect((await refused.json<{ error: { details: { field: string }[] } }>()).error.details[0]?.field).toBe('If-Match')
    }
    // An empty If-Match, sent straight to the app: the test's service binding drops empty headers on the way in.
    const empty = await createApp().request(
      `/api/users/${session.user.id}`,
      {
        method: 'PATCH',
        headers: { ...auth, 'content-type': 'application/json', 'If-Match': '', 'CF-Connecting-IP': '192.0.2.9' },
        body: '{"name":"Never"}',
      },
      env,
      createExecutionContext(),
    )
    expect(empty.status).toBe(428)
    expect((await empty.clone().json<{ error: { code: string } }>()).error.code).toBe('PRECONDITION_REQUIRED')
    await assertConforms('PATCH', `http://api.test/api/users/${session.user.id}`, empty)
    const unchanged = await client().GET('/api/users/{id}', path(session.user.id))
    expect(unchanged.data?.data.name).toBe(session.user.name)
    expect((await json('PATCH', `/api/users/${session.user.id}`, { name: 'Star' }, { ...auth, 'If-Match': '*' })).status).toBe(200)
  })

  it('a write without If-Match is 428 PRECONDITION_REQUIRED, on every operation that takes it, and nothing changes', async () => {
    const session = await register()
    const auth = { Authorization: `Bearer ${session.token}` }
    const made = await client(session.token).POST('/api/users/{id}/posts', { ...path(session.user.id), body: { title: 'T', body: 'B' } })
    const post = `/api/users/${session.user.id}/posts/${made.data!.data.id}`
    const writes: [string, string, unknown][] = [
      ['PUT', `/api/users/${session.user.id}`, { email: session.user.email, name: 'Never' }],
      ['PATCH', `/api/users/${session.user.id}`, { name: 'Never' }],
      ['DELETE', `/api/users/${session.user.id}`, undefined],
      ['PATCH', post, { title: 'Never' }],
      ['DELETE', post, undefined],
    ]
    for (const [method, target, body] of writes) {
      const refused = body === undefined ? await call(target, { method, headers: auth }) : await json(method, target, body, auth)
      expect(refused.status, `${method} ${target}`).toBe(428)
      const { error } = await refused.json<{ error: { code: string; message: string; docs: string } }>()
      expect(error.code).toBe('PRECONDITION_REQUIRED')
      expect(error.message).toMatch(/If-Match/)
      expect(error.docs).toMatch(/#error-precondition-required$/)
    }
    // Credentials still come first: without them it is the 401.
    expect((await json('PATCH', `/api/users/${session.user.id}`, { name: 'Never' })).status).toBe(401)
    expect((await client(session.token).GET('/api/profile')).data?.data.name).toBe(session.user.name)
    expect((await client().GET('/api/posts/{id}', path(made.data!.data.id))).data?.data.title).toBe('T')
  })

  it('DELETE of a user with a stale tag is 412 and deletes neither the user nor the posts', async () => {
    const session = await register()
    await client(session.token).POST('/api/users/{id}/posts', { ...path(session.user.id), body: { title: 'Kept', body: 'B' } })
    const before = [await count('users'), await count('posts')]
    const stale = await call(`/api/users/${session.user.id}`, {
      method: 'DELETE',
      headers: { Authorization: `Bearer ${session.token}`, 'If-Match': '"v99"' },
    })
    expect(stale.status).toBe(412)
    expect([await count('users'), await count('posts')]).toEqual(before)
    const current = await call(`/api/users/${session.user.id}`, {
      method: 'DELETE',
      headers: { Authorization: `Bearer ${session.token}`, 'If-Match': '"v1"' },
    })
    expect(current.status).toBe(204)
  })

  it('posts: stale If-Match on PATCH and DELETE is 412, current tag works, missing post stays 404', async () => {
    const session = await register()
    const created = await client(session.token).POST('/api/users/{id}/posts', { ...path(session.user.id), body: { title: 'T', body: 'B' } })
    expect(created.response.headers.get('etag')).toBe('"v1"')
    const postId = created.data!.data.id
    const url = `/api/users/${session.user.id}/posts/${postId}`
    const auth = { Authorization: `Bearer ${session.token}` }
    expect((await json('PATCH', url, { title: 'New' }, { ...auth, 'If-Match': '"v2"' })).status).toBe(412)
    const edited = await json('PATCH', url, { title: 'New' }, { ...auth, 'If-Match': '"v1"' })
    expect(edited.headers.get('etag')).toBe('"v2"')
    expect((await call(url, { method: 'DELETE', headers: { ...auth, 'If-Match': '"v1"' } })).status).toBe(412)
    expect((await call(url, { method: 'DELETE', headers: { ...auth, 'If-Match': '"v2"' } })).status).toBe(204)
    expect((await call(url, { method: 'DELETE', headers: { ...auth, 'If-Match': '"v2"' } })).status).toBe(404)
  })

  it('concurrent PATCHes with the same tag: exactly one wins', async () => {
    const session = await register()
    const auth = { Authorization: `Bearer ${session.token}`, 'If-Match': '"v1"' }
    const results = await Promise.all(['A', 'B', 'C', 'D'].map((name) => json('PATCH', `/api/users/${session.user.id}`, { name }, auth)))
    expect(results.map((r) => r.status).sort()).toEqual([200, 412, 412, 412])
  })
})
