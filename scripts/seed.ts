// Fills the LOCAL D1 with deterministic demo data: one admin, users and posts. Replaces whatever users and posts were there.
// Usage: npm run seed -- [--users N] [--posts M] [--persist-to <dir>]
import { rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ADMIN_EMAIL, ADMIN_PASSWORD, POST_COLUMNS, seedRows, USER_COLUMNS, USER_PASSWORD } from './lib/seed-rows'
import { applyLocalMigrations, runWrangler } from './lib/wrangler'

const ROWS_PER_INSERT = 500
// D1 rejects statements over 100 KB; stay well under it whatever the row size.
const MAX_STATEMENT_BYTES = 90_000

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
    if (flag !== '--users' && flag !== '--posts' && flag !== '--persist-to')
      fail(`unknown option ${flag}; use --users N --posts M --persist-to <dir>`)
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

const sql = (value: string) => `'${value.replaceAll("'", "''")}'`

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

function buildSeed() {
  const options = parseOptions(process.argv.slice(2))
  const environment = process.env.ENVIRONMENT
  if (environment === 'staging' || environment === 'production')
    fail(`refusing to run with ENVIRONMENT=${environment}: seeding is for the local D1 only`)

  const started = performance.now()
  const rows = seedRows(options.users, options.posts)
  const script = [
    'DELETE FROM posts;',
    'DELETE FROM users;',
    ...insertStatements('users', USER_COLUMNS, rows.users),
    ...insertStatements('posts', POST_COLUMNS, rows.posts),
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
  const output = await runWrangler([
    'd1',
    'execute',
    'DB',
    '--local',
    ...persist,
    '--json',
    '--command',
    'SELECT (SELECT count(*) FROM users) AS users, (SELECT count(*) FROM posts) AS posts',
  ])
  const counts = (JSON.parse(output.slice(output.indexOf('['))) as Array<{ results: Array<{ users: number; posts: number }> }>)[0]
    ?.results[0]
  const expectedUsers = options.users + 1
  if (counts?.users !== expectedUsers || counts.posts !== options.posts) {
    fail(`expected ${expectedUsers} users and ${options.posts} posts, the database holds ${counts?.users} and ${counts?.posts}`)
  }

  const where = options.persistTo ? ` in ${options.persistTo}` : ''
  console.log(
    `seeded the local D1${where}: 1 admin + ${options.users} users, ${options.posts} posts in ${((performance.now() - started) / 1000).toFixed(1)} s`,
  )
  console.log(`admin: ${ADMIN_EMAIL} / ${ADMIN_PASSWORD}`)
  console.log(`users: user1@example.com .. user${options.users}@example.com / ${USER_PASSWORD}`)
}

run().catch((error: unknown) => fail(error instanceof Error ? error.message : String(error)))
