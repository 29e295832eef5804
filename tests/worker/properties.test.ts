import { env } from 'cloudflare:test'
import fc from 'fast-check'
import { beforeAll, describe, expect, it } from 'vitest'
import { call, client, register, registerAdmin } from './support/api'
import { outOfBounds, valid, validHeader, wrongType, type Schema } from './support/arbitraries'
import { documentOperations, type DocumentOperation, type ParameterObject } from '../support/openapi'

// Seeded and reproducible: PROPERTY_SEED / PROPERTY_RUNS (set in the environment when running vitest) widen a run.
const seed = Number(env.PROPERTY_SEED)
const runs = Number(env.PROPERTY_RUNS)

type Operation = DocumentOperation
type Parameter = ParameterObject & { schema: Schema; in: 'path' | 'query' | 'header' }

const operations = documentOperations.map((op) => ({ template: op.path, method: op.method.toUpperCase(), op }))

type Request = { path: Record<string, string>; query: Record<string, string>; header: Record<string, string>; body?: unknown }

function requestArbitrary(op: Operation): fc.Arbitrary<Request> {
  const params = op.parameters.filter((p): p is Parameter => p.schema !== undefined && p.in !== 'cookie')
  // Half the path ids are rows that exist (a user and their post), so success paths are fuzzed too, not only 404s.
  const pathValue = (p: Parameter) => {
    const random = valid(p.schema).map(String)
    return p.name === 'id' || p.name === 'postId'
      ? fc.oneof(
          random,
          fc.constant(null).map(() => existing[p.name as 'id' | 'postId']),
        )
      : random
  }
  const path = fc.record(Object.fromEntries(params.filter((p) => p.in === 'path').map((p) => [p.name, pathValue(p)])))
  const optional = (where: 'query' | 'header') => {
    // A cursor is valid only as the server issued it (meta.nextCursor); forged ones are a mutation below.
    const list = params.filter((p) => p.in === where && p.name !== 'cursor')
    return fc.record(Object.fromEntries(list.map((p) => [p.name, (where === 'header' ? validHeader : valid)(p.schema).map(String)])), {
      requiredKeys: list.filter((p) => p.required).map((p) => p.name),
    })
  }
  const bodySchema = op.body
  return fc.record({
    path,
    query: optional('query'),
    header: optional('header'),
    ...(bodySchema ? { body: valid(bodySchema) } : {}),
  }) as fc.Arbitrary<Request>
}

type Mutation = { request: Request; field: string; where: 'body' | 'query' | 'path' | 'header' }

/** One invalid change to an otherwise valid request, naming the field the 400 must point at. */
function mutationArbitrary(op: Operation): fc.Arbitrary<Mutation> {
  const params = op.parameters.filter((p): p is Parameter => p.schema !== undefined && p.in !== 'cookie')
  const choices: fc.Arbitrary<Mutation>[] = []
  const base = requestArbitrary(op)
  for (const p of params) {
    const bad = outOfBounds(p.schema)
    if (!bad) continue
    choices.push(
      fc.tuple(base, bad).map(([request, value]) => ({
        request: { ...request, [p.in]: { ...request[p.in], [p.name]: String(value) } },
        field: p.name,
        where: p.in,
      })),
    )
  }
  const cursor = params.find((p) => p.in === 'query' && p.name === 'cursor')
  if (cursor) {
    // Matches the parameter's pattern but was never issued: 400 naming cursor (page left out, or it would be named).
    choices.push(
      fc.tuple(base, valid(cursor.schema)).map(([request, value]) => {
        const { page: _page, ...query } = request.query
        return { request: { ...request, query: { ...query, cursor: String(value) } }, field: 'cursor', where: 'query' as const }
      }),
    )
  }
  const bodySchema = op.body
  if (bodySchema?.properties) {
    for (const [name, schema] of Object.entries(bodySchema.properties)) {
      const withBody = (change: (body: Record<string, unknown>) => Record<string, unknown>) =>
        base.map((request) => ({ ...request, body: change({ ...(request.body as Record<string, unknown>) }) }))
      choices.push(
        fc.tuple(base, wrongType(schema)).map(([request, value]) => ({
          request: { ...request, body: { ...(request.body as object), [name]: value } },
          field: name,
          where: 'body' as const,
        })),
      )
      const bad = outOfBounds(schema)
      if (bad)
        choices.push(
          fc.tuple(base, bad).map(([request, value]) => ({
            request: { ...request, body: { ...(request.body as object), [name]: value } },
            field: name,
            where: 'body' as const,
          })),
        )
      if (bodySchema.required?.includes(name)) {
        choices.push(withBody(({ [name]: _drop, ...rest }) => rest).map((request) => ({ request, field: name, where: 'body' as const })))
      }
    }
    choices.push(
      fc.tuple(base, fc.constantFrom('isAdmin', 'role_id', '__proto__x', 'passwordHash')).map(([request, extra]) => ({
        request: { ...request, body: { ...(request.body as object), [extra]: true } },
        field: extra,
        where: 'body' as const,
      })),
    )
  }
  return fc.oneof(...choices)
}

