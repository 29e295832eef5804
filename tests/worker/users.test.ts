import { env } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import { call, client, count, json, PASSWORD, register, registerAdmin, uniqueEmail } from './support/api'

const path = (id: string) => ({ params: { path: { id } } })
/** The same, for a write: If-Match is required, and * writes whatever the current version is. */
const pathWrite = (id: string) => ({ params: { path: { id }, header: { 'If-Match': '*' } } })

describe('reading users', () => {
  it('GET /api/users/{id} is the public representation (no email), cacheable with an ETag', async () => {
    const { user } = await register()
    const { data, response } = await client().GET('/api/users/{id}', path(user.id))
    expect(response.status).toBe(200)
    expect(data?.data).toEqual({ id: user.id, name: user.name, role: 'user', createdAt: user.createdAt, updatedAt: user.updatedAt })
    expect(response.headers.get('cache-control')).toBe('public, max-age=60, stale-while-revalidate=300')
    const etag = response.headers.get('etag')
    expect(etag).toBe('"v1"')

    const again = await call(`/api/users/${user.id}`, { headers: { 'If-None-Match': etag! } })
    expect(again.status).toBe(304)
    expect(await again.text()).toBe('')
    expect(again.headers.get('etag')).toBe(etag)
  })

  it('a changed user gets a new ETag, so If-None-Match with the old one is a 200', async () => {
    const session = await register()
    const first = await client().GET('/api/users/{id}', path(session.user.id))
    await client(session.token).PATCH('/api/users/{id}', { ...pathWrite(session.user.id), body: { name: 'Renamed' } })
    const after = await call(`/api/users/${session.user.id}`, { headers: { 'If-None-Match': first.response.headers.get('etag')! } })
    expect(after.status).toBe(200)
  })

  it('an unknown id is 404 NOT_FOUND with no-store', async () => {
    const { error, response } = await client().GET('/api/users/{id}', path(crypto.randomUUID()))
    expect(response.status).toBe(404)
    expect(response.headers.get('cache-control')).toBe('no-store')
    expect(error?.error.code).toBe('NOT_FOUND')
  })

  it('an id in upper case is the same id (UUIDs are case-insensitive on input): reads, filters and writes find the row', async () => {
    const session = await register()
    const upper = session.user.id.toUpperCase()
    const read = await client().GET('/api/users/{id}', path(upper))
    expect(read.response.status).toBe(200)
    expect(read.data?.data.id).toBe(session.user.id)
    const created = await client(session.token).POST('/api/users/{id}/posts', {
      params: { path: { id: upper } },
      body: { title: 'T', body: 'B' },
    })
    expect(created.response.status).toBe(201)
    expect(created.data?.data.authorId).toBe(session.user.id)
    const byAuthor = await client().GET('/api/posts', { params: { query: { authorId: upper } } })
    expect(byAuthor.data?.data.map((post) => post.id)).toEqual([created.data?.data.id])
    const post = await client().GET('/api/posts/{id}', path(created.data!.data.id.toUpperCase()))
    expect(post.data?.data.id).toBe(created.data?.data.id)
    const renamed = await client(session.token).PATCH('/api/users/{id}', { ...pathWrite(upper), body: { name: 'Upper' } })
    expect(renamed.response.status).toBe(200)
  })

  it('the list never shows emails', async () => {
    await register()
    const { data } = await client().GET('/api/users', { params: { query: { pageSize: 100 } } })
    expect(data?.data.length).toBeGreaterThan(0)
    for (const user of data!.data) expect(user).not.toHaveProperty('email')
  })
})

describe('creating users', () => {
  it('POST /api/users: anonymous 401, user 403, admin 201 with Location and the role given', async () => {
    const user = await register()
    const admin = await registerAdmin()
    const body = { email: uniqueEmail('made'), name: 'Made', password: PASSWORD, role: 'guest' as const }
    expect((await client().POST('/api/users', { body })).response.status).toBe(401)
    expect((await client(user.token).POST('/api/users', { body })).response.status).toBe(403)
    const { data, response } = await client(admin.token).POST('/api/users', { body })
    expect(response.status).toBe(201)
    expect(response.headers.get('location')).toBe(`/api/users/${data?.data.id}`)
    expect(data?.data).toMatchObject({ email: body.email, name: 'Made', role: 'guest' })
    const login = await client().POST('/api/auth/login', { body: { email: body.email, password: PASSWORD } })
    expect(login.response.status).toBe(200)
  })
})

