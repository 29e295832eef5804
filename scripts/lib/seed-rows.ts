// Deterministic demo rows: one admin, users and posts, the same on every run. Written to a local D1 by scripts/seed.ts
// (SQL through wrangler, any local D1) and by bench/lib/seed-data.ts (straight into the file, for 100,000 rows in seconds).
import { createHash, pbkdf2Sync, randomBytes } from 'node:crypto'

export const ADMIN_EMAIL = 'admin@example.com'
// Local demo data only (both writers refuse anything remote), so fixed passwords are a convenience, not a secret.
export const ADMIN_PASSWORD = process.env.SEED_ADMIN_PASSWORD ?? 'admin-local-password'
export const USER_PASSWORD = process.env.SEED_USER_PASSWORD ?? 'demo-local-password'
export const userEmail = (i: number) => `user${i}@example.com`

export const USER_COLUMNS = ['id', 'email', 'name', 'role', 'password_hash', 'created_at', 'updated_at']
export const POST_COLUMNS = ['id', 'user_id', 'title', 'body', 'created_at', 'updated_at']

// Must match src/infrastructure/passwords.ts, or nobody seeded can log in.
const PBKDF2_ITERATIONS = 100_000
const SEED_START = Date.UTC(2025, 0, 1)
const SEED_SPAN_MS = 365 * 24 * 60 * 60 * 1000

function hashPassword(password: string): string {
  const salt = randomBytes(16)
  const hash = pbkdf2Sync(password, salt, PBKDF2_ITERATIONS, 32, 'sha256')
  return `pbkdf2-sha256$${PBKDF2_ITERATIONS}$${salt.toString('base64')}$${hash.toString('base64')}`
}

/** A UUID v4-shaped id derived from a name, so every run produces the same ids. */
export function deterministicUuid(name: string): string {
  const hex = createHash('sha256').update(name).digest('hex')
  const variant = ((Number.parseInt(hex[16] ?? '0', 16) & 0x3) | 0x8).toString(16)
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`
}

/** mulberry32: a tiny seeded PRNG, so authors, times and texts are the same on every run. */
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

const iso = (ms: number) => new Date(ms).toISOString()

const firstNames = [
  'Alice',
  'Bob',
  'Carol',
  'Dave',
  'Erin',
  'Frank',
  'Grace',
  'Heidi',
  'Ivan',
  'Judy',
  'Mallory',
  'Niaj',
  'Olivia',
  'Peggy',
  'Rupert',
  'Sybil',
  'Trent',
  'Uma',
  'Victor',
  'Wendy',
]
const lastNames = [
  'Adams',
  'Baker',
  'Clark',
  'Davis',
  'Evans',
  'Garcia',
  'Hughes',
  'Ito',
  'Jones',
  'Khan',
  'Lopez',
  'Moreau',
  'Novak',
  'Okafor',
  'Patel',
  'Quinn',
  'Rossi',
  'Silva',
  'Tanaka',
  'Weber',
]
const topics = [
  'edge caching',
  'pagination',
  'API contracts',
  'SQLite indexes',
  'error envelopes',
  'rate limits',
  'ETags',
  'schema migrations',
  'typed clients',
  'request ids',
]
const angles = [
  'A practical guide to',
  'Lessons learned from',
  'Why we changed our mind about',
  'Five mistakes with',
  'Measuring',
  'Notes on',
]
const sentences = [
  'We started with the simplest thing that could work and measured before changing it.',
  'The contract is the single source of truth, so the docs never drift from the code.',
  'Cursor pagination would be faster, but page numbers are what our clients asked for.',
  'Every error carries a code that clients can switch on, and a message they can show.',
  'Indexes that match the sort order keep deep pages cheap even with many rows.',
  'A request id in every log line turned a day of guessing into five minutes of reading.',
  'Local development runs the same runtime as production, which removed a class of surprises.',
  'The benchmark runs on every change, so a slow query is caught before it ships.',
]

/** Rows in USER_COLUMNS / POST_COLUMNS order: the admin first, then `users` users (user1..userN) and `posts` posts. */
export function seedRows(users: number, posts: number): { users: string[][]; posts: string[][] } {
  const random = seededRandom(20_250_101)
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T

  const adminHash = hashPassword(ADMIN_PASSWORD)
  // One hash shared by every demo user: PBKDF2 at 100k iterations per user would make 10,000 users take minutes.
  const userHash = hashPassword(USER_PASSWORD)

  const userStep = SEED_SPAN_MS / Math.max(users, 1)
  const adminCreated = iso(SEED_START - 24 * 60 * 60 * 1000)
  const userRows: string[][] = [[deterministicUuid('admin'), ADMIN_EMAIL, 'Admin Example', 'admin', adminHash, adminCreated, adminCreated]]
  const authors: Array<{ id: string; createdMs: number }> = []
  for (let i = 1; i <= users; i += 1) {
    const id = deterministicUuid(`user:${i}`)
    const createdMs = Math.floor(SEED_START + (i - 1) * userStep + random() * userStep)
    const name = `${firstNames[(i - 1) % firstNames.length]} ${lastNames[Math.floor((i - 1) / firstNames.length) % lastNames.length]}`
    userRows.push([id, userEmail(i), name, 'user', userHash, iso(createdMs), iso(createdMs)])
    authors.push({ id, createdMs })
  }

  const seedEnd = SEED_START + SEED_SPAN_MS
  const postRows: string[][] = []
  for (let i = 1; i <= posts; i += 1) {
    const author = pick(authors)
    const createdMs = Math.floor(author.createdMs + random() * (seedEnd - author.createdMs))
    // About one post in five was edited a little later.
    const updatedMs = random() < 0.2 ? createdMs + Math.floor(random() * 3 * 24 * 60 * 60 * 1000) : createdMs
    const title = `${pick(angles)} ${pick(topics)} #${i}`
    const body = Array.from({ length: 1 + Math.floor(random() * 3) }, () => pick(sentences)).join(' ')
    postRows.push([deterministicUuid(`post:${i}`), author.id, title, body, iso(createdMs), iso(updatedMs)])
  }
  return { users: userRows, posts: postRows }
}
