/**
 * Breaking changes between two OpenAPI 3.x documents, from the point of view of an existing client.
 *
 * Written here because the npm tools tried could not be trusted on our 3.1 document: openapi-diff rejects 3.1,
 * @useoptic/optic skips `allOf: [{ $ref }, { description }]` (how zod-openapi annotates a referenced schema, so a
 * narrowed enum in PUT/PATCH bodies passed) and never flags a narrowed response enum, and api-smart-diff reports
 * that same allOf as a breaking removal after a purely additive change (a new optional query parameter).
 *
 * The rule behind every check: a response keeps everything a client reads, with the same type, no new type (such as
 * null) and no fewer enum values; a request still accepts whatever a client sent before. A response enum may gain
 * values: clients must tolerate unknown ones, as they already do for error codes.
 */

export interface SchemaObject {
  $ref?: string
  type?: string | string[]
  nullable?: boolean
  enum?: unknown[]
  const?: unknown
  properties?: Record<string, SchemaObject>
  required?: string[]
  items?: SchemaObject
  additionalProperties?: boolean | SchemaObject
  allOf?: SchemaObject[]
  anyOf?: SchemaObject[]
  oneOf?: SchemaObject[]
}

interface MediaType {
  schema?: SchemaObject
}

interface Reference {
  $ref?: string
}

interface Parameter extends Reference {
  name: string
  in: string
  required?: boolean
  schema?: SchemaObject
}

interface RequestBody extends Reference {
  required?: boolean
  content?: Record<string, MediaType>
}

interface Response extends Reference {
  headers?: Record<string, Reference>
  content?: Record<string, MediaType>
}

type SecurityRequirement = Record<string, string[]>

interface Operation {
  parameters?: Parameter[]
  requestBody?: RequestBody
  responses?: Record<string, Response>
  security?: SecurityRequirement[]
}

type PathItem = Partial<Record<Method, Operation>> & { parameters?: Parameter[] }

export interface OpenApiDocument {
  openapi: string
  paths?: Record<string, PathItem>
  security?: SecurityRequirement[]
}

type Method = (typeof METHODS)[number]
const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const

type Direction = 'request' | 'response'

/** One document plus the lookups that need it. */
class Doc {
  constructor(readonly root: OpenApiDocument) {}

  /** Follows local `$ref`s (`#/...`) until a real object; siblings of a `$ref` (allowed in 3.1) win over the target. */
  deref<T extends Reference>(value: T): { value: T; refs: string[] } {
    const refs: string[] = []
    let current = value
    while (typeof current.$ref === 'string') {
      const ref = current.$ref
      if (refs.includes(ref)) throw new Error(`circular $ref ${ref}`)
      refs.push(ref)
      const { $ref: _ignored, ...siblings } = current
      current = { ...(this.pointer(ref) as T), ...siblings }
    }
    return { value: current, refs }
  }

  private pointer(ref: string): unknown {
    if (!ref.startsWith('#/')) throw new Error(`only local $refs are supported, got ${ref}`)
    let node: unknown = this.root
    for (const raw of ref.slice(2).split('/')) {
      const key = decodeURIComponent(raw).replaceAll('~1', '/').replaceAll('~0', '~')
      if (typeof node !== 'object' || node === null || !(key in node)) throw new Error(`unresolvable $ref ${ref}`)
      node = (node as Record<string, unknown>)[key]
    }
    return node
  }

  /** A schema with its `$ref`s followed and its `allOf` folded into one object, plus the refs it went through. */
  schema(schema: SchemaObject): { schema: SchemaObject; refs: string[] } {
    const { value, refs } = this.deref(schema)
    if (!value.allOf) return { schema: value, refs }
    const { allOf, ...own } = value
    let merged: SchemaObject = {}
    for (const part of allOf) {
      const resolved = this.schema(part)
      refs.push(...resolved.refs)
      merged = mergeSchemas(merged, resolved.schema)
    }
    return { schema: mergeSchemas(merged, own), refs }
  }
}

