// The benchmark's data: the same deterministic rows as `npm run seed` (scripts/lib/seed-rows.ts), written straight into
// a migrated local D1 file while no server has it open. `wrangler d1 execute --file` (what the seed script uses) needs
// about 70 s for 100,000 posts here; this needs a few seconds.
import { readdirSync } from 'node:fs'
import { join } from 'node:path'
import { DatabaseSync } from 'node:sqlite'
import { POST_COLUMNS, USER_COLUMNS, USER_PASSWORD, userEmail } from '../../scripts/lib/seed-rows'

export { seedRows } from '../../scripts/lib/seed-rows'

/** The one D1 database file Miniflare keeps under a persist dir (its name is a hash of the database id). */
function d1File(persistTo: string): string {
  const dir = join(persistTo, 'v3', 'd1', 'miniflare-D1DatabaseObject')
  const files = readdirSync(dir).filter((name) => name.endsWith('.sqlite') && name !== 'metadata.sqlite')
  if (files.length !== 1) throw new Error(`expected one D1 database in ${dir}, found ${files.length}: run the migrations first`)
  return join(dir, files[0] ?? '')
}

const insert = (table: string, columns: string[]) =>
  `INSERT INTO ${table} (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`

/**
 * Inserts the rows in one transaction (the row_counts triggers keep the totals). Only while no wrangler/workerd has
 * the file open: two processes on one D1 file make workerd fail requests ("D1_ERROR: Failed to get session commit token").
 */
export function seedD1(persistTo: string, rows: { users: string[][]; posts: string[][] }) {
  const db = new DatabaseSync(d1File(persistTo))
  try {
    const users = db.prepare(insert('users', USER_COLUMNS))
    const posts = db.prepare(insert('posts', POST_COLUMNS))
    db.exec('BEGIN')
    for (const row of rows.users) users.run(...row)
    for (const row of rows.posts) posts.run(...row)
    db.exec('COMMIT')
    // Fold the WAL into the main file, so a copy of the directory is complete and workerd opens a settled database.
    db.exec('PRAGMA wal_checkpoint(TRUNCATE)')
  } finally {
    db.close()
  }
}

/** Logs the first seeded user in: its id and token, and the session bookmark of the answer. */
export async function logInBenchUser(baseUrl: string): Promise<{ id: string; token: string; bookmark: string }> {
  const response = await fetch(`${baseUrl}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: userEmail(1), password: USER_PASSWORD }),
  })
  const text = await response.text()
  if (!response.ok) throw new Error(`logging the bench user in answered ${response.status}: ${text.slice(0, 300)}`)
  const bookmark = response.headers.get('x-d1-bookmark')
  if (!bookmark) throw new Error('the login response carries no X-D1-Bookmark')
  const { data } = JSON.parse(text) as { data: { token: string; user: { id: string } } }
  return { id: data.user.id, token: data.token, bookmark }
}
