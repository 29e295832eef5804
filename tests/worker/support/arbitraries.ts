import fc from 'fast-check'
import { resolveSchema, type ReferenceObject, type SchemaObject } from '../../support/openapi'

// fast-check arbitraries derived from the emitted document's JSON Schemas: the same contract the Worker validates with.
export type Schema = SchemaObject | ReferenceObject

export const resolve = resolveSchema

const emailLocal = fc.stringMatching(/^[a-z][a-z0-9]{0,15}(?:[._-][a-z0-9]{1,8})?$/)

/** A value the schema accepts. */
export function valid(raw: Schema): fc.Arbitrary<unknown> {
  const schema = resolve(raw)
  if (schema.enum) return fc.constantFrom(...schema.enum)
  switch (schema.type) {
    case 'string': {
      if (schema.format === 'uuid') return fc.uuid({ version: 4 })
      if (schema.format === 'email') return emailLocal.map((local) => `${local}-${crypto.randomUUID().slice(0, 8)}@example.com`)
      if (schema.format === 'date-time') return fc.date({ noInvalidDate: true }).map((d) => d.toISOString())
      if (schema.pattern) {
        const bounded = (s: string) => s.length >= (schema.minLength ?? 0) && s.length <= (schema.maxLength ?? Infinity)
        return fc.stringMatching(new RegExp(schema.pattern)).filter(bounded)
      }
      const minLength = Math.max(schema.minLength ?? 0, 1)
      const maxLength = Math.min(schema.maxLength ?? 200, 200)
      // Lengths in code points, as JSON Schema (and zod) count them.
      const fits = (s: string) => [...s.trim()].length >= minLength && [...s].length <= (schema.maxLength ?? Infinity)
      return fc.oneof(
        // Printable and non-whitespace at the ends, so trimming does not take it under minLength.
        { weight: 6, arbitrary: fc.string({ unit: 'grapheme', minLength, maxLength }).filter(fits) },
        // Text that has broken other APIs is still text: a title may be "'; DROP TABLE users; --".
        { weight: 2, arbitrary: nastyString.filter(fits) },
        // The exact bounds, which off-by-one limits get wrong.
        { weight: 1, arbitrary: fc.constantFrom('x'.repeat(minLength), 'x'.repeat(schema.maxLength ?? maxLength)) },
      )
    }
    case 'integer':
      return fc.integer({ min: schema.minimum ?? -1000, max: Math.min(schema.maximum ?? 1000, 1000) })
    case 'number':
      return fc.double({ min: schema.minimum ?? -1000, max: schema.maximum ?? 1000, noNaN: true })
    case 'boolean':
      return fc.boolean()
    case 'array':
      return fc.array(valid(schema.items ?? {}), { maxLength: 3 })
    case 'object': {
      const properties = schema.properties ?? {}
      const required = new Set(schema.required ?? [])
      const entries = Object.fromEntries(Object.entries(properties).map(([key, value]) => [key, valid(value)]))
      const requiredKeys = Object.keys(properties).filter((key) => required.has(key))
      const arbitrary = fc.record(entries, { requiredKeys })
      // minProperties: 1 (PATCH bodies) is expressed as "at least one key".
      return required.size === 0 ? arbitrary.filter((value) => Object.keys(value).length > 0) : arbitrary
    }
    default:
      return fc.anything()
  }
}

const visibleAscii = fc.integer({ min: 0x21, max: 0x7e }).map((code) => String.fromCharCode(code))

/**
 * A header value the schema accepts, in visible ASCII: what HTTP headers carry. Non-ASCII header bytes are covered once,
 * by name, in bad-input.test.ts (each would also make workerd print a warning, a thousand times a run).
 */
export function validHeader(raw: Schema): fc.Arbitrary<unknown> {
  const schema = resolve(raw)
  if (schema.type !== 'string' || schema.pattern || schema.format || schema.enum) return valid(schema)
  return fc.string({ unit: visibleAscii, minLength: Math.max(schema.minLength ?? 0, 1), maxLength: Math.min(schema.maxLength ?? 200, 200) })
}

/** Strings that have broken other APIs: SQL and JSON metacharacters, unicode edge cases, control characters, huge ones. */
export const nastyString = fc.oneof(
  fc.constantFrom(
    "' OR '1'='1",
    "'; DROP TABLE users; --",
    '"}, "role": "admin',
    '\\u0000',
    '\u0000',
    '\u202e\u0644\u0627',
    '🦄💥'.repeat(40),
    '%00%0d%0a',
    '../../etc/passwd',
    '<script>alert(1)</script>',
    ' ',
    '',
  ),
  fc.string({ unit: 'binary', maxLength: 300 }),
  fc.string({ minLength: 20_001, maxLength: 21_000 }),
)

/** A value of the wrong JSON type for the schema. */
export function wrongType(raw: Schema): fc.Arbitrary<unknown> {
  const schema = resolve(raw)
  const others: fc.Arbitrary<unknown>[] = [
    fc.constant(null),
    fc.boolean(),
    fc.array(fc.integer(), { maxLength: 2 }),
    fc.object({ maxDepth: 1 }),
  ]
  if (schema.type !== 'string') others.push(fc.string())
  if (schema.type !== 'integer' && schema.type !== 'number') others.push(fc.integer())
  return fc.oneof(...others)
}

/** A value that breaks a constraint of the schema while keeping its type, when the schema has one. */
export function outOfBounds(raw: Schema): fc.Arbitrary<unknown> | undefined {
  const schema = resolve(raw)
  if (schema.enum) return fc.string({ minLength: 1, maxLength: 20 }).filter((s) => !schema.enum!.includes(s))
  if (schema.type === 'string') {
    // Never empty: an empty path segment is another route, not a bad id.
    if (schema.format === 'uuid')
      return fc.oneof(fc.constantFrom('not-a-uuid', '1', "' OR 1=1"), nastyString).filter((s) => s.trim().length > 0)
    if (schema.format === 'email') return fc.constantFrom('no-at-sign', 'a@', '@example.com', 'a b@example.com')
    if (schema.maxLength !== undefined) return fc.constant('x'.repeat(schema.maxLength + 1))
    if (schema.minLength) return fc.constant('')
  }
  if (schema.type === 'integer') {
    return fc.oneof(
      ...(schema.minimum !== undefined ? [fc.integer({ min: -1e9, max: schema.minimum - 1 })] : []),
      ...(schema.maximum !== undefined ? [fc.integer({ min: schema.maximum + 1, max: 1e12 })] : []),
      fc.constant(1.5),
    )
  }
  return undefined
}
