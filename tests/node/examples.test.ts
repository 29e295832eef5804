// Every example in openapi/openapi.json must be valid against the schema it illustrates, and realistic: docs, mock
// servers and generated SDK docs show these to integrators as the truth.
import { readFileSync } from 'node:fs'
import Ajv2020 from 'ajv/dist/2020'
import addFormats from 'ajv-formats'
import { describe, expect, it } from 'vitest'

type Json = null | boolean | number | string | Json[] | { [key: string]: Json }
type JsonObject = { [key: string]: Json }

/** An example and the schema it illustrates, both as JSON pointers into the document. */
interface Example {
  pointer: string
  schemaPointer: string
  value: Json
}

const documentText = readFileSync(new URL('../../openapi/openapi.json', import.meta.url), 'utf8')
const loadDocument = () => JSON.parse(documentText) as JsonObject

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/
const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace']
const SUBSCHEMA = [
  'items',
  'additionalProperties',
  'not',
  'if',
  'then',
  'else',
  'contains',
  'propertyNames',
  'unevaluatedItems',
  'unevaluatedProperties',
]
const SUBSCHEMA_LISTS = ['allOf', 'anyOf', 'oneOf', 'prefixItems']
const SUBSCHEMA_MAPS = ['properties', 'patternProperties', '$defs', 'dependentSchemas']

