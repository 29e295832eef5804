// Every validation message is ours: the field's name and the rule it broke, in plain English. Walks every operation of
// the document and breaks each of its parameters and body fields in the ways its schema forbids (missing, wrong type,
// too short, too long, off pattern, not an option), and reads every detail of every 400 that comes back.
import { describe, expect, it } from 'vitest'
import type { OperationId } from '../../src/contract/operations'
import { type DocumentOperation, documentOperations, type ReferenceObject, resolveSchema, type SchemaObject } from '../support/openapi'
import { bearer, makeWorld, type RequestSpec, send, validRequests, type World } from './support/operations'

type Detail = { field: string; message: string; in: string }
type Broken = { what: string; spec: RequestSpec; field: string }

// zod's own texts, as its English locale words them: none may reach a client.
const ZOD_DEFAULTS =
  /Invalid input|expected .+, received|Too (small|big)|Invalid (option|string|email|GUID|UUID|ISO|URL|key|element)|Unrecognized key|Required$/

/** Values a schema refuses, each with what it breaks. */
function badValues(schema: SchemaObject | ReferenceObject, inQuery: boolean): [string, unknown][] {
  const s = resolveSchema(schema)
  const out: [string, unknown][] = []
  const type = Array.isArray(s.type) ? s.type[0] : s.type
  if (type === 'string' && !inQuery) out.push(['wrong type', 12345])
  if ((type === 'integer' || type === 'number') && !inQuery) out.push(['wrong type', 'twelve'])
  if ((type === 'integer' || type === 'number') && inQuery) out.push(['not digits', '1e3'])
  if (type === 'array') out.push(['wrong type', 'read'])
  if (s.enum) out.push(['not an option', 'not-one-of-them'])
  if (s.maxLength !== undefined) out.push(['too long', 'a'.repeat(s.maxLength + 1)])
  if (s.minLength) out.push(['too short', ''])
  if (s.pattern || s.format) out.push(['off pattern or format', ' '])
  if (s.maximum !== undefined) out.push(['too big', inQuery ? String(s.maximum + 1) : s.maximum + 1])
  if (s.minimum !== undefined && s.minimum > 0) out.push(['too small', inQuery ? String(s.minimum - 1) : s.minimum - 1])
  if (s.maxItems !== undefined) out.push(['too many items', Array.from({ length: s.maxItems + 1 }, () => 'read')])
  if (s.minItems) out.push(['too few items', []])
  return out
}

function breakings(op: DocumentOperation, world: World): Broken[] {
  const valid: RequestSpec = validRequests[op.operationId as OperationId](world)
  const out: Broken[] = []
  for (const parameter of op.parameters) {
    if (!parameter.schema || parameter.name === 'If-Match') continue
    for (const [what, value] of badValues(parameter.schema, true)) {
      const text = String(value)
      if (parameter.in === 'query')
        out.push({ what, field: parameter.name, spec: { ...valid, query: { ...valid.query, [parameter.name]: text } } })
      if (parameter.in === 'path' && text)
        out.push({ what, field: parameter.name, spec: { ...valid, path: { ...valid.path, [parameter.name]: text } } })
      if (parameter.in === 'header' && /^[\x20-\x7e]*$/.test(text) && text.trim())
        out.push({ what, field: parameter.name, spec: { ...valid, headers: { ...valid.headers, [parameter.name]: text } } })
    }
  }
  const body = valid.body as Record<string, unknown> | undefined
  for (const [name, schema] of Object.entries(op.body?.properties ?? {})) {
    if (!body) break
    if (op.body?.required?.includes(name)) {
      const { [name]: _, ...rest } = body
      out.push({ what: 'missing', field: name, spec: { ...valid, body: rest } })
    }
    for (const [what, value] of badValues(schema, false))
      out.push({ what, field: name, spec: { ...valid, body: { ...body, [name]: value } } })
  }
  if (body) out.push({ what: 'unknown field', field: 'surplus', spec: { ...valid, body: { ...body, surplus: 1 } } })
  out.push({ what: 'unknown query parameter', field: 'surplus', spec: { ...valid, query: { ...valid.query, surplus: '1' } } })
  return out
}

describe.each(documentOperations.map((op) => [op.operationId, op] as const))('%s', (_id, op) => {
  it('words every validation problem itself: the field, then the rule', async () => {
    const world = await makeWorld()
    const credentials = op.secured ? bearer(op.operationId === 'createUser' ? world.admin.token : world.owner.token) : {}
    const seen: string[] = []
    for (const { what, spec, field } of breakings(op, world)) {
      const response = await send(op.operationId as OperationId, spec, credentials)
      const where = `${what} ${field}`
      expect(response.status, where).toBe(400)
      const { error } = await response.json<{ error: { code: string; details: Detail[] } }>()
      expect(error.code, where).toBe('VALIDATION_ERROR')
      expect(
        error.details.map((detail) => detail.field),
        where,
      ).toContain(field)
      // One problem, one message: a value of the wrong type is not also measured against the rules of the right one.
      expect(
        error.details.filter((detail) => detail.field === field && what === 'wrong type'),
        where,
      ).toHaveLength(what === 'wrong type' ? 1 : 0)
      for (const detail of error.details) {
        expect(detail.message, where).not.toMatch(ZOD_DEFAULTS)
        expect(
          detail.message.startsWith(`${detail.field} `) || /^The (body|query|path|headers) /.test(detail.message),
          detail.message,
        ).toBe(true)
        expect(detail.message.length, detail.message).toBeGreaterThan(detail.field.length + 8)
        seen.push(detail.message)
      }
    }
    expect(seen.length).toBeGreaterThan(0)
  })
})

describe('email addresses', () => {
  it('RFC 5321 limits beside the pattern: 64 characters before the @, 253 after', async () => {
    const local = `${'a'.repeat(65)}@example.com`
    const domain = `a@${'b'.repeat(60)}.${'c'.repeat(60)}.${'d'.repeat(60)}.${'e'.repeat(60)}.${'f'.repeat(10)}.com`
    for (const email of [local, domain]) {
      const response = await send('register', { body: { ...(validRequests.register().body as object), email } })
      expect(response.status, email).toBe(400)
      const { error } = await response.json<{ error: { details: Detail[] } }>()
      expect(error.details).toContainEqual({
        field: 'email',
        in: 'body',
        message: 'email must have at most 64 characters before the @ and 253 after it',
      })
    }
    const longest = `${'a'.repeat(64)}@example.com`
    expect((await send('register', { body: { ...(validRequests.register().body as object), email: longest } })).status).toBe(201)
  })
})
