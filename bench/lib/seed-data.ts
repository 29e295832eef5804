// Deterministic benchmark data, written straight into a migrated local D1 file while no server has it open.
// `wrangler d1 execute --file` (what scripts/seed.ts uses) needs about 70 s for 100,000 posts here; this needs ~1 s.
import { createHash, pbkdf2Sync, randomBytes } from 'node:crypto'
import { readdirSync } from 'node:fs'
import { join } from 'node:path'
import { DatabaseSync } from 'node:sqlite'

export const BENCH_PASSWORD = 'bench-local-password'
// Must match src/infrastructure/password-hasher.ts, or no seeded user can log in.
const PBKDF2_ITERATIONS = 100_000
const START = Date.UTC(2025, 0, 1)
const SPAN_MS = 365 * 24 * 60 * 60 * 1000

/** A UUID v4-shaped id derived from a name, so every run has the same ids. */
export function benchUuid(name: string): string {
  const hex = createHash('sha256').update(name).digest('hex')
  const variant = ((Number.parseInt(hex[16] ?? '0', 16) & 0x3) | 0x8).toString(16)
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`
}

export const benchEmail = (i: number) => `user${i}@example.com`

/** mulberry32: a tiny seeded PRNG. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296
  }
}

const topics = ['edge caching', 'pagination', 'API contracts', 'SQLite indexes', 'error envelopes', 'rate limits', 'ETags', 'typed clients']
const sentences = [
  'We started with the simplest thing that could work and measured before changing it.',
  'The contract is the single source of truth, so the docs never drift from the code.',
  'Every error carries a code that clients can switch on, and a message they can show.',
  'Indexes that match the sort order keep deep pages cheap even with many rows.',
  'A request id in every log line turned a day of guessing into five minutes of reading.',
]

/** Users (columns as the floor's /__seed/users takes them) and posts (as /__seed/posts takes them). */
export function seedRows(users: number, posts: number) {
  const random = seededRandom(20_251_125)
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T
  const salt = randomBytes(16)
  const hash = pbkdf2Sync(BENCH_PASSWORD, salt, PBKDF2_ITERATIONS, 32, 'sha256')
  // One hash for every user: PBKDF2 per user would cost minutes, and only logging in reads it.
  const passwordHash = `pbkdf2-sha256$${PBKDF2_ITERATIONS}$${salt.toString('base64')}$${hash.toString('base64')}`
  const iso = (ms: number) => new Date(Math.floor(ms)).toISOString()

  const userRows: string[][] = []
  for (let i = 1; i <= users; i += 1) {
    const created = iso(START + random() * SPAN_MS)
    userRows.push([benchUuid(`user:${i}`), benchEmail(i), `Bench User ${i}`, 'user', passwordHash, created, created])
  }
  const postRows: string[][] = []
  for (let i = 1; i <= posts; i += 1) {
    const author = userRows[Math.floor(random() * users)]?.[0] ?? ''
    const created = iso(START + random() * SPAN_MS)
    const body = Array.from({ length: 1 + Math.floor(random() * 3) }, () => pick(sentences)).join(' ')
    postRows.push([benchUuid(`post:${i}`), author, `Notes on ${pick(topics)} #${i}`, body, created, created])
  }
  return { users: userRows, posts: postRows }
}

/** The one D1 database file Miniflare keeps under a persist dir (its name is a hash of the database id). */
function d1File(persistTo: string): string {
  const dir = join(persistTo, 'v3', 'd1', 'miniflare-D1DatabaseObject')
  const files = readdirSync(dir).filter((name) => name.endsWith('.sqlite') && name !== 'metadata.sqlite')
  if (files.length !== 1) throw new Error(`expected one D1 database in ${dir}, found ${files.length}: run the migrations first`)
  return join(dir, files[0] ?? '')
}

/**
 * Inserts the rows in one transaction. Only while no wrangler/workerd has the file open: two processes on one D1
 * file make workerd fail requests ("D1_ERROR: Failed to get session commit token: internal error").
 */
export function seedD1(persistTo: string, rows: { users: string[][]; posts: string[][] }) {
  const db = new DatabaseSync(d1File(persistTo))
  try {
    const users = db.prepare('INSERT INTO users (id, email, name, role, password_hash, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)')
    const posts = db.prepare('INSERT INTO posts (id, user_id, title, body, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)')
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