function mergeSchemas(a: SchemaObject, b: SchemaObject): SchemaObject {
  const merged: SchemaObject = { ...a, ...b }
  if (a.properties || b.properties) merged.properties = { ...a.properties, ...b.properties }
  if (a.required || b.required) merged.required = [...new Set([...(a.required ?? []), ...(b.required ?? [])])]
  return merged
}

/** The JSON types a schema admits; undefined means "anything". A `null`-only branch of anyOf/oneOf adds "null". */
function typesOf(schema: SchemaObject, doc: Doc): Set<string> | undefined {
  const variants = schema.anyOf ?? schema.oneOf
  if (variants) {
    const union = new Set<string>()
    for (const variant of variants) {
      const types = typesOf(doc.schema(variant).schema, doc)
      if (!types) return undefined
      types.forEach((type) => union.add(type))
    }
    return union
  }
  if (schema.type === undefined) return undefined
  const types = new Set(Array.isArray(schema.type) ? schema.type : [schema.type])
  if (schema.nullable) types.add('null')
  return types
}

/** Is every type in `inner` also admitted by `outer`? An integer is a number. */
function admits(outer: Set<string> | undefined, inner: Set<string> | undefined): boolean {
  if (!outer) return true
  if (!inner) return false
  return [...inner].every((type) => outer.has(type) || (type === 'integer' && outer.has('number')))
}

const describeTypes = (types: Set<string> | undefined): string => (types ? [...types].join(' | ') : 'any')

function enumOf(schema: SchemaObject): unknown[] | undefined {
  if (schema.enum) return schema.enum
  return schema.const === undefined ? undefined : [schema.const]
}

/**
 * The branch of `anyOf: [X, { type: 'null' }]` that carries the structure, so nullable objects are still compared.
 * Other unions are compared by the types they admit only.
 */
function structuralBranch(schema: SchemaObject, doc: Doc): SchemaObject {
  const variants = schema.anyOf ?? schema.oneOf
  if (!variants) return schema
  const nonNull = variants.filter((variant) => {
    const types = typesOf(doc.schema(variant).schema, doc)
    return !(types?.size === 1 && types.has('null'))
  })
  return nonNull.length === 1 && nonNull[0] ? doc.schema(nonNull[0]).schema : schema
}

class Comparison {
  readonly changes: string[] = []
  /** Pairs of $ref chains being compared right now: a recursive schema is compared once, not forever. */
  private readonly active = new Set<string>()

  constructor(
    readonly base: Doc,
    readonly head: Doc,
  ) {}

  report(message: string): void {
    if (!this.changes.includes(message)) this.changes.push(message)
  }

  /** `where` names the body or parameter ("GET /x: response 200 body"); `path` is the property path inside it. */
  schemas(baseRaw: SchemaObject, headRaw: SchemaObject, direction: Direction, where: string, path: string): void {
    const base = this.base.schema(baseRaw)
    const head = this.head.schema(headRaw)
    const key = `${direction}|${base.refs.join(',')}|${head.refs.join(',')}`
    if (base.refs.length + head.refs.length > 0) {
      if (this.active.has(key)) return
      this.active.add(key)
    }
    try {
      this.compareResolved(base.schema, head.schema, direction, where, path)
    } finally {
      this.active.delete(key)
    }
  }

