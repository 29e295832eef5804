// The number of D1 round trips each operation makes, through the real app. Each round trip is a network hop to the
// database in production, so this count is the first-order cost of an endpoint; a change that adds one fails here.
import { createExecutionContext, env, waitOnExecutionContext } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import { createApp } from '../../src/app'
import { PASSWORD, registerAdmin, uniqueEmail } from './support/api'
import { interceptD1 } from './support/d1-proxy'

const EXECUTES = new Set<PropertyKey>(['first', 'all', 'run', 'raw'])

/** Wraps a D1 binding: each executed statement and each batch (however many statements) counts as one round trip. */
function countingD1(db: D1Database) {
  const trips: string[] = []
  // The runtime's batch() needs its own statement objects, so remember which real statement each wrapper stands for.
  const unwrapped = new WeakMap<object, D1PreparedStatement>()

  const wrap = (statement: D1PreparedStatement, sql: string): D1PreparedStatement => {
    const wrapper = new Proxy(statement, {
      get(target, property) {
        const value: unknown = Reflect.get(target, property, target)
        if (typeof value !== 'function') return value
        if (property === 'bind') return (...values: unknown[]) => wrap(target.bind(...values), sql)
        if (!EXECUTES.has(property)) return value.bind(target)
        return (...args: unknown[]) => {
          trips.push(`${String(property)}: ${sql}`)
          return Reflect.apply(value, target, args)
        }
      },
    })
    unwrapped.set(wrapper, statement)
    return wrapper
  }

  // The app reads and writes through a D1 session (withSession), which interceptD1 wraps the same way.
  const binding = interceptD1(db, (target) => ({
    prepare: (sql: string) => wrap(target.prepare(sql), sql),
    batch: <T>(statements: D1PreparedStatement[]) => {
      trips.push(`batch of ${statements.length}`)
      return target.batch<T>(statements.map((s) => unwrapped.get(s) ?? s))
    },
    ...('exec' in target
      ? {
          exec: (sql: string) => {
            trips.push(`exec: ${sql}`)
            return target.exec(sql)
          },
        }
      : {}),
  }))
  return { binding, trips }
}

const app = createApp()

interface Measured {
  status: number
  trips: string[]
  body: unknown
}

/** One request through createApp() with a counting DB; waits for waitUntil work so background queries count too. */
async function measure(path: string, init: RequestInit = {}): Promise<Measured> {
  const { binding, trips } = countingD1(env.DB)
  const ctx = createExecutionContext()
  // Its own client address per request, so the per-IP rate limits (which are not D1) never interfere.
  const headers = new Headers(init.headers)
  headers.set('CF-Connecting-IP', `198.18.${Math.floor(Math.random() * 256)}.${Math.floor(Math.random() * 256)}`)
  const response = await app.request(path, { ...init, headers }, { ...env, DB: binding }, ctx)
  const text = await response.text()
  await waitOnExecutionContext(ctx)
  return { status: response.status, trips: [...trips], body: text ? JSON.parse(text) : null }
}

// PUT, PATCH and DELETE must name a version: `*` is any (If-Match is required on them).
const version = (method: string): Record<string, string> => (['PUT', 'PATCH', 'DELETE'].includes(method) ? { 'If-Match': '*' } : {})
const jsonInit = (method: string, body: unknown, token?: string): RequestInit => ({
  method,
  headers: { 'content-type': 'application/json', ...version(method), ...(token ? { authorization: `Bearer ${token}` } : {}) },
  body: JSON.stringify(body),
})
const bearer = (token: string, method = 'GET'): RequestInit => ({
  method,
  headers: { authorization: `Bearer ${token}`, ...version(method) },
})

interface Session {
  token: string
  user: { id: string; email: string }
}

function dataOf<T>(measured: Measured): T {
  const body = measured.body as { data?: T } | null
  if (!body?.data) throw new Error(`expected a data envelope, got ${measured.status}: ${JSON.stringify(measured.body)}`)
  return body.data
}

/** Trips with a readable failure message: the list of statements is printed when the count is wrong. */
function expectTrips(measured: Measured, status: number, expected: number) {
  expect(measured.status, JSON.stringify(measured.body)).toBe(status)
  expect(measured.trips, `D1 round trips:\n${measured.trips.join('\n')}`).toHaveLength(expected)
}

async function registered(): Promise<Session> {
  const measured = await measure('/api/auth/register', jsonInit('POST', { email: uniqueEmail('trips'), name: 'Trips', password: PASSWORD }))
  return dataOf<Session>(measured)
}

async function withPost() {
  const author = await registered()
  const made = await measure(`/api/users/${author.user.id}/posts`, jsonInit('POST', { title: 'T', body: 'B' }, author.token))
  return { author, post: dataOf<{ id: string }>(made) }
}

