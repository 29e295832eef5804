// D1 failing the way production databases fail, for every operation of the document: each round trip of a request is
// failed in turn, before it runs and after it committed (its answer lost), and then the client retries as the document
// tells it to (the same Idempotency-Key on a POST, the same If-Match on a write). Every answer must be documented and
// conform, never a 500; the database must end as one healthy request would have left it: nothing created twice, nothing
// lost. Then a soak: a client retrying a few hundred creates while 10% of the trips fail ends with exactly its rows.
import { env } from 'cloudflare:test'
import { afterAll, describe, expect, it } from 'vitest'
import type { OperationId } from '../../src/contract/operations'
import { documentOperation, documentOperations, fillPath } from '../support/openapi'
import { call } from './support/api'
import { assertConforms } from './support/contract'
import { type Fault, faultyD1, randomFaults, sendWith } from './support/faults'
import { makeWorld, type RequestSpec, validRequests, type World } from './support/operations'

const takes = (operationId: OperationId, header: string) =>
  documentOperation(operationId).parameters.some((p) => p.in === 'header' && p.name === header)

/** The request of an operation as a careful client sends it: its credential, a key on a POST, the current ETag on a write. */
async function requestOf(operationId: OperationId, world: World): Promise<Request> {
  const spec: RequestSpec = validRequests[operationId](world)
  const { method, path, secured } = documentOperation(operationId)
  const headers: Record<string, string> = { 'CF-Connecting-IP': `198.18.7.${Math.floor(Math.random() * 256)}`, ...spec.headers }
  if (secured) headers.Authorization = `Bearer ${operationId === 'createUser' ? world.admin.token : world.owner.token}`
  if (takes(operationId, 'Idempotency-Key')) headers['Idempotency-Key'] = crypto.randomUUID()
  if (takes(operationId, 'If-Match')) {
    const resource = spec.path?.postId ? `/api/posts/${spec.path.postId}` : `/api/users/${spec.path?.id}`
    headers['If-Match'] = (await call(resource)).headers.get('etag') ?? '*'
  }
  if (spec.body !== undefined) headers['content-type'] = 'application/json'
  const query = new URLSearchParams(spec.query ?? {}).toString()
  return new Request(`http://api.test${fillPath(path, spec.path ?? {})}${query ? `?${query}` : ''}`, {
    method: method.toUpperCase(),
    headers,
    ...(spec.body === undefined ? {} : { body: JSON.stringify(spec.body) }),
  })
}

/** What the operations change, and the invariants that must hold whatever failed. */
async function state() {
  const [row] = await env.DB.batch<Record<string, number>>([
    env.DB.prepare(
      `SELECT (SELECT count(*) FROM users) AS users, (SELECT count(*) FROM posts) AS posts,
        (SELECT count(*) FROM api_keys) AS keys, (SELECT count(*) FROM api_keys WHERE revoked_at IS NULL) AS activeKeys,
        (SELECT coalesce(sum(version), 0) FROM users) AS userVersions, (SELECT coalesce(sum(version), 0) FROM posts) AS postVersions,
        (SELECT coalesce(sum(token_generation), 0) FROM users) AS generations,
        (SELECT coalesce(sum(failures), 0) FROM login_attempts) AS attempts,
        (SELECT count(*) FROM login_attempts WHERE locked_until IS NOT NULL) AS locks,
        (SELECT count(*) FROM events WHERE type <> 'ping') AS events, (SELECT count(*) FROM webhook_endpoints) AS endpoints,
        (SELECT count FROM row_counts WHERE name = 'users') AS countedUsers, (SELECT count FROM row_counts WHERE name = 'posts') AS countedPosts`,
    ),
  ])
  const values = row!.results[0]!
  expect(values.countedUsers, 'row_counts.users').toBe(values.users)
  expect(values.countedPosts, 'row_counts.posts').toBe(values.posts)
  const { countedUsers: _u, countedPosts: _p, ...rest } = values
  return rest
}

const delta = (before: Record<string, number>, after: Record<string, number>) =>
  Object.fromEntries(Object.keys(after).map((name) => [name, after[name]! - before[name]!]))