  private compareResolved(base: SchemaObject, head: SchemaObject, direction: Direction, where: string, path: string): void {
    const at = path ? `${where} property ${path}` : where
    const baseTypes = typesOf(base, this.base)
    const headTypes = typesOf(head, this.head)
    const compatible = direction === 'response' ? admits(baseTypes, headTypes) : admits(headTypes, baseTypes)
    if (!compatible) {
      // Everything below a changed type would be noise: report the cause once.
      this.report(`${at} type changed from ${describeTypes(baseTypes)} to ${describeTypes(headTypes)}`)
      return
    }

    const baseEnum = enumOf(base)
    const headEnum = enumOf(head)
    if (headEnum) {
      if (baseEnum) {
        const kept = new Set(headEnum.map((value) => JSON.stringify(value)))
        for (const value of baseEnum) {
          if (!kept.has(JSON.stringify(value))) this.report(`${at} enum value ${JSON.stringify(value)} removed`)
        }
      } else if (direction === 'request') {
        this.report(`${at} is now restricted to ${headEnum.map((value) => JSON.stringify(value)).join(', ')}`)
      }
    }

    const baseShape = structuralBranch(base, this.base)
    const headShape = structuralBranch(head, this.head)
    this.properties(baseShape, headShape, direction, where, path)
    if (baseShape.items && headShape.items) {
      this.schemas(baseShape.items, headShape.items, direction, where, `${path}[]`)
    }
    const baseExtra = baseShape.additionalProperties
    const headExtra = headShape.additionalProperties
    if (typeof baseExtra === 'object' && typeof headExtra === 'object') {
      this.schemas(baseExtra, headExtra, direction, where, `${path}{}`)
    }
  }

  private properties(base: SchemaObject, head: SchemaObject, direction: Direction, where: string, path: string): void {
    const baseProps = base.properties ?? {}
    const headProps = head.properties ?? {}
    const baseRequired = new Set(base.required ?? [])
    const headRequired = new Set(head.required ?? [])
    const name = (prop: string): string => `${where} property ${path ? `${path}.${prop}` : prop}`

    for (const [prop, baseProp] of Object.entries(baseProps)) {
      const headProp = headProps[prop]
      if (!headProp) {
        // A request field may go only if the server still accepts it (it is not rejected as unknown).
        if (direction === 'response' || head.additionalProperties === false) this.report(`${name(prop)} removed`)
        continue
      }
      if (direction === 'response' && baseRequired.has(prop) && !headRequired.has(prop)) {
        this.report(`${name(prop)} became optional`)
      }
      if (direction === 'request' && !baseRequired.has(prop) && headRequired.has(prop)) {
        this.report(`${name(prop)} became required`)
      }
      this.schemas(baseProp, headProp, direction, where, path ? `${path}.${prop}` : prop)
    }
    if (direction === 'request') {
      for (const prop of Object.keys(headProps)) {
        if (!(prop in baseProps) && headRequired.has(prop)) this.report(`${name(prop)} is new and required`)
      }
    }
  }
}

function effectiveParameters(doc: Doc, pathItem: PathItem, operation: Operation): Map<string, Parameter> {
  const byKey = new Map<string, Parameter>()
  // Operation-level parameters override path-level ones with the same name and location.
  for (const raw of [...(pathItem.parameters ?? []), ...(operation.parameters ?? [])]) {
    const parameter = doc.deref(raw).value
    byKey.set(`${parameter.in} parameter ${parameter.name}`, parameter)
  }
  return byKey
}

function requiresAuth(doc: OpenApiDocument, operation: Operation): boolean {
  const requirements = operation.security ?? doc.security ?? []
  // An empty requirement object means "anonymous is also fine".
  return requirements.length > 0 && !requirements.some((requirement) => Object.keys(requirement).length === 0)
}

function compareParameters(cmp: Comparison, op: string, base: Map<string, Parameter>, head: Map<string, Parameter>): void {
  for (const [key, baseParam] of base) {
    const headParam = head.get(key)
    if (!headParam) {
      cmp.report(`${op}: ${key} removed`)
      continue
    }
    if (!baseParam.required && headParam.required) cmp.report(`${op}: ${key} became required`)
    if (baseParam.schema && headParam.schema) cmp.schemas(baseParam.schema, headParam.schema, 'request', `${op}: ${key}`, '')
  }
  for (const [key, headParam] of head) {
    if (!base.has(key) && headParam.required) cmp.report(`${op}: new required ${key}`)
  }
}

