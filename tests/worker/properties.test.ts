// Document-driven fuzzing: every operation's requests are generated from openapi/openapi.json alone (its schemas,
// formats, patterns, bounds, required and optional parameters), sent through the Worker, and every answer is checked
// against the document (workerFetch). Seeded: PROPERTY_SEED replays a run, PROPERTY_RUNS widens it.
import { env } from 'cloudflare:test'
import fc from 'fast-check'
import { sign } from 'hono/jwt'
import { beforeAll, describe, expect, it } from 'vitest'
import { documentOperations, fillPath, type DocumentOperation, type ParameterObject } from '../support/openapi'
import { call, client, register, registerAdmin } from './support/api'
import { invalid, valid, type Schema, type Where } from './support/arbitraries'

const seed = Number(env.PROPERTY_SEED)
const runs = Number(env.PROPERTY_RUNS)

/**
 * Refusals a valid request may still get, because they depend on state: who asks, what exists, what changed, and (429)
 * what came before: random current passwords lock the account, as the document says they do.
 */
const STATE_DEPENDENT = [401, 403, 404, 409, 412, 422, 429]

type Parameter = ParameterObject & { schema: Schema; in: Exclude<Where, 'body'> }
type Request = { path: Record<string, string>; query: Record<string, string>; header: Record<string, string>; body?: unknown }
type Mutation = { request: Request; field: string; where: Where }

const parametersOf = (op: DocumentOperation) => op.parameters.filter((p): p is Parameter => p.schema !== undefined && p.in !== 'cookie')

// Rows of the current operation's run (made in its beforeAll), read when the arbitraries draw.
let existing = { id: '', postId: '' }
let adminId = ''

/**
 * A token of the run's admin, valid now: signing out and changing the password (operations fuzzed here too) end the
 * ones issued before, so each request carries one made for the admin's current token generation.
 */
async function adminToken() {
  const row = await env.DB.prepare('SELECT token_generation AS generation FROM users WHERE id = ?')
    .bind(adminId)
    .first<{ generation: number }>()
  const now = Math.floor(Date.now() / 1000)
  return sign({ sub: adminId, role: 'admin', gen: row?.generation ?? 0, iat: now, exp: now + 600 }, env.JWT_SECRET, 'HS256')
}

function requestArbitrary(op: DocumentOperation): fc.Arbitrary<Request> {
  const parameters = parametersOf(op)
  const pathValue = (p: Parameter) => {
    const random = valid(p.schema, 'path').map(String)
    // Half the ids name rows that exist, so success paths are fuzzed too, not only 404s.
    return p.name === 'id' || p.name === 'postId'
      ? fc.oneof(
          random,
          fc.constant(p.name).map((name) => existing[name as 'id' | 'postId']),
        )
      : random
  }
  const group = (where: 'query' | 'header') => {
    const list = parameters.filter((p) => p.in === where)
    // Every optional parameter present or absent, in every combination.
    return fc.record(Object.fromEntries(list.map((p) => [p.name, valid(p.schema, where).map(String)])), {
      requiredKeys: list.filter((p) => p.required).map((p) => p.name),
    })
  }
  return fc.record({
    path: fc.record(Object.fromEntries(parameters.filter((p) => p.in === 'path').map((p) => [p.name, pathValue(p)]))),
    query: group('query'),
    header: group('header'),
    ...(op.body ? { body: valid(op.body, 'body') } : {}),
  }) as fc.Arbitrary<Request>
}