let token = ''
// Rows of this operation's run (set in its beforeAll), read when the arbitraries draw.
let existing = { id: '', postId: '' }

function send(template: string, method: string, op: Operation, request: Request) {
  const path = template.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(request.path[name] ?? ''))
  const query = new URLSearchParams(request.query).toString()
  const headers: Record<string, string> = { ...request.header, ...(op.secured ? { Authorization: `Bearer ${token}` } : {}) }
  // Clients make one key per logical request; a key reused with another body is a 422 by design (idempotency.test.ts).
  const key = headers['Idempotency-Key']
  if (key && /^[\x21-\x7e]{1,200}$/.test(key)) headers['Idempotency-Key'] = `${key}-${crypto.randomUUID()}`
  if (request.body !== undefined) headers['content-type'] = 'application/json'
  return call(`${path}${query ? `?${query}` : ''}`, {
    method,
    headers,
    ...(request.body !== undefined ? { body: JSON.stringify(request.body) } : {}),
  })
}

describe.each(operations)('$method $template', ({ template, method, op }) => {
  // One admin per operation keeps each under the per-user rate limit (300 a minute).
  beforeAll(async () => {
    token = (await registerAdmin()).token
    const target = await register()
    const made = await client(target.token).POST('/api/users/{id}/posts', {
      params: { path: { id: target.user.id } },
      body: { title: 'Fuzzed', body: 'B' },
    })
    existing = { id: target.user.id, postId: made.data!.data.id }
  })

  it('valid random input never gets a 5xx, and every answer conforms', async () => {
    await fc.assert(
      fc.asyncProperty(requestArbitrary(op), async (request) => {
        const response = await send(template, method, op, request)
        expect(response.status, await response.clone().text()).toBeLessThan(500)
        expect(response.status).not.toBe(400)
      }),
      { seed, numRuns: runs },
    )
  })

  const hasInputs = op.parameters.some((p) => p.schema && outOfBounds(p.schema)) || op.body
  if (hasInputs)
    it('each invalid input is a 400 whose details name the field', async () => {
      await fc.assert(
        fc.asyncProperty(mutationArbitrary(op), async ({ request, field, where }) => {
          const response = await send(template, method, op, request)
          const text = await response.clone().text()
          // A body over 64 KiB is rejected as a whole before validation; that is the one other right answer.
          if (response.status === 413) return
          expect(response.status, text).toBe(400)
          const body = JSON.parse(text) as { error: { code: string; details?: { field: string; in: string }[] } }
          expect(body.error.code).toBe('VALIDATION_ERROR')
          expect(body.error.details, text).toEqual(expect.arrayContaining([expect.objectContaining({ field, in: where })]))
        }),
        { seed, numRuns: Math.ceil(runs * 1.5) },
      )
    })

  if (op.body)
    it('a body that is not an object is a 400, never a 500', async () => {
      const notObjects = fc.oneof(fc.array(fc.anything(), { maxLength: 3 }), fc.string(), fc.integer(), fc.constant(null), fc.boolean())
      await fc.assert(
        fc.asyncProperty(requestArbitrary(op), notObjects, async (request, body) => {
          const response = await send(template, method, op, { ...request, body })
          expect(response.status).toBe(400)
        }),
        { seed, numRuns: Math.ceil(runs / 2) },
      )
    })
})