function compareRequestBodies(cmp: Comparison, op: string, baseRaw: RequestBody | undefined, headRaw: RequestBody | undefined): void {
  const base = baseRaw && cmp.base.deref(baseRaw).value
  const head = headRaw && cmp.head.deref(headRaw).value
  if (!base) {
    if (head?.required) cmp.report(`${op}: request body is new and required`)
    return
  }
  if (!head) {
    cmp.report(`${op}: request body removed`)
    return
  }
  if (!base.required && head.required) cmp.report(`${op}: request body became required`)
  for (const [type, baseMedia] of Object.entries(base.content ?? {})) {
    const headMedia = head.content?.[type]
    if (!headMedia) {
      cmp.report(`${op}: request content type ${type} removed`)
      continue
    }
    if (baseMedia.schema && headMedia.schema) cmp.schemas(baseMedia.schema, headMedia.schema, 'request', `${op}: request body`, '')
  }
}

function compareResponses(cmp: Comparison, op: string, base: Record<string, Response>, head: Record<string, Response>): void {
  for (const [status, baseRaw] of Object.entries(base)) {
    const headRaw = head[status]
    if (!headRaw) {
      cmp.report(`${op}: response ${status} removed`)
      continue
    }
    const baseResponse = cmp.base.deref(baseRaw).value
    const headResponse = cmp.head.deref(headRaw).value
    for (const header of Object.keys(baseResponse.headers ?? {})) {
      const present = Object.keys(headResponse.headers ?? {}).some((name) => name.toLowerCase() === header.toLowerCase())
      if (!present) cmp.report(`${op}: response ${status} header ${header} removed`)
    }
    for (const [type, baseMedia] of Object.entries(baseResponse.content ?? {})) {
      const headMedia = headResponse.content?.[type]
      if (!headMedia) {
        cmp.report(`${op}: response ${status} content type ${type} removed`)
        continue
      }
      if (baseMedia.schema && headMedia.schema) {
        cmp.schemas(baseMedia.schema, headMedia.schema, 'response', `${op}: response ${status} body`, '')
      }
    }
  }
}

/** Every change in `head` that can break a client written against `base`, one human-readable line each. */
export function findBreakingChanges(baseDocument: OpenApiDocument, headDocument: OpenApiDocument): string[] {
  const cmp = new Comparison(new Doc(baseDocument), new Doc(headDocument))
  for (const [path, basePathItem] of Object.entries(baseDocument.paths ?? {})) {
    const headPathItem = headDocument.paths?.[path]
    if (!headPathItem) {
      cmp.report(`${path}: path removed`)
      continue
    }
    for (const method of METHODS) {
      const baseOp = basePathItem[method]
      if (!baseOp) continue
      const op = `${method.toUpperCase()} ${path}`
      const headOp = headPathItem[method]
      if (!headOp) {
        cmp.report(`${op}: operation removed`)
        continue
      }
      if (!requiresAuth(baseDocument, baseOp) && requiresAuth(headDocument, headOp)) {
        cmp.report(`${op}: now requires authentication`)
      }
      compareParameters(cmp, op, effectiveParameters(cmp.base, basePathItem, baseOp), effectiveParameters(cmp.head, headPathItem, headOp))
      compareRequestBodies(cmp, op, baseOp.requestBody, headOp.requestBody)
      compareResponses(cmp, op, baseOp.responses ?? {}, headOp.responses ?? {})
    }
  }
  return cmp.changes
}

/** Parses and minimally checks a document, so a wrong file fails loudly instead of comparing as "no paths". */
export function parseDocument(text: string, label: string): OpenApiDocument {
  const parsed: unknown = JSON.parse(text)
  if (typeof parsed !== 'object' || parsed === null || !('openapi' in parsed) || typeof parsed.openapi !== 'string') {
    throw new Error(`${label} is not an OpenAPI document (no "openapi" version field)`)
  }
  if (!parsed.openapi.startsWith('3.')) throw new Error(`${label}: only OpenAPI 3.x is supported, got ${parsed.openapi}`)
  return parsed as OpenApiDocument
}