describe('roles', () => {
  it('a user cannot change their own role (403, nothing changes); restating it is fine', async () => {
    const session = await register()
    const denied = await client(session.token).PATCH('/api/users/{id}', { ...pathWrite(session.user.id), body: { role: 'admin' } })
    expect(denied.response.status).toBe(403)
    expect(denied.error?.error.code).toBe('FORBIDDEN')
    const profile = await client(session.token).GET('/api/profile')
    expect(profile.data?.data.role).toBe('user')
    const same = await client(session.token).PUT('/api/users/{id}', {
      ...pathWrite(session.user.id),
      body: { email: session.user.email, name: 'Same', role: 'user' },
    })
    expect(same.response.status).toBe(200)
  })

  it('an admin changes a role, and it applies at once to the existing token', async () => {
    const session = await register()
    const admin = await registerAdmin()
    const promoted = await client(admin.token).PATCH('/api/users/{id}', { ...pathWrite(session.user.id), body: { role: 'admin' } })
    expect(promoted.data?.data.role).toBe('admin')
    // The old token said role=user; authorization reads the stored role.
    const asAdmin = await client(session.token).POST('/api/users', { body: { email: uniqueEmail(), name: 'X', password: PASSWORD } })
    expect(asAdmin.response.status).toBe(201)
  })
})

describe('PUT replaces, PATCH changes what is given', () => {
  it('PUT needs email and name; a missing field is a 400 naming it', async () => {
    const session = await register()
    const response = await json(
      'PUT',
      `/api/users/${session.user.id}`,
      { name: 'Only name' },
      { Authorization: `Bearer ${session.token}`, 'If-Match': '*' },
    )
    expect(response.status).toBe(400)
    const body = await response.json<{ error: { details: { field: string; in: string }[] } }>()
    expect(body.error.details).toEqual([expect.objectContaining({ field: 'email', in: 'body' })])
  })

  it('PUT replaces both fields and keeps the role; updatedAt moves, createdAt stays', async () => {
    const session = await register()
    const email = uniqueEmail('replaced')
    const { data } = await client(session.token).PUT('/api/users/{id}', {
      ...pathWrite(session.user.id),
      body: { email, name: 'Replaced', currentPassword: PASSWORD },
    })
    expect(data?.data).toMatchObject({ id: session.user.id, email, name: 'Replaced', role: 'user', createdAt: session.user.createdAt })
    expect(data!.data.updatedAt >= session.user.updatedAt).toBe(true)
  })

  it('PATCH changes only the field given', async () => {
    const session = await register()
    const { data } = await client(session.token).PATCH('/api/users/{id}', {
      ...pathWrite(session.user.id),
      body: { name: 'Just the name' },
    })
    expect(data?.data).toMatchObject({ email: session.user.email, name: 'Just the name' })
  })

  it('PATCH with no field is a 400; unknown fields are rejected, not ignored', async () => {
    const session = await register()
    const auth = { Authorization: `Bearer ${session.token}`, 'If-Match': '*' }
    const empty = await json('PATCH', `/api/users/${session.user.id}`, {}, auth)
    expect(empty.status).toBe(400)
    const unknown = await json('PATCH', `/api/users/${session.user.id}`, { name: 'X', passwordHash: 'x' }, auth)
    expect(unknown.status).toBe(400)
    expect((await unknown.json<{ error: { details: { field: string }[] } }>()).error.details).toEqual([
      { field: 'passwordHash', message: 'passwordHash is not a field of this operation', in: 'body' },
    ])
  })

  it('changing the email to a taken one is 409 on PUT and PATCH, and nothing changes', async () => {
    const a = await register()
    const b = await register()
    const put = await client(b.token).PUT('/api/users/{id}', {
      ...pathWrite(b.user.id),
      body: { email: a.user.email.toUpperCase(), name: 'B', currentPassword: PASSWORD },
    })
    const patch = await client(b.token).PATCH('/api/users/{id}', {
      ...pathWrite(b.user.id),
      body: { email: a.user.email, currentPassword: PASSWORD },
    })
    expect([put.response.status, patch.response.status]).toEqual([409, 409])
    expect((await client(b.token).GET('/api/profile')).data?.data.email).toBe(b.user.email)
  })

  it('a new email needs the current password: without it or with a wrong one 403 REAUTHENTICATION_REQUIRED, and nothing changes', async () => {
    const session = await register()
    const email = uniqueEmail('moved')
    for (const body of [{ email }, { email, currentPassword: 'not-my-password' }]) {
      const { error, response } = await client(session.token).PATCH('/api/users/{id}', { ...pathWrite(session.user.id), body })
      expect(response.status).toBe(403)
      expect(error?.error.code).toBe('REAUTHENTICATION_REQUIRED')
    }
    const admin = await registerAdmin()
    const byAdmin = await client(admin.token).PUT('/api/users/{id}', { ...pathWrite(session.user.id), body: { email, name: 'Moved' } })
    expect(byAdmin.response.status).toBe(403)
    expect((await client(session.token).GET('/api/profile')).data?.data).toMatchObject({
      email: session.user.email,
      name: session.user.name,
    })
    // The same address in another case is no move; with the password (the admin's own, for an admin) it moves.
    const recased = await client(session.token).PATCH('/api/users/{id}', {
      ...pathWrite(session.user.id),
      body: { email: session.user.email.toUpperCase() },
    })
    expect(recased.data?.data.email).toBe(session.user.email.toUpperCase())
    const moved = await client(admin.token).PUT('/api/users/{id}', {
      ...pathWrite(session.user.id),
      body: { email, name: 'Moved', currentPassword: PASSWORD },
    })
    expect(moved.data?.data).toMatchObject({ email, name: 'Moved' })
  })

  it('a password sent with an unchanged email is not asked for: a wrong one is no 403 on PUT or PATCH (the document asks for it only for a new address)', async () => {
    const session = await register()
    const put = await client(session.token).PUT('/api/users/{id}', {
      ...pathWrite(session.user.id),
      body: { email: session.user.email, name: 'Same Address', currentPassword: 'not-my-password' },
    })
    expect(put.response.status).toBe(200)
    expect(put.data?.data).toMatchObject({ email: session.user.email, name: 'Same Address' })
    // Not asked, so not counted: more of them than the lock allows, and the account still logs in.
    for (let i = 0; i < 6; i++) {
      const patch = await client(session.token).PATCH('/api/users/{id}', {
        ...pathWrite(session.user.id),
        body: { email: session.user.email.toUpperCase(), currentPassword: 'not-my-password' },
      })
      expect(patch.response.status).toBe(200)
    }
    const failed = await env.DB.prepare('SELECT failed_logins AS n FROM users WHERE id = ?').bind(session.user.id).first<{ n: number }>()
    expect(failed?.n).toBe(0)
    expect((await client().POST('/api/auth/login', { body: { email: session.user.email, password: PASSWORD } })).response.status).toBe(200)
    // And a new address with that wrong password is still refused.
    const moved = await client(session.token).PATCH('/api/users/{id}', {
      ...pathWrite(session.user.id),
      body: { email: uniqueEmail('moved'), currentPassword: 'not-my-password' },
    })
    expect(moved.error?.error.code).toBe('REAUTHENTICATION_REQUIRED')
  })

  it('admin create with a taken email is 409', async () => {
    const a = await register()
    const admin = await registerAdmin()
    const { response } = await client(admin.token).POST('/api/users', { body: { email: a.user.email, name: 'Dup', password: PASSWORD } })
    expect(response.status).toBe(409)
  })

  it('PUT/PATCH/DELETE on a missing user as admin is 404', async () => {
    const admin = await registerAdmin()
    const id = crypto.randomUUID()
    expect((await client(admin.token).PATCH('/api/users/{id}', { ...pathWrite(id), body: { name: 'N' } })).response.status).toBe(404)
    expect(
      (await client(admin.token).PUT('/api/users/{id}', { ...pathWrite(id), body: { name: 'N', email: uniqueEmail() } })).response.status,
    ).toBe(404)
    expect((await client(admin.token).DELETE('/api/users/{id}', pathWrite(id))).response.status).toBe(404)
  })
})