const isObject = (node: Json | undefined): node is JsonObject => typeof node === 'object' && node !== null && !Array.isArray(node)
const escape = (segment: string) => segment.replace(/~/g, '~0').replace(/\//g, '~1')
const entries = (node: Json | undefined): Array<[string, Json]> => (isObject(node) ? Object.entries(node) : [])

function resolve(document: JsonObject, pointer: string): Json | undefined {
  let node: Json | undefined = document
  for (const raw of pointer.split('/').slice(1)) {
    const segment = raw.replace(/~1/g, '/').replace(/~0/g, '~')
    node = Array.isArray(node) ? node[Number(segment)] : isObject(node) ? node[segment] : undefined
  }
  return node
}

/**
 * Walks the document the way OpenAPI 3.1 defines it and returns each example with the schema it illustrates:
 * schema `example` / `examples[]`, and `example` / `examples{}.value` of parameters, headers and media types
 * (component examples through their $ref). `seen` gets the pointer of every example/examples key it understood.
 */
function findExamples(document: JsonObject, seen: Set<string>, problems: string[]): Example[] {
  const found: Example[] = []
  const usedComponentExamples = new Set<string>()

  const schema = (node: Json | undefined, at: string) => {
    if (!isObject(node)) return
    if ('example' in node) {
      seen.add(`${at}/example`)
      found.push({ pointer: `${at}/example`, schemaPointer: at, value: node.example ?? null })
    }
    if (Array.isArray(node.examples)) {
      seen.add(`${at}/examples`)
      node.examples.forEach((value, i) => found.push({ pointer: `${at}/examples/${i}`, schemaPointer: at, value }))
    }
    for (const key of SUBSCHEMA) schema(node[key], `${at}/${key}`)
    for (const key of SUBSCHEMA_LISTS) {
      const list = node[key]
      if (Array.isArray(list)) list.forEach((sub, i) => schema(sub, `${at}/${key}/${i}`))
    }
    for (const key of SUBSCHEMA_MAPS) for (const [name, sub] of entries(node[key])) schema(sub, `${at}/${key}/${escape(name)}`)
  }

  // Parameters, headers and media types: examples illustrate their `schema`.
  const holder = (node: Json | undefined, at: string) => {
    if (!isObject(node) || '$ref' in node) return
    schema(node.schema, `${at}/schema`)
    const hasSchema = isObject(node.schema)
    if ('example' in node) {
      seen.add(`${at}/example`)
      if (hasSchema) found.push({ pointer: `${at}/example`, schemaPointer: `${at}/schema`, value: node.example ?? null })
      else problems.push(`${at}/example: an example beside no schema illustrates nothing`)
    }
    if (isObject(node.examples)) seen.add(`${at}/examples`)
    for (const [name, example] of entries(node.examples)) {
      let pointer = `${at}/examples/${escape(name)}`
      let target: Json | undefined = example
      if (isObject(example) && typeof example.$ref === 'string') {
        pointer = example.$ref.slice(1)
        usedComponentExamples.add(pointer)
        target = resolve(document, pointer)
      }
      if (!isObject(target) || !('value' in target))
        problems.push(`${pointer}: an Example Object without an inline value cannot be checked`)
      else if (!hasSchema) problems.push(`${pointer}: an example beside no schema illustrates nothing`)
      else found.push({ pointer: `${pointer}/value`, schemaPointer: `${at}/schema`, value: target.value ?? null })
    }
    content(node.content, `${at}/content`)
  }
  const content = (node: Json | undefined, at: string) => {
    for (const [type, media] of entries(node)) holder(media, `${at}/${escape(type)}`)
  }
  const each = (node: Json | undefined, at: string, visit: (item: Json, at: string) => void) => {
    if (Array.isArray(node)) node.forEach((item, i) => visit(item, `${at}/${i}`))
    else for (const [name, item] of entries(node)) visit(item, `${at}/${escape(name)}`)
  }
  const response = (node: Json, at: string) => {
    if (!isObject(node) || '$ref' in node) return
    each(node.headers, `${at}/headers`, holder)
    content(node.content, `${at}/content`)
  }
  const requestBody = (node: Json | undefined, at: string) => {
    if (isObject(node) && !('$ref' in node)) content(node.content, `${at}/content`)
  }
  const pathItem = (node: Json, at: string) => {
    if (!isObject(node)) return
    each(node.parameters, `${at}/parameters`, holder)
    for (const method of METHODS) {
      const operation = node[method]
      if (!isObject(operation)) continue
      each(operation.parameters, `${at}/${method}/parameters`, holder)
      requestBody(operation.requestBody, `${at}/${method}/requestBody`)
      each(operation.responses, `${at}/${method}/responses`, response)
      each(operation.callbacks, `${at}/${method}/callbacks`, (callback, cat) => each(callback, cat, pathItem))
    }
  }

  each(document.paths, '/paths', pathItem)
  each(document.webhooks, '/webhooks', pathItem)
  const components = isObject(document.components) ? document.components : {}
  each(components.schemas, '/components/schemas', schema)
  each(components.parameters, '/components/parameters', holder)
  each(components.headers, '/components/headers', holder)
  each(components.requestBodies, '/components/requestBodies', (node, at) => requestBody(node, at))
  each(components.responses, '/components/responses', response)
  each(components.pathItems, '/components/pathItems', pathItem)
  if ('examples' in components) seen.add('/components/examples')
  for (const [name] of entries(components.examples)) {
    const pointer = `/components/examples/${escape(name)}`
    if (!usedComponentExamples.has(pointer))
      problems.push(`${pointer}: not used by any parameter, header or media type, so it illustrates no schema`)
  }
  return found
}

/** Every example/examples key in the document, found blindly (not inside example values, not schema property names). */
function allExampleKeys(node: Json, at: string, out: string[] = [], parentKey = ''): string[] {
  if (Array.isArray(node)) node.forEach((item, i) => allExampleKeys(item, `${at}/${i}`, out))
  else if (isObject(node)) {
    for (const [key, value] of Object.entries(node)) {
      const pointer = `${at}/${escape(key)}`
      if ((key === 'example' || key === 'examples') && parentKey !== 'properties') out.push(pointer)
      else allExampleKeys(value, pointer, out, key)
    }
  }
  return out
}

/** As the response checker does: an object schema that does not say otherwise admits no undeclared property. */
function strict(node: Json): Json {
  if (Array.isArray(node)) return node.map(strict)
  if (!isObject(node)) return node
  const out: JsonObject = Object.fromEntries(Object.entries(node).map(([k, v]) => [k, k === 'example' || k === 'examples' ? v : strict(v)]))
  if (out.type === 'object' && out.properties && out.additionalProperties === undefined) out.additionalProperties = false
  return out
}

/** Realism the schema cannot say: no "string" placeholders, @example.com emails, real UUIDs, UTC times. */
function unrealistic(document: JsonObject, value: Json, schemaNode: Json | undefined, at: string, problems: string[]) {
  if (typeof value === 'string') {
    if (value.trim().toLowerCase() === 'string') problems.push(`${at}: "string" is a placeholder, not an example`)
    if (EMAIL.test(value) && !value.endsWith('@example.com')) problems.push(`${at}: email ${JSON.stringify(value)} is not @example.com`)
  }
  const schemas: JsonObject[] = []
  const gather = (node: Json | undefined, depth = 0) => {
    if (!isObject(node) || depth > 20) return
    schemas.push(node)
    if (typeof node.$ref === 'string') gather(resolve(document, node.$ref.replace(/^#/, '')), depth + 1)
    for (const key of ['allOf', 'anyOf', 'oneOf']) {
      const list = node[key]
      if (Array.isArray(list)) for (const sub of list) gather(sub, depth + 1)
    }
  }
  gather(schemaNode)
  for (const s of schemas) {
    if (typeof value === 'string' && s.format === 'uuid' && !UUID.test(value))
      problems.push(`${at}: ${JSON.stringify(value)} is not a UUID`)
    if (typeof value === 'string' && s.format === 'date-time' && !value.endsWith('Z'))
      problems.push(`${at}: ${JSON.stringify(value)} is not a UTC time`)
  }
  if (Array.isArray(value)) {
    value.forEach((item, i) => {
      const itemSchemas = schemas.flatMap((s) => [Array.isArray(s.prefixItems) ? s.prefixItems[i] : undefined, s.items])
      if (itemSchemas.every((s) => s === undefined)) unrealistic(document, item, undefined, `${at}/${i}`, problems)
      for (const s of itemSchemas) if (s !== undefined) unrealistic(document, item, s, `${at}/${i}`, problems)
    })
  } else if (isObject(value)) {
    for (const [key, item] of Object.entries(value)) {
      const propertySchemas = schemas.flatMap((s) => {
        const declared = isObject(s.properties) ? s.properties[key] : undefined
        return declared !== undefined ? [declared] : isObject(s.additionalProperties) ? [s.additionalProperties] : []
      })
      if (propertySchemas.length === 0) unrealistic(document, item, undefined, `${at}/${escape(key)}`, problems)
      for (const s of propertySchemas) unrealistic(document, item, s, `${at}/${escape(key)}`, problems)
    }
  }
}

/** Every problem with the document's examples, each starting with the JSON pointer of the offending value. */
function exampleProblems(document: JsonObject): { examples: Example[]; problems: string[] } {
  const problems: string[] = []
  const seen = new Set<string>()
  const examples = findExamples(document, seen, problems)
  for (const pointer of allExampleKeys(document, '')) {
    if (!seen.has(pointer)) problems.push(`${pointer}: an example where OpenAPI does not define one, so nothing checks it`)
  }

  const id = 'https://contract.test/openapi.json'
  const ajv = new Ajv2020({ strict: false, allErrors: true })
  addFormats(ajv)
  ajv.addSchema({ ...(strict(document) as JsonObject), $id: id })
  for (const example of examples) {
    const fragment = example.schemaPointer.split('/').map(encodeURIComponent).join('/')
    const validate = ajv.compile({ $ref: `${id}#${fragment}` })
    if (!validate(example.value)) {
      for (const error of validate.errors ?? []) {
        problems.push(
          `${example.pointer}${error.instancePath}: ${error.message ?? error.keyword} ${JSON.stringify(error.params)} (schema ${example.schemaPointer})`,
        )
      }
    }
    unrealistic(document, example.value, resolve(document, example.schemaPointer), example.pointer, problems)
  }
  return { examples, problems: [...new Set(problems)] }
}

describe('examples in openapi/openapi.json', () => {
  it('validate against the schemas they illustrate and look real', () => {
    const { examples, problems } = exampleProblems(loadDocument())
    expect(problems).toEqual([])
    // Every named schema carries an example, so there are at least that many; the walker must find them.
    const document = loadDocument()
    const named = entries(isObject(document.components) ? document.components.schemas : undefined).map(
      ([name]) => `/components/schemas/${escape(name)}/example`,
    )
    expect(examples.map((example) => example.pointer)).toEqual(expect.arrayContaining(named))
  })

  type Mutation = [what: string, mutate: (document: JsonObject) => void, expected: string]
  const at = (document: JsonObject, pointer: string): JsonObject => {
    const node = resolve(document, pointer)
    if (!isObject(node)) throw new Error(`${pointer} is not an object in the document`)
    return node
  }
  const mutations: Mutation[] = [
    [
      'a value outside an enum',
      (d) => (at(d, '/components/schemas/User/example').role = 'superuser'),
      '/components/schemas/User/example/role: must be equal to one of the allowed values',
    ],
    [
      'a missing required property',
      (d) => delete at(d, '/components/schemas/Post/example').title,
      "/components/schemas/Post/example: must have required property 'title'",
    ],
    [
      'a property the schema does not declare',
      (d) => (at(d, '/components/schemas/Post/example').tags = ['api']),
      '/components/schemas/Post/example: must NOT have additional properties',
    ],
    [
      'a "string" placeholder',
      (d) => (at(d, '/components/schemas/Post/example').title = 'string'),
      '/components/schemas/Post/example/title: "string" is a placeholder',
    ],
    [
      'an email not at example.com',
      (d) => (at(d, '/components/schemas/User/example').email = 'alice@gmail.com'),
      '/components/schemas/User/example/email: email "alice@gmail.com" is not @example.com',
    ],
    [
      'an id that is not a UUID',
      (d) => (at(d, '/components/schemas/Post/properties/authorId').example = '00000000-0000-0000-0000-000000000000'),
      '/components/schemas/Post/properties/authorId/example: "00000000-0000-0000-0000-000000000000" is not a UUID',
    ],
    [
      'a local time',
      (d) => (at(d, '/components/schemas/Post/example').createdAt = '2026-11-25T10:30:00+01:00'),
      '/components/schemas/Post/example/createdAt: "2026-11-25T10:30:00+01:00" is not a UTC time',
    ],
    [
      'a bad media-type example through a component example',
      (d) => {
        const media = at(d, '/paths/~1api~1posts/get/responses/200/content/application~1json')
        media.examples = { empty: { $ref: '#/components/examples/EmptyPage' } }
        at(d, '/components').examples = { EmptyPage: { summary: 'No posts', value: { data: [] } } }
      },
      "/components/examples/EmptyPage/value: must have required property 'meta'",
    ],
    [
      'an unused component example',
      (d) => (at(d, '/components').examples = { Orphan: { value: 1 } }),
      '/components/examples/Orphan: not used by any parameter',
    ],
    [
      'an example where OpenAPI defines none',
      (d) => (at(d, '/paths/~1api~1posts/get/responses/200').example = { data: [] }),
      '/paths/~1api~1posts/get/responses/200/example: an example where OpenAPI does not define one',
    ],
  ]

  it.each(mutations)('bite: %s is reported with its JSON pointer', (_what, mutate, expected) => {
    const document = loadDocument()
    mutate(document)
    const { problems } = exampleProblems(document)
    expect(problems).toEqual([expect.stringContaining(expected)])
  })
})