/** Sends one request with D1 failing as planned; checks the answer against the document; returns it with its trips. */
async function attempt(request: Request, plan: (trip: number) => Fault | undefined, bindings: Partial<Env> & Record<string, unknown> = {}) {
  const { binding, trips } = faultyD1(plan)
  const response = await sendWith(request.clone(), { ...bindings, DB: binding })
  await assertConforms(request.method, request.url, response.clone())
  expect(response.status, `${request.method} ${new URL(request.url).pathname}: never a 500`).not.toBe(500)
  return { response, trips }
}

const operationIds = documentOperations.map((op) => op.operationId as OperationId)

/** Where each keyed create's row is, to check that what a retry answers is the one row it made. */
const createdIn: Partial<Record<OperationId, { table: string; id: (data: Record<string, unknown>) => unknown }>> = {
  register: { table: 'users', id: (data) => (data.user as { id: string }).id },
  createUser: { table: 'users', id: (data) => data.id },
  createUserPost: { table: 'posts', id: (data) => data.id },
  createApiKey: { table: 'api_keys', id: (data) => data.id },
}

/**
 * A keyed POST retried after any fault answers as the healthy request did: the same status, and for a create the one
 * row it made (replayed or recovered), with a credential that works when it hands one out (a sign-up's token, a key's
 * secret), so an answer lost after commit is never a second row, a 409 or a dead secret.
 */
async function sameOutcome(operationId: OperationId, where: string, healthy: Response, retry: Response) {
  expect(retry.status, `${where}: the retry answers as the healthy request`).toBe(healthy.status)
  const created = createdIn[operationId]
  if (!created) return
  const { data } = await retry.clone().json<{ data: Record<string, unknown> }>()
  const row = await env.DB.prepare(`SELECT count(*) AS n FROM ${created.table} WHERE id = ?`).bind(created.id(data)).first('n')
  expect(row, `${where}: the answer names the row it made`).toBe(1)
  const credential = operationId === 'register' ? data.token : operationId === 'createApiKey' ? data.secret : undefined
  if (typeof credential === 'string') {
    const profile = await call('/api/profile', { headers: { Authorization: `Bearer ${credential}` } })
    expect(profile.status, `${where}: the credential it hands out works`).toBe(200)
  }
}

describe('every operation, each D1 round trip failed in turn, then retried', () => {
  let faulted = 0
  afterAll(() => console.info(`faults: ${faulted} failed round trips, each then retried, over ${operationIds.length} operations`))
  for (const operationId of operationIds) {
    it(`${operationId}`, { timeout: 120_000 }, async () => {
      // The healthy run: its status, its round trips, and what it changes.
      const healthyWorld = await makeWorld()
      const healthyBefore = await state()
      const healthy = await attempt(await requestOf(operationId, healthyWorld), () => undefined)
      const intended = delta(healthyBefore, await state())

      for (let trip = 0; trip < healthy.trips.length; trip++) {
        for (const fault of ['before', 'after'] as const) {
          const where = `${operationId}, trip ${trip} of ${healthy.trips.length} failed ${fault} it ran`
          const world = await makeWorld()
          const request = await requestOf(operationId, world)
          const before = await state()
          const first = await attempt(request, (index) => (index === trip ? fault : undefined))
          faulted++
          if (healthy.trips[trip]!.afterResponse) {
            // Work after the answer failed: the client was answered as if nothing had.
            expect(first.response.status, where).toBe(healthy.response.status)
          } else {
            // The client waited for this trip: a dependency failure, to be retried after Retry-After (or, for /health,
            // its own report naming the database).
            expect(first.response.status, where).toBe(503)
            const body = await first.response.clone().json<{ error?: { code: string }; status?: string }>()
            if (operationId === 'getHealth') expect(body.status, where).toBe('unhealthy')
            else {
              expect(body.error?.code, where).toBe('SERVICE_UNAVAILABLE')
              expect(Number(first.response.headers.get('retry-after')), where).toBeGreaterThan(0)
            }
          }
          // The retry, on a healthy platform: a documented answer, and the same end as one healthy request.
          const retry = await attempt(request, () => undefined)
          expect(delta(before, await state()), where).toEqual(intended)
          if (request.headers.has('Idempotency-Key')) await sameOutcome(operationId, where, healthy.response, retry.response)
        }
      }
    })
  }
})