describe('delete', () => {
  it('removes the user and all their posts in one step, answering 204 with no body', async () => {
    const session = await register()
    const other = await register()
    for (let i = 0; i < 3; i++)
      await client(session.token).POST('/api/users/{id}/posts', { ...path(session.user.id), body: { title: `P${i}`, body: 'B' } })
    await client(other.token).POST('/api/users/{id}/posts', { ...path(other.user.id), body: { title: 'Keep', body: 'B' } })
    const [users, posts] = [await count('users'), await count('posts')]

    const response = await call(`/api/users/${session.user.id}`, {
      method: 'DELETE',
      headers: { Authorization: `Bearer ${session.token}`, 'If-Match': '*' },
    })
    expect(response.status).toBe(204)
    expect(await response.text()).toBe('')
    expect(await count('users')).toBe(users - 1)
    expect(await count('posts')).toBe(posts - 3)
    expect((await client().GET('/api/users/{id}', path(session.user.id))).response.status).toBe(404)
    expect((await client().GET('/api/users/{id}/posts', path(session.user.id))).response.status).toBe(404)
    expect((await client().GET('/api/users/{id}/posts', path(other.user.id))).data?.meta.total).toBe(1)
  })

  it("list totals (kept by triggers, not counted per request) stay exact through creates, a cascading delete and a post's delete", async () => {
    const totals = async () => [
      (await client().GET('/api/users', {})).data?.meta.total,
      (await client().GET('/api/posts', {})).data?.meta.total,
    ]
    const exact = async () => expect(await totals()).toEqual([await count('users'), await count('posts')])
    await exact()
    const session = await register()
    const made = []
    for (let i = 0; i < 2; i++)
      made.push(
        (await client(session.token).POST('/api/users/{id}/posts', { ...path(session.user.id), body: { title: `P${i}`, body: 'B' } })).data!
          .data,
      )
    await exact()
    const removed = await client(session.token).DELETE('/api/users/{id}/posts/{postId}', {
      params: { path: { id: session.user.id, postId: made[0]!.id }, header: { 'If-Match': '*' } },
    })
    expect(removed.response.status).toBe(204)
    await exact()
    await call(`/api/users/${session.user.id}`, {
      method: 'DELETE',
      headers: { Authorization: `Bearer ${session.token}`, 'If-Match': '*' },
    })
    await exact()
  })
})
