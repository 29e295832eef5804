// The benchmark's floor: for each benchmarked endpoint, the same D1 query the API makes, and nothing else (no
// validation, envelope, auth or logging). API rps / floor rps is then what the API's own layers cost.
// Local only (bench/floor/wrangler.toml), served on a copy of the API's seeded D1 state, so it reads the same rows.
import { Hono } from 'hono'

const app = new Hono<{ Bindings: { DB: D1Database; CACHE: KVNamespace } }>()

const PAGE_SIZE = 20
// The columns src/infrastructure/db selects; the floor reads what the API reads.
const USER_COLUMNS = 'id, email, name, role, created_at, updated_at'
const POST_COLUMNS = 'id, user_id, title, body, created_at, updated_at'

const offset = (page: string | undefined) => (Math.max(1, Number(page ?? '1')) - 1) * PAGE_SIZE

// The API's health reads D1 and KV; so does the floor.
app.get('/health', async (c) => {
  const [database, cache] = await Promise.all([c.env.DB.prepare('SELECT 1 AS ok').first(), c.env.CACHE.get('health-check')])
  return c.json({ database, cache })
})

app.get('/api/users/:id', async (c) =>
  c.json(await c.env.DB.prepare(`SELECT ${USER_COLUMNS} FROM users WHERE id = ? LIMIT 1`).bind(c.req.param('id')).first()),
)

// The API's profile is a token check plus this select; the floor is handed the id.
app.get('/api/profile', async (c) =>
  c.json(
    await c.env.DB.prepare(`SELECT ${USER_COLUMNS} FROM users WHERE id = ? LIMIT 1`)
      .bind(c.req.query('id') ?? '')
      .first(),
  ),
)

// Lists: the page (a deferred join over the sort index) and the total (the trigger-kept row count) in one batch, as the API does.
app.get('/api/users', async (c) => {
  const [rows, total] = await c.env.DB.batch([
    c.env.DB.prepare(
      `SELECT ${USER_COLUMNS} FROM users WHERE id IN (SELECT id FROM users ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?) ORDER BY created_at DESC, id DESC`,
    ).bind(PAGE_SIZE, offset(c.req.query('page'))),
    c.env.DB.prepare("SELECT count AS total FROM row_counts WHERE name = 'users'"),
  ])
  return c.json({ rows: rows?.results, total: total?.results[0] })
})

app.get('/api/posts', async (c) => {
  const after = c.req.query('after')
  // ?after=&id= is the API's cursor (keyset) read; otherwise the offset read by page.
  const rowsQuery = after
    ? c.env.DB.prepare(`SELECT ${POST_COLUMNS} FROM posts WHERE (created_at, id) < (?, ?) ORDER BY created_at DESC, id DESC LIMIT ?`).bind(
        after,
        c.req.query('id') ?? '',
        PAGE_SIZE,
      )
    : c.env.DB.prepare(
        `SELECT ${POST_COLUMNS} FROM posts WHERE id IN (SELECT id FROM posts ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?) ORDER BY created_at DESC, id DESC`,
      ).bind(PAGE_SIZE, offset(c.req.query('page')))
  const [rows, total] = await c.env.DB.batch([rowsQuery, c.env.DB.prepare("SELECT count AS total FROM row_counts WHERE name = 'posts'")])
  return c.json({ rows: rows?.results, total: total?.results[0] })
})

app.post('/api/users/:id/posts', async (c) => {
  const { title, body } = await c.req.json<{ title: string; body: string }>()
  const now = new Date().toISOString()
  const row = await c.env.DB.prepare(
    `INSERT INTO posts (id, user_id, title, body, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING ${POST_COLUMNS}`,
  )
    .bind(crypto.randomUUID(), c.req.param('id'), title, body, now, now)
    .first()
  return c.json(row, 201)
})

export default app