describe('D1 round trips per operation', () => {
  it('the counter: a batch is one trip however many statements; each executed statement is one', async () => {
    const { binding, trips } = countingD1(env.DB)
    const select = binding.prepare('SELECT ? AS n')
    await binding.batch([select.bind(1), select.bind(2), select.bind(3)])
    expect(await select.bind(4).first('n')).toBe(4)
    await binding.prepare('SELECT 1').all()
    expect(trips).toEqual(['batch of 3', 'first: SELECT ? AS n', 'all: SELECT 1'])
  })

  it('health: 1', async () => {
    expectTrips(await measure('/health'), 200, 1)
  })

  it('register: 1, and the welcome email (waitUntil) adds none', async () => {
    const measured = await measure(
      '/api/auth/register',
      jsonInit('POST', { email: uniqueEmail('trips'), name: 'Trips', password: PASSWORD }),
    )
    expectTrips(measured, 201, 1)
  })

  it('login: 2 (the attempt, then clearing the failed count after the answer)', async () => {
    const session = await registered()
    expectTrips(await measure('/api/auth/login', jsonInit('POST', { email: session.user.email, password: PASSWORD })), 200, 2)
  })

  it('profile (authentication only): 1', async () => {
    const session = await registered()
    expectTrips(await measure('/api/profile', bearer(session.token)), 200, 1)
  })

  it('get user: 1; get post: 1', async () => {
    const { author, post } = await withPost()
    expectTrips(await measure(`/api/users/${author.user.id}`), 200, 1)
    expectTrips(await measure(`/api/posts/${post.id}`), 200, 1)
  })

  it('a read the Worker cache answers costs none, 304 included', async () => {
    const { post } = await withPost()
    // The first read is a miss (1 round trip) and fills the Cache API entry.
    expectTrips(await measure(`/api/posts/${post.id}`), 200, 1)
    const again = await measure(`/api/posts/${post.id}`)
    expectTrips(again, 200, 0)
    const first = await app.request(
      `/api/posts/${post.id}`,
      { headers: { 'CF-Connecting-IP': '198.18.0.1' } },
      env,
      createExecutionContext(),
    )
    const tag = first.headers.get('etag') ?? ''
    expectTrips(await measure(`/api/posts/${post.id}`, { headers: { 'if-none-match': tag } }), 304, 0)
  })

  it('lists with totals: 1 (rows and count in one batch)', async () => {
    const { author } = await withPost()
    expectTrips(await measure('/api/users?page=1'), 200, 1)
    expectTrips(await measure('/api/posts?page=1'), 200, 1)
    expectTrips(await measure(`/api/posts?page=1&authorId=${author.user.id}`), 200, 1)
    expectTrips(await measure(`/api/users/${author.user.id}/posts?page=1`), 200, 1)
  })

  it('create post: 1 + 1 for authentication', async () => {
    const author = await registered()
    expectTrips(await measure(`/api/users/${author.user.id}/posts`, jsonInit('POST', { title: 'T', body: 'B' }, author.token)), 201, 2)
  })

  it('create post with an Idempotency-Key: 1 + 1 to claim the key + 1 to write + 1 to keep the answer; its replay: 1 + 1', async () => {
    const author = await registered()
    const init = jsonInit('POST', { title: 'T', body: 'B' }, author.token)
    const headers = { ...(init.headers as Record<string, string>), 'Idempotency-Key': crypto.randomUUID() }
    const first = await measure(`/api/users/${author.user.id}/posts`, { ...init, headers })
    expectTrips(first, 201, 4)
    const replay = await measure(`/api/users/${author.user.id}/posts`, { ...init, headers })
    expectTrips(replay, 201, 2)
    expect(replay.body).toMatchObject({ data: dataOf<{ id: string }>(first) })
  })

  it('admin creates a user: 1 + 1', async () => {
    const admin = await registerAdmin()
    expectTrips(
      await measure(
        '/api/users',
        jsonInit('POST', { email: uniqueEmail('trips'), name: 'Made', password: PASSWORD, role: 'guest' }, admin.token),
      ),
      201,
      2,
    )
  })

  it('update post (PATCH): 1 + 1; delete post: 1 + 1', async () => {
    const { author, post } = await withPost()
    const path = `/api/users/${author.user.id}/posts/${post.id}`
    expectTrips(await measure(path, jsonInit('PATCH', { title: 'Edited' }, author.token)), 200, 2)
    expectTrips(await measure(path, bearer(author.token, 'DELETE')), 204, 2)
  })

  it('update user (PATCH and PUT): 1 + 1', async () => {
    const session = await registered()
    const path = `/api/users/${session.user.id}`
    expectTrips(await measure(path, jsonInit('PATCH', { name: 'Renamed' }, session.token)), 200, 2)
    expectTrips(await measure(path, jsonInit('PUT', { email: session.user.email, name: 'Replaced' }, session.token)), 200, 2)
  })

  it('delete user (posts and user in one batch): 1 + 1', async () => {
    const { author } = await withPost()
    expectTrips(await measure(`/api/users/${author.user.id}`, bearer(author.token, 'DELETE')), 204, 2)
  })

  it('a rejected token costs nothing; a forbidden write costs only the authentication', async () => {
    const victim = await registered()
    const other = await registered()
    expectTrips(await measure('/api/profile', bearer('a.b.c')), 401, 0)
    expectTrips(await measure(`/api/users/${victim.user.id}/posts`, jsonInit('POST', { title: 'T', body: 'B' }, other.token)), 403, 1)
  })
})