/** One change that makes an otherwise valid request invalid, naming the field the 400 must point at. */
function mutationArbitrary(op: DocumentOperation): fc.Arbitrary<Mutation> | undefined {
  const base = requestArbitrary(op)
  const choices: fc.Arbitrary<Mutation>[] = []
  for (const p of parametersOf(op)) {
    const bad = invalid(p.schema, p.in)
    if (bad) {
      choices.push(
        fc.tuple(base, bad).map(([request, value]) => ({
          request: { ...request, [p.in]: { ...request[p.in], [p.name]: String(value) } },
          field: p.name,
          where: p.in,
        })),
      )
    }
  }
  const body = op.body
  if (body?.properties) {
    const withBody = (change: (body: Record<string, unknown>) => Record<string, unknown>) =>
      base.map((request) => ({ ...request, body: change({ ...(request.body as Record<string, unknown>) }) }))
    for (const [name, schema] of Object.entries(body.properties)) {
      const bad = invalid(schema, 'body')
      if (bad)
        choices.push(
          fc
            .tuple(
              withBody((b) => b),
              bad,
            )
            .map(([request, value]) => ({
              request: { ...request, body: { ...(request.body as object), [name]: value } },
              field: name,
              where: 'body',
            })),
        )
      if (body.required?.includes(name))
        choices.push(withBody(({ [name]: _dropped, ...rest }) => rest).map((request) => ({ request, field: name, where: 'body' })))
    }
    if (body.additionalProperties === false) {
      choices.push(
        fc
          .tuple(
            withBody((b) => b),
            fc.constantFrom('isAdmin', 'role_id', '__proto__x', 'passwordHash', 'id'),
          )
          .map(([request, extra]) => ({
            request: { ...request, body: { ...(request.body as object), [extra]: true } },
            field: extra,
            where: 'body',
          })),
      )
    }
    if (body.minProperties) choices.push(base.map((request) => ({ request: { ...request, body: {} }, field: '', where: 'body' })))
  }
  return choices.length ? fc.oneof(...choices) : undefined
}

async function send(op: DocumentOperation, request: Request) {
  const query = new URLSearchParams(request.query).toString()
  const headers: Record<string, string> = { ...request.header, ...(op.secured ? { Authorization: `Bearer ${await adminToken()}` } : {}) }
  if (request.body !== undefined) headers['content-type'] = 'application/json'
  return call(`${fillPath(op.path, request.path)}${query ? `?${query}` : ''}`, {
    method: op.method.toUpperCase(),
    headers,
    ...(request.body !== undefined ? { body: JSON.stringify(request.body) } : {}),
  })
}

const successes = (op: DocumentOperation) =>
  Object.keys(op.responses)
    .filter((status) => /^[23]/.test(status))
    .map(Number)

describe.each(documentOperations.map((op) => [`${op.method.toUpperCase()} ${op.path}`, op] as const))('%s', (_name, op) => {
  // One admin per operation keeps each under the per-user rate limit (300 a minute).
  beforeAll(async () => {
    adminId = (await registerAdmin()).user.id
    const target = await register()
    const made = await client(target.token).POST('/api/users/{id}/posts', {
      params: { path: { id: target.user.id } },
      body: { title: 'Fuzzed', body: 'B' },
    })
    existing = { id: target.user.id, postId: made.data!.data.id }
  })

  it('a request the document admits is answered with a success or a state-dependent refusal, never a 400 or a 5xx', async () => {
    const allowed = [...successes(op), ...STATE_DEPENDENT.filter((status) => String(status) in op.responses)]
    await fc.assert(
      fc.asyncProperty(requestArbitrary(op), async (request) => {
        const response = await send(op, request)
        expect(allowed, `${response.status} ${await response.clone().text()}`).toContain(response.status)
      }),
      { seed, numRuns: runs },
    )
  })

  const mutations = mutationArbitrary(op)
  if (mutations) {
    it('a request the document refuses is a 400 VALIDATION_ERROR naming the field (or a 413 for a body over the limit)', async () => {
      await fc.assert(
        fc.asyncProperty(mutations, async ({ request, field, where }) => {
          const response = await send(op, request)
          const text = await response.clone().text()
          if (response.status === 413) return
          expect(response.status, text).toBe(400)
          const body = JSON.parse(text) as { error: { code: string; details?: { field: string; in: string }[] } }
          expect(body.error.code).toBe('VALIDATION_ERROR')
          // The detail names the field, or a part of it (an item of an array: `scopes.0`).
          const named = (body.error.details ?? []).some(
            (detail) => (detail.field === field || detail.field.startsWith(`${field}.`)) && detail.in === where,
          )
          expect(named, text).toBe(true)
        }),
        { seed, numRuns: Math.ceil(runs * 1.5) },
      )
    })
  }

  if (op.body) {
    it('a body that is not an object is a 400, never a 500', async () => {
      const notObjects = fc.oneof(fc.array(fc.anything(), { maxLength: 3 }), fc.string(), fc.integer(), fc.constant(null), fc.boolean())
      await fc.assert(
        fc.asyncProperty(requestArbitrary(op), notObjects, async (request, body) => {
          const response = await send(op, { ...request, body })
          expect(response.status).toBe(400)
        }),
        { seed, numRuns: Math.ceil(runs / 2) },
      )
    })
  }
})
