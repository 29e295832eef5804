// The benchmark's floor: for each benchmarked endpoint, the same D1 query the API makes, and nothing else (no
// validation, envelope, auth or logging). API rps / floor rps is then what the API's own layers cost.
// Local only (bench/floor/wrangler.toml), served on a copy of the API's seeded D1 state, so it reads the same rows.
import { Hono } from 'hono'

const app = new Hono<{ Bindings: { DB: D1Database } }>()

const PAGE_SIZE = 20
// The columns src/infrastructure/db selects; the floor reads what the API reads.
const USER_COLUMNS = 'id, email, name, role, created_at, updated_at'
const POST_COLUMNS = 'id, user_id, title, body, created_at, updated_at'

// The D1 session the API opens for the same request (src/runtime/composition.ts), since it is part of what D1 is sent:
// the primary for a request with credentials (the floor is handed the caller's id, so the route says so), the client's
// bookmark when it sends one, otherwise the nearest replica.
type Ctx = { env: { DB: D1Database }; req: { header(name: string): string | undefined } }
function session(c: Ctx, credentialed = false): D1DatabaseSession {
  if (credentialed) return c.env.DB.withSession('first-primary')
  const bookmark = c.req.header('x-d1-bookmark')
  if (!bookmark) return c.env.DB.withSession('first-unconstrained')
  try {
    return c.env.DB.withSession(bookmark)
  } catch {
    return c.env.DB.withSession('first-primary')
  }
}

const offset = (page: string | undefined) => (Math.max(1, Number(page ?? '1')) - 1) * PAGE_SIZE

// The API's health reads D1 and asks the Cache API (and its rate limiters, which the floor has not); so does the floor.
app.get('/health', async (c) => {
  const [database, cache] = await Promise.all([
    c.env.DB.prepare('SELECT 1 AS ok').first(),
    caches.default.match('https://worker-cache.invalid/health-check'),
  ])
  return c.json({ database, cache: cache !== undefined })
})

app.get('/api/users/:id', async (c) =>
  c.json(await session(c).prepare(`SELECT ${USER_COLUMNS} FROM users WHERE id = ? LIMIT 1`).bind(c.req.param('id')).first()),
)

// The API's profile is a token check (no D1) plus the caller's row; the floor is handed the id.
app.get('/api/profile', async (c) =>
  c.json(
    await session(c, true)
      .prepare(`SELECT ${USER_COLUMNS} FROM users WHERE id = ? LIMIT 1`)
      .bind(c.req.query('id') ?? '')
      .first(),
  ),
)

// Lists: the page (a deferred join over the sort index) and the total (the trigger-kept row count) in one batch, as the API does.
app.get('/api/users', async (c) => {
  const db = session(c)
  const [rows, total] = await db.batch([
    db
      .prepare(
        `SELECT ${USER_COLUMNS} FROM users WHERE id IN (SELECT id FROM users ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?) ORDER BY created_at DESC, id DESC`,
      )
      .bind(PAGE_SIZE, offset(c.req.query('page'))),
    db.prepare("SELECT count AS total FROM row_counts WHERE name = 'users'"),
  ])
  return c.json({ rows: rows?.results, total: total?.results[0] })
})

app.get('/api/posts', async (c) => {
  const after = c.req.query('after')
  const db = session(c)
  // ?after=&id= is the API's cursor (keyset) read; otherwise the offset read by page.
  const rowsQuery = after
    ? db
        .prepare(`SELECT ${POST_COLUMNS} FROM posts WHERE (created_at, id) < (?, ?) ORDER BY created_at DESC, id DESC LIMIT ?`)
        .bind(after, c.req.query('id') ?? '', PAGE_SIZE)
    : db
        .prepare(
          `SELECT ${POST_COLUMNS} FROM posts WHERE id IN (SELECT id FROM posts ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?) ORDER BY created_at DESC, id DESC`,
        )
        .bind(PAGE_SIZE, offset(c.req.query('page')))
  const [rows, total] = await db.batch([rowsQuery, db.prepare("SELECT count AS total FROM row_counts WHERE name = 'posts'")])
  return c.json({ rows: rows?.results, total: total?.results[0] })
})

// The API's writes read the caller in the same batch and carry its right to write (the author themselves or an admin,
// not a guest, its token generation current) in the statement; the floor is handed the caller's id and does the same.
const CALLER = `SELECT ${USER_COLUMNS}, token_generation FROM users AS caller WHERE id = ? LIMIT 1`
const MAY_WRITE = `EXISTS (SELECT 1 FROM users AS caller WHERE caller.id = ? AND caller.token_generation = 0
  AND (caller.id = ? OR caller.role = 'admin') AND caller.role <> 'guest')`

app.post('/api/users/:id/posts', async (c) => {
  const { title, body } = await c.req.json<{ title: string; body: string }>()
  const now = new Date().toISOString()
  const author = c.req.param('id')
  const db = session(c, true)
  const [, inserted] = await db.batch([
    db.prepare(CALLER).bind(author),
    db
      .prepare(
        `INSERT INTO posts (id, user_id, title, body, version, created_at, updated_at)
       SELECT ?, ?, ?, ?, 1, ?, ? WHERE EXISTS (SELECT 1 FROM users WHERE id = ?) AND ${MAY_WRITE} RETURNING ${POST_COLUMNS}`,
      )
      .bind(crypto.randomUUID(), author, title, body, now, now, author, author, author),
  ])
  return c.json(inserted?.results[0], 201)
})

// The API's PATCH of a post: the caller, the conditional update (If-Match: "v<n>", ...) with the caller's right in it, and
// the owner check in one batch, as it does; the version it answers with is the next request's If-Match.
app.patch('/api/users/:id/posts/:postId', async (c) => {
  const changes = await c.req.json<{ title?: string; body?: string }>()
  const fields = (['title', 'body'] as const).filter((field) => changes[field] !== undefined)
  const versions = (c.req.header('if-match') ?? '').split(',').flatMap((tag) => /^\s*"v(\d+)"\s*$/.exec(tag)?.[1] ?? [])
  const owned = 'id = ? AND user_id = ?'
  const author = c.req.param('id')
  const db = session(c, true)
  const [, updated, existing] = await db.batch<Record<string, unknown>>([
    db.prepare(CALLER).bind(author),
    db
      .prepare(
        `UPDATE posts SET ${fields.map((field) => `${field} = ?, `).join('')}version = version + 1, updated_at = ? WHERE ${owned}${
          versions.length ? ` AND version IN (${versions.map(() => '?').join(', ')})` : ''
        } AND ${MAY_WRITE} RETURNING ${POST_COLUMNS}, version`,
      )
      .bind(
        ...fields.map((field) => changes[field]),
        new Date().toISOString(),
        c.req.param('postId'),
        author,
        ...versions.map(Number),
        author,
        author,
      ),
    db.prepare(`SELECT id FROM posts WHERE ${owned} LIMIT 1`).bind(c.req.param('postId'), c.req.param('id')),
  ])
  const row = updated?.results[0]
  if (!row) return c.json(null, existing?.results[0] ? 412 : 404)
  c.header('ETag', `"v${String(row.version)}"`)
  return c.json(row)
})

export default app