describe('password attempts never judged', () => {
  it('correct logins whose answers are lost after the attempt committed never lock the account', async () => {
    const world = await makeWorld()
    const login = () =>
      new Request('http://api.test/api/auth/login', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'CF-Connecting-IP': '198.18.8.8' },
        body: JSON.stringify({ email: world.owner.user.email, password: world.owner.password }),
      })
    // The login's first round trip counts the attempt and reads the hash: D1 commits it and loses the answer, six times.
    // (From one address, with the per-address request limit off: the account's lock is what this is about.)
    const unlimited = { RATE_LIMITS: 'off' }
    for (let n = 0; n < 6; n++) {
      expect((await attempt(login(), (trip) => (trip === 0 ? 'after' : undefined), unlimited)).response.status).toBe(503)
    }
    const attempts = await env.DB.prepare('SELECT coalesce(sum(failures), 0) AS n FROM login_attempts WHERE subject = ?')
      .bind(world.owner.user.id)
      .first('n')
    expect(attempts).toBe(0)
    expect((await attempt(login(), () => undefined, unlimited)).response.status).toBe(200)
  })
})

describe('exactly once under random faults', () => {
  it(
    'a client retrying 300 keyed creates while 10% of D1 trips fail (half after commit) ends with exactly 300 posts',
    { timeout: 240_000 },
    async () => {
      const world = await makeWorld()
      const path = `/api/users/${world.owner.user.id}/posts`
      let seed = 20261208
      const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31
      const plan = randomFaults(0.1, random)
      const created = new Set<string>()
      const statuses: Record<number, number> = {}
      for (let n = 0; n < 300; n++) {
        const key = crypto.randomUUID()
        const request = new Request(`http://api.test${path}`, {
          method: 'POST',
          headers: { Authorization: `Bearer ${world.owner.token}`, 'Idempotency-Key': key, 'content-type': 'application/json' },
          body: JSON.stringify({ title: `Soak ${n}`, body: 'Created exactly once' }),
        })
        let done = false
        for (let tries = 0; tries < 40 && !done; tries++) {
          // One client, 300 requests and their retries: its rate limit is not what this measures.
          const { response } = await attempt(request, plan, { RATE_LIMITS: 'off' })
          statuses[response.status] = (statuses[response.status] ?? 0) + 1
          if (response.status === 201) {
            created.add((await response.json<{ data: { id: string } }>()).data.id)
            done = true
          } else if (response.status === 409) {
            // IDEMPOTENCY_KEY_IN_USE: a claim whose release failed holds the key until its lease ends. Waiting
            // Retry-After seconds is simulated by ending the lease now.
            expect((await response.json<{ error: { code: string } }>()).error.code).toBe('IDEMPOTENCY_KEY_IN_USE')
            await env.DB.prepare(
              "UPDATE idempotency_keys SET expires_at = '2000-01-01T00:00:00.000Z' WHERE key = ? AND status IS NULL AND outcome IS NULL",
            )
              .bind(key)
              .run()
          } else {
            expect(response.status).toBe(503)
          }
        }
        expect(done, `request ${n} never succeeded`).toBe(true)
      }
      const stored = await env.DB.prepare("SELECT count(*) AS n FROM posts WHERE user_id = ? AND title LIKE 'Soak %'")
        .bind(world.owner.user.id)
        .first('n')
      const titles = await env.DB.prepare("SELECT count(DISTINCT title) AS n FROM posts WHERE user_id = ? AND title LIKE 'Soak %'")
        .bind(world.owner.user.id)
        .first('n')
      expect({ stored, titles, answered: created.size }).toEqual({ stored: 300, titles: 300, answered: 300 })
      // The platform really failed: many 503s were answered and retried.
      expect(statuses[503] ?? 0).toBeGreaterThan(20)
      console.info(`soak: 300 keyed creates, answers by status ${JSON.stringify(statuses)}, ${stored} rows`)
    },
  )
})
