// Fills the LOCAL D1 with deterministic demo data: one admin, users and posts. Replaces whatever users and posts were there.
// Usage: npm run seed -- [--users N] [--posts M] [--persist-to <dir>]
import { createHash, pbkdf2Sync, randomBytes } from 'node:crypto'
import { rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { applyLocalMigrations, runWrangler } from './lib/wrangler'

const ADMIN_EMAIL = 'admin@example.com'
// Local demo data only (the script refuses anything remote), so fixed passwords are a convenience, not a secret.
const ADMIN_PASSWORD = process.env.SEED_ADMIN_PASSWORD ?? 'admin-local-password'
const USER_PASSWORD = process.env.SEED_USER_PASSWORD ?? 'demo-local-password'
// Must match src/infrastructure/password-hasher.ts, or nobody seeded can log in.
const PBKDF2_ITERATIONS = 100_000
const ROWS_PER_INSERT = 500
// D1 rejects statements over 100 KB; stay well under it whatever the row size.
const MAX_STATEMENT_BYTES = 90_000
const SEED_START = Date.UTC(2025, 0, 1)
const SEED_SPAN_MS = 365 * 24 * 60 * 60 * 1000

interface Options {
  users: number
  posts: number
  persistTo?: string
}

function fail(message: string): never {
  console.error(`seed: ${message}`)
  process.exit(1)
}

function parseOptions(argv: string[]): Options {
  const options: Options = { users: 20, posts: 100 }
  for (let i = 0; i < argv.length; i += 1) {
    const flag = argv[i]
    const value = argv[i + 1]
    if (flag === '--remote') fail('refusing --remote: seeding replaces all users and posts, so it only ever runs against the local D1')
    if (flag !== '--users' && flag !== '--posts' && flag !== '--persist-to') fail(`unknown option ${flag}; use --users N --posts M --persist-to <dir>`)
    if (value === undefined) fail(`${flag} needs a value`)
    i += 1
    if (flag === '--persist-to') {
      options.persistTo = value
      continue
    }
    const count = Number(value)
    if (!Number.isInteger(count) || count < 0) fail(`${flag} must be a whole number, got ${value}`)
    if (flag === '--users') options.users = count
    else options.posts = count
  }
  if (options.posts > 0 && options.users === 0) fail('posts need at least one user')
  return options
}

function hashPassword(password: string): string {
  const salt = randomBytes(16)
  const hash = pbkdf2Sync(password, salt, PBKDF2_ITERATIONS, 32, 'sha256')
  return `pbkdf2-sha256$${PBKDF2_ITERATIONS}$${salt.toString('base64')}$${hash.toString('base64')}`
}

/** A UUID v4-shaped id derived from a name, so every run produces the same ids. */
function deterministicUuid(name: string): string {
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

const sql = (value: string) => `'${value.replaceAll("'", "''")}'`
const iso = (ms: number) => new Date(ms).toISOString()

/** Multi-row INSERTs of at most ROWS_PER_INSERT rows and MAX_STATEMENT_BYTES each. */
function insertStatements(table: string, columns: string[], rows: string[][]): string[] {
  const head = `INSERT INTO ${table} (${columns.join(', ')}) VALUES\n`
  const statements: string[] = []
  let batch: string[] = []
  let bytes = head.length
  const flush = () => {
    if (batch.length > 0) statements.push(`${head}${batch.join(',\n')};`)
    batch = []
    bytes = head.length
  }
  for (const row of rows) {
    const tuple = `(${row.map(sql).join(', ')})`
    if (batch.length === ROWS_PER_INSERT || bytes + tuple.length + 2 > MAX_STATEMENT_BYTES) flush()
    batch.push(tuple)
    bytes += tuple.length + 2
  }
  flush()
  return statements
}

const firstNames = ['Alice', 'Bob', 'Carol', 'Dave', 'Erin', 'Frank', 'Grace', 'Heidi', 'Ivan', 'Judy', 'Mallory', 'Niaj', 'Olivia', 'Peggy', 'Rupert', 'Sybil', 'Trent', 'Uma', 'Victor', 'Wendy']
const lastNames = ['Adams', 'Baker', 'Clark', 'Davis', 'Evans', 'Garcia', 'Hughes', 'Ito', 'Jones', 'Khan', 'Lopez', 'Moreau', 'Novak', 'Okafor', 'Patel', 'Quinn', 'Rossi', 'Silva', 'Tanaka', 'Weber']
const topics = ['edge caching', 'pagination', 'API contracts', 'SQLite indexes', 'error envelopes', 'rate limits', 'ETags', 'schema migrations', 'typed clients', 'request ids']
const angles = ['A practical guide to', 'Lessons learned from', 'Why we changed our mind about', 'Five mistakes with', 'Measuring', 'Notes on']
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

function buildSeed() {
  const options = parseOptions(process.argv.slice(2))
  const environment = process.env.ENVIRONMENT
  if (environment === 'staging' || environment === 'production') fail(`refusing to run with ENVIRONMENT=${environment}: seeding is for the local D1 only`)

  const random = seededRandom(20_250_101)
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T
  const started = performance.now()

  const adminHash = hashPassword(ADMIN_PASSWORD)
  // One hash shared by every demo user: PBKDF2 at 100k iterations per user would make 10,000 users take minutes.
  const userHash = hashPassword(USER_PASSWORD)

  const userStep = SEED_SPAN_MS / Math.max(options.users, 1)
  const adminCreated = iso(SEED_START - 24 * 60 * 60 * 1000)
  const userRows: string[][] = [[deterministicUuid('admin'), ADMIN_EMAIL, 'Admin Example', 'admin', adminHash, adminCreated, adminCreated]]
  const authors: Array<{ id: string; createdMs: number }> = []
  for (let i = 1; i <= options.users; i += 1) {
    const id = deterministicUuid(`user:${i}`)
    const createdMs = Math.floor(SEED_START + (i - 1) * userStep + random() * userStep)
    const name = `${firstNames[(i - 1) % firstNames.length]} ${lastNames[Math.floor((i - 1) / firstNames.length) % lastNames.length]}`
    userRows.push([id, `user${i}@example.com`, name, 'user', userHash, iso(createdMs), iso(createdMs)])
    authors.push({ id, createdMs })
  }

  const seedEnd = SEED_START + SEED_SPAN_MS
  const postRows: string[][] = []
  for (let i = 1; i <= options.posts; i += 1) {
    const author = pick(authors)
    const createdMs = Math.floor(author.createdMs + random() * (seedEnd - author.createdMs))
    // About one post in five was edited a little later.
    const updatedMs = random() < 0.2 ? createdMs + Math.floor(random() * 3 * 24 * 60 * 60 * 1000) : createdMs
    const title = `${pick(angles)} ${pick(topics)} #${i}`
    const body = Array.from({ length: 1 + Math.floor(random() * 3) }, () => pick(sentences)).join(' ')
    postRows.push([deterministicUuid(`post:${i}`), author.id, title, body, iso(createdMs), iso(updatedMs)])
  }

  const script = [
    'DELETE FROM posts;',
    'DELETE FROM users;',
    ...insertStatements('users', ['id', 'email', 'name', 'role', 'password_hash', 'created_at', 'updated_at'], userRows),
    ...insertStatements('posts', ['id', 'user_id', 'title', 'body', 'created_at', 'updated_at'], postRows),
  ].join('\n')
  return { options, script, started }
}

async function run() {
  const { options, script, started } = buildSeed()
  const persist = options.persistTo ? ['--persist-to', options.persistTo] : []
  const file = join(tmpdir(), `seed-${process.pid}.sql`)
  writeFileSync(file, script)
  try {
    await applyLocalMigrations(options.persistTo)
    await runWrangler(['d1', 'execute', 'DB', '--local', ...persist, '--file', file])
  } finally {
    rmSync(file, { force: true })
  }

  // Read the counts back rather than trusting the script ran to the end.
  const output = await runWrangler(['d1', 'execute', 'DB', '--local', ...persist, '--json', '--command', 'SELECT (SELECT count(*) FROM users) AS users, (SELECT count(*) FROM posts) AS posts'])
  const counts = (JSON.parse(output.slice(output.indexOf('['))) as Array<{ results: Array<{ users: number; posts: number }> }>)[0]?.results[0]
  const expectedUsers = options.users + 1
  if (counts?.users !== expectedUsers || counts.posts !== options.posts) {
    fail(`expected ${expectedUsers} users and ${options.posts} posts, the database holds ${counts?.users} and ${counts?.posts}`)
  }

  const where = options.persistTo ? ` in ${options.persistTo}` : ''
  console.log(`seeded the local D1${where}: 1 admin + ${options.users} users, ${options.posts} posts in ${((performance.now() - started) / 1000).toFixed(1)} s`)
  console.log(`admin: ${ADMIN_EMAIL} / ${ADMIN_PASSWORD}`)
  console.log(`users: user1@example.com .. user${options.users}@example.com / ${USER_PASSWORD}`)
}

run().catch((error: unknown) => fail(error instanceof Error ? error.message : String(error)))
