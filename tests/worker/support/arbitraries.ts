// fast-check arbitraries made from the document's JSON Schemas alone (types, formats, patterns, lengths, enums,
// required, additionalProperties), never from knowledge of zod or the handlers. Whether a value is valid is decided by
// a JSON Schema validator (ajv) reading the same document.
import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020'
import addFormats from 'ajv-formats'
import fc from 'fast-check'
import { document, resolveSchema, type ReferenceObject, type SchemaObject } from '../../support/openapi'

export type Schema = SchemaObject | ReferenceObject
export type Where = 'body' | 'query' | 'path' | 'header'

const DOC_ID = 'https://fuzz.test/openapi.json'
const ajv = new Ajv2020({ strict: false, allErrors: false })
addFormats(ajv)
ajv.addSchema({ $id: DOC_ID, components: document.components })

/** Internal references made absolute, so a schema taken out of the document still resolves against it. */
function absolute(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(absolute)
  if (node === null || typeof node !== 'object') return node
  return Object.fromEntries(
    Object.entries(node).map(([key, value]) => [key, key === '$ref' && typeof value === 'string' ? `${DOC_ID}${value}` : absolute(value)]),
  )
}
const compiled = new WeakMap<object, ValidateFunction>()
/** Whether the document's schema accepts the value (query and header values arrive as text: digits become integers). */
export function accepts(schema: Schema, value: unknown): boolean {
  let validate = compiled.get(schema)
  if (!validate) compiled.set(schema, (validate = ajv.compile(absolute(schema) as object)))
  return validate(value)
}
/** A query or header value as the schema sees it after the transport: a string of digits is the integer it spells. */
export const asParsed = (schema: Schema, text: string) =>
  resolveSchema(schema).type === 'integer' && /^-?[0-9]{1,15}$/.test(text) ? Number(text) : text

const codePoints = (text: string) => [...text].length
const within = (schema: SchemaObject) => (text: string) =>
  codePoints(text) >= (schema.minLength ?? 0) && codePoints(text) <= (schema.maxLength ?? Infinity)

// RFC 5322 atext, the characters of a dot-atom local part; domains are letters, digits and inner hyphens.
const ATEXT = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789!#$%&'*+-/=?^_`{|}~"
const atom = fc.string({ unit: fc.constantFrom(...ATEXT), minLength: 1, maxLength: 20 })
const label = fc.stringMatching(/^[A-Za-z0-9](?:[A-Za-z0-9-]{0,10}[A-Za-z0-9])?$/)
/** Any address `format: email` (RFC 5321's Mailbox, dot-atom form) allows; the schema's pattern then narrows it. */
const rfcEmail = fc
  .tuple(fc.array(atom, { minLength: 1, maxLength: 3 }), fc.array(label, { minLength: 1, maxLength: 4 }), fc.uuid())
  // A random label keeps two runs from registering one address.
  .map(([atoms, labels, unique]) => `${atoms.join('.')}@${[...labels, `x${unique.slice(0, 8)}`].join('.')}`)

const whitespace = fc.string({ unit: fc.constantFrom(' ', '\t', '\n', '\r', '\u000b', '\f'), maxLength: 3 })
/** Text that has broken other APIs: SQL and JSON metacharacters, control characters, bidi and astral characters. */
const nasty = fc.constantFrom(
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
  'e\u0301\u0301',
)

function validString(schema: SchemaObject, where: Where): fc.Arbitrary<string> {
  const fits = within(schema)
  const matches = schema.pattern ? (text: string) => new RegExp(schema.pattern!, 'u').test(text) : () => true
  const ok = (text: string) => fits(text) && matches(text) && (schema.format !== 'email' || accepts(schema, text))
  if (schema.format === 'uuid') {
    // JSON Schema's uuid is any 8-4-4-4-12 hex, of any version and variant, in either case.
    return fc.stringMatching(/^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/)
  }
  if (schema.format === 'email') return rfcEmail.filter(ok)
  if (schema.format === 'date-time') return fc.date({ noInvalidDate: true }).map((date) => date.toISOString())
  const min = schema.minLength ?? 0
  const max = Math.min(schema.maxLength ?? 300, 300)
  // Headers carry visible ASCII and spaces; bodies carry any Unicode text.
  const unit = where === 'header' ? fc.integer({ min: 0x20, max: 0x7e }).map((code) => String.fromCharCode(code)) : ('grapheme' as const)
  const choices: fc.Arbitrary<string>[] = [
    fc.string({ unit, minLength: min, maxLength: max }),
    // The exact bounds, which off-by-one limits get wrong; and blank text at them, which trimming gets wrong.
    fc.constantFrom('x'.repeat(Math.max(min, 1)), 'x'.repeat(Math.max(schema.maxLength ?? max, 1)), ' '.repeat(Math.max(min, 1))),
    fc.constantFrom(' '.repeat(Math.max(schema.maxLength ?? max, 1)), '\t'.repeat(Math.max(min, 1))),
  ]
  if (where === 'body')
    choices.push(
      nasty,
      fc.tuple(whitespace, fc.string({ unit, maxLength: 20 }), whitespace).map((parts) => parts.join('')),
    )
  if (schema.pattern) {
    const anchored = schema.pattern.startsWith('^') && schema.pattern.endsWith('$')
    const core = fc.stringMatching(new RegExp(schema.pattern))
    choices.push(anchored ? core : fc.tuple(whitespace, core, whitespace).map((parts) => parts.join('')))
  }
  return fc.oneof(...choices).filter(ok)
}

