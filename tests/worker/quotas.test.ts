// Per-account quotas (issue: security round 3, no quota): posts and bytes of titles and bodies, tested at the limit.
import { env } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import { call, json, register } from './support/api'

const MAX_POSTS = 10_000
const MAX_BYTES = 10 * 1024 * 1024
type ErrorJson = { error: { code: string } }
const bearer = (token: string) => ({ Authorization: `Bearer ${token}` })
const usage = (id: string) =>
  env.DB.prepare('SELECT post_count AS posts, post_bytes AS bytes FROM users WHERE id = ?')
    .bind(id)
    .first<{ posts: number; bytes: number }>()
const post = (session: { token: string; user: { id: string } }, title: string, body: string) =>
  json('POST', `/api/users/${session.user.id}/posts`, { title, body }, bearer(session.token))

describe('per-account quotas', () => {
  it('counts posts and their UTF-8 bytes as they are created, changed and deleted', async () => {
    const session = await register()
    const made = await post(session, 'Ünï', '🦄 body')
    const { id } = (await made.json<{ data: { id: string } }>()).data
    expect(await usage(session.user.id)).toEqual({ posts: 1, bytes: 5 + 9 })
    const path = `/api/users/${session.user.id}/posts/${id}`
    expect((await json('PATCH', path, { body: 'b' }, { ...bearer(session.token), 'If-Match': '*' })).status).toBe(200)
    expect(await usage(session.user.id)).toEqual({ posts: 1, bytes: 5 + 1 })
    expect((await call(path, { method: 'DELETE', headers: { ...bearer(session.token), 'If-Match': '*' } })).status).toBe(204)
    expect(await usage(session.user.id)).toEqual({ posts: 0, bytes: 0 })
  })

  it(`the ${MAX_POSTS}th post is created; one more is 403 QUOTA_EXCEEDED until one is deleted`, async () => {
    const session = await register()
    const at = new Date().toISOString()
    await env.DB.prepare(
      `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?)
       INSERT INTO posts (id, user_id, title, body, created_at, updated_at) SELECT lower(hex(randomblob(16))), ?, 'T', 'B', ?, ? FROM n`,
    )
      .bind(MAX_POSTS - 1, session.user.id, at, at)
      .run()
    expect((await post(session, 'last', 'one')).status).toBe(201)
    const refused = await post(session, 'one', 'more')
    expect(refused.status).toBe(403)
    expect((await refused.json<ErrorJson>()).error.code).toBe('QUOTA_EXCEEDED')
    expect((await usage(session.user.id))?.posts).toBe(MAX_POSTS)
    await env.DB.prepare("DELETE FROM posts WHERE id IN (SELECT id FROM posts WHERE user_id = ? AND title = 'T' LIMIT 1)")
      .bind(session.user.id)
      .run()
    expect((await post(session, 'room', 'again')).status).toBe(201)
  })

  it('bytes up to the limit are taken, one more byte is 403; lengthening a post past it is 403, shortening always works', async () => {
    const session = await register()
    const made = await post(session, 'T', 'body')
    const path = `/api/users/${session.user.id}/posts/${(await made.json<{ data: { id: string } }>()).data.id}`
    // As if the account's other posts took all but 10 bytes of the quota.
    await env.DB.prepare('UPDATE users SET post_bytes = ? WHERE id = ?')
      .bind(MAX_BYTES - 10, session.user.id)
      .run()
    const full = await post(session, 'T', 'x'.repeat(9))
    expect(full.status).toBe(201)
    expect((await usage(session.user.id))?.bytes).toBe(MAX_BYTES)
    const over = await post(session, 'T', 'x')
    expect(over.status).toBe(403)
    expect((await over.json<ErrorJson>()).error.code).toBe('QUOTA_EXCEEDED')
    const longer = await json('PATCH', path, { body: 'bodyX' }, { ...bearer(session.token), 'If-Match': '*' })
    expect(longer.status).toBe(403)
    expect((await longer.json<ErrorJson>()).error.code).toBe('QUOTA_EXCEEDED')
    expect((await json('PATCH', path, { body: 'bod' }, { ...bearer(session.token), 'If-Match': '*' })).status).toBe(200)
    // A stale If-Match is still a 412, not a quota refusal.
    expect((await json('PATCH', path, { body: 'bodyXY' }, { ...bearer(session.token), 'If-Match': '"v1"' })).status).toBe(412)
  })
})