/** A value the schema accepts, as a client would send it `where`. */
export function valid(raw: Schema, where: Where = 'body'): fc.Arbitrary<unknown> {
  const schema = resolveSchema(raw)
  if (schema.enum) return fc.constantFrom(...schema.enum)
  switch (schema.type) {
    case 'string':
      return validString(schema, where)
    case 'integer': {
      const min = schema.minimum ?? -1000
      const max = schema.maximum ?? 1000
      return fc.oneof(fc.integer({ min, max }), fc.constantFrom(min, max))
    }
    case 'number':
      return fc.double({ min: schema.minimum ?? -1000, max: schema.maximum ?? 1000, noNaN: true })
    case 'boolean':
      return fc.boolean()
    case 'array': {
      const minLength = schema.minItems ?? 0
      const maxLength = Math.min(schema.maxItems ?? minLength + 3, minLength + 3)
      const item = valid(schema.items ?? {}, where)
      return schema.uniqueItems
        ? fc.uniqueArray(item, { minLength, maxLength, selector: (value) => JSON.stringify(value) })
        : fc.array(item, { minLength, maxLength })
    }
    case 'object': {
      const properties = schema.properties ?? {}
      const entries = Object.fromEntries(Object.entries(properties).map(([key, value]) => [key, valid(value, where)]))
      // Every combination of optional properties the schema allows (required ones always, minProperties respected).
      return fc
        .record(entries, { requiredKeys: (schema.required ?? []).filter((key) => key in properties) })
        .filter((value) => Object.keys(value).length >= (schema.minProperties ?? 0))
    }
    default:
      return fc.anything()
  }
}

/** A value of another JSON type than the schema's. */
function wrongType(schema: SchemaObject): fc.Arbitrary<unknown> {
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

/** A lone UTF-16 surrogate inside otherwise valid text: valid by every JSON Schema keyword, refused by the documented rule. */
const withLoneSurrogate = (text: fc.Arbitrary<string>) =>
  fc.tuple(text, fc.integer({ min: 0xd800, max: 0xdfff })).map(([good, unit]) => `${String.fromCharCode(unit)}${good.slice(1)}`)

/**
 * Values of the field that the document refuses: past each bound, off the pattern or format, outside the enum, of
 * another type (in a body), and with a lone surrogate (in a body). Each is checked against the schema, so a
 * "mutation" that happens to be valid is never sent as an invalid one.
 */
export function invalid(raw: Schema, where: Where): fc.Arbitrary<unknown> | undefined {
  const schema = resolveSchema(raw)
  const bad: fc.Arbitrary<unknown>[] = []
  const text = (value: unknown) => (where === 'body' ? value : String(value))
  if (schema.enum) bad.push(fc.string({ minLength: 1, maxLength: 12 }))
  if (schema.type === 'string') {
    if (schema.maxLength !== undefined) bad.push(fc.constantFrom('x'.repeat(schema.maxLength + 1), '🦄'.repeat(schema.maxLength + 1)))
    if (schema.minLength) bad.push(fc.constant('x'.repeat(schema.minLength - 1)))
    if (schema.pattern || schema.format) {
      const unit =
        where === 'header' ? fc.integer({ min: 0x20, max: 0x7e }).map((code) => String.fromCharCode(code)) : ('grapheme' as const)
      bad.push(
        fc.string({ unit, minLength: 1, maxLength: 40 }),
        whitespace.filter((s) => s.length > 0),
      )
      if (schema.format === 'email')
        bad.push(fc.constantFrom('no-at-sign', 'a@', '@example.com', 'a b@example.com', ' a@example.com', 'a@com', 'a..b@example.com'))
      if (schema.format === 'uuid')
        bad.push(fc.constantFrom('not-a-uuid', '1', "' OR 1=1", '3b241101e2bb42558caf4136c566a962', '3b241101-e2bb-4255-8caf-4136c566a96'))
    }
    if (where === 'body') bad.push(withLoneSurrogate(validString(schema, where).filter((s) => s.length > 0)))
  }
  if (schema.type === 'integer') {
    if (schema.minimum !== undefined) bad.push(fc.integer({ min: -1e9, max: schema.minimum - 1 }))
    if (schema.maximum !== undefined) bad.push(fc.integer({ min: schema.maximum + 1, max: 1e12 }))
    bad.push(fc.constantFrom(1.5, '1e3', '0x10', ' 1', 'one'))
  }
  if (schema.type === 'array') {
    const item = valid(schema.items ?? {}, where)
    if (schema.minItems) bad.push(fc.array(item, { maxLength: schema.minItems - 1 }))
    if (schema.maxItems !== undefined) bad.push(fc.array(item, { minLength: schema.maxItems + 1, maxLength: schema.maxItems + 2 }))
    if (schema.uniqueItems) bad.push(item.map((value) => [value, value]))
    const badItem = invalid(schema.items ?? {}, where)
    if (badItem) bad.push(badItem.map((value) => [value]))
  }
  if (where === 'body') bad.push(wrongType(schema))
  if (!bad.length) return undefined
  // A lone surrogate is valid to every JSON Schema keyword: the document states that rule in prose (I-JSON).
  const refused = (value: unknown) =>
    (typeof value === 'string' && /\p{Cs}/u.test(value)) || !accepts(schema, where === 'body' ? value : asParsed(schema, String(value)))
  // Path segments must not be empty (an empty segment is another route, not a bad id) and cannot carry a slash; header
  // values lose surrounding white space on the wire, so a mutation must survive that to stay what it was.
  const sendable = (value: unknown) => {
    const sent = String(value)
    if (where === 'path') return sent.trim() !== '' && !sent.includes('/')
    if (where === 'header') return sent !== '' && sent === sent.trim()
    return true
  }
  return fc
    .oneof(...bad)
    .map(text)
    .filter((value) => sendable(value) && refused(value))
}
