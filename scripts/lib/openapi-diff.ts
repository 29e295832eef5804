/**
 * Breaking changes between two OpenAPI 3.x documents, from the point of view of an existing client; and, for the
 * changelog (scripts/openapi-changelog.ts), everything else that changed: additions, deprecations, relaxations.
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
  deprecated?: boolean
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
  deprecated?: boolean
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
  operationId?: string
  deprecated?: boolean
  parameters?: Parameter[]
  requestBody?: RequestBody
  responses?: Record<string, Response>
  security?: SecurityRequirement[]
}

type PathItem = Partial<Record<Method, Operation>> & { parameters?: Parameter[] }

export interface OpenApiDocument {
  openapi: string
  info?: { version?: string; title?: string }
  paths?: Record<string, PathItem>
  security?: SecurityRequirement[]
}

type Method = (typeof METHODS)[number]
const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const

type Direction = 'request' | 'response'

/** What a change means to an existing client: it breaks it, warns it, or gives it something new or looser. */
export type ChangeKind = 'breaking' | 'deprecated' | 'added' | 'changed'
type NoteKind = Exclude<ChangeKind, 'breaking'>

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

function sameTypes(a: Set<string> | undefined, b: Set<string> | undefined): boolean {
  if (!a || !b) return a === b
  return a.size === b.size && [...a].every((type) => b.has(type))
}

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
  /** The changes that break nothing, for the changelog; findBreakingChanges ignores them. */
  readonly notes: Array<{ kind: NoteKind; message: string }> = []
  /** Pairs of $ref chains being compared right now: a recursive schema is compared once, not forever. */
  private readonly active = new Set<string>()

  constructor(
    readonly base: Doc,
    readonly head: Doc,
  ) {}

  report(message: string): void {
    if (!this.changes.includes(message)) this.changes.push(message)
  }

  note(kind: NoteKind, message: string): void {
    if (!this.notes.some((note) => note.message === message)) this.notes.push({ kind, message })
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
    if (!sameTypes(baseTypes, headTypes)) {
      this.note('changed', `${at} type changed from ${describeTypes(baseTypes)} to ${describeTypes(headTypes)}`)
    }

    const baseEnum = enumOf(base)
    const headEnum = enumOf(head)
    const list = (values: unknown[]) => values.map((value) => JSON.stringify(value)).join(', ')
    if (headEnum) {
      if (baseEnum) {
        const kept = new Set(headEnum.map((value) => JSON.stringify(value)))
        for (const value of baseEnum) {
          if (!kept.has(JSON.stringify(value))) this.report(`${at} enum value ${JSON.stringify(value)} removed`)
        }
        const had = new Set(baseEnum.map((value) => JSON.stringify(value)))
        for (const value of headEnum) {
          if (!had.has(JSON.stringify(value))) this.note('added', `${at} enum value ${JSON.stringify(value)} added`)
        }
      } else if (direction === 'request') {
        this.report(`${at} is now restricted to ${list(headEnum)}`)
      } else {
        this.note('changed', `${at} is now restricted to ${list(headEnum)}`)
      }
    } else if (baseEnum) {
      this.note('changed', `${at} is no longer restricted to ${list(baseEnum)}`)
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
        else this.note('changed', `${name(prop)} removed from the document (still accepted)`)
        continue
      }
      if (direction === 'response' && baseRequired.has(prop) && !headRequired.has(prop)) {
        this.report(`${name(prop)} became optional`)
      }
      if (direction === 'request' && !baseRequired.has(prop) && headRequired.has(prop)) {
        this.report(`${name(prop)} became required`)
      }
      if (direction === 'response' && !baseRequired.has(prop) && headRequired.has(prop)) {
        this.note('changed', `${name(prop)} is now always present`)
      }
      if (direction === 'request' && baseRequired.has(prop) && !headRequired.has(prop)) {
        this.note('changed', `${name(prop)} became optional`)
      }
      if (this.head.schema(headProp).schema.deprecated && !this.base.schema(baseProp).schema.deprecated) {
        this.note('deprecated', `${name(prop)} deprecated`)
      }
      this.schemas(baseProp, headProp, direction, where, path ? `${path}.${prop}` : prop)
    }
    for (const prop of Object.keys(headProps)) {
      if (prop in baseProps) continue
      if (direction === 'response') this.note('added', `${name(prop)} added`)
      else if (headRequired.has(prop)) this.report(`${name(prop)} is new and required`)
      else this.note('added', `${name(prop)} added (optional)`)
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
    if (baseParam.required && !headParam.required) cmp.note('changed', `${op}: ${key} became optional`)
    if (headParam.deprecated && !baseParam.deprecated) cmp.note('deprecated', `${op}: ${key} deprecated`)
    if (baseParam.schema && headParam.schema) cmp.schemas(baseParam.schema, headParam.schema, 'request', `${op}: ${key}`, '')
  }
  for (const [key, headParam] of head) {
    if (base.has(key)) continue
    if (headParam.required) cmp.report(`${op}: new required ${key}`)
    else cmp.note('added', `${op}: new optional ${key}`)
  }
}

function compareRequestBodies(cmp: Comparison, op: string, baseRaw: RequestBody | undefined, headRaw: RequestBody | undefined): void {
  const base = baseRaw && cmp.base.deref(baseRaw).value
  const head = headRaw && cmp.head.deref(headRaw).value
  if (!base) {
    if (head?.required) cmp.report(`${op}: request body is new and required`)
    else if (head) cmp.note('added', `${op}: optional request body added`)
    return
  }
  if (!head) {
    cmp.report(`${op}: request body removed`)
    return
  }
  if (!base.required && head.required) cmp.report(`${op}: request body became required`)
  if (base.required && !head.required) cmp.note('changed', `${op}: request body became optional`)
  for (const [type, baseMedia] of Object.entries(base.content ?? {})) {
    const headMedia = head.content?.[type]
    if (!headMedia) {
      cmp.report(`${op}: request content type ${type} removed`)
      continue
    }
    if (baseMedia.schema && headMedia.schema) cmp.schemas(baseMedia.schema, headMedia.schema, 'request', `${op}: request body`, '')
  }
  for (const type of Object.keys(head.content ?? {})) {
    if (!base.content?.[type]) cmp.note('added', `${op}: request content type ${type} added`)
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
    const has = (headers: Record<string, Reference> | undefined, header: string) =>
      Object.keys(headers ?? {}).some((name) => name.toLowerCase() === header.toLowerCase())
    for (const header of Object.keys(baseResponse.headers ?? {})) {
      if (!has(headResponse.headers, header)) cmp.report(`${op}: response ${status} header ${header} removed`)
    }
    for (const header of Object.keys(headResponse.headers ?? {})) {
      if (!has(baseResponse.headers, header)) cmp.note('added', `${op}: response ${status} header ${header} added`)
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
    for (const type of Object.keys(headResponse.content ?? {})) {
      if (!baseResponse.content?.[type]) cmp.note('added', `${op}: response ${status} content type ${type} added`)
    }
  }
  for (const status of Object.keys(head)) {
    if (!(status in base)) cmp.note('added', `${op}: response ${status} added`)
  }
}

function compareDocuments(baseDocument: OpenApiDocument, headDocument: OpenApiDocument): Comparison {
  const cmp = new Comparison(new Doc(baseDocument), new Doc(headDocument))
  for (const [path, basePathItem] of Object.entries(baseDocument.paths ?? {})) {
    const headPathItem = headDocument.paths?.[path]
    if (!headPathItem) {
      cmp.report(`${path}: path removed`)
      continue
    }
    for (const method of METHODS) {
      const baseOp = basePathItem[method]
      const op = `${method.toUpperCase()} ${path}`
      const headOp = headPathItem[method]
      if (!baseOp) {
        if (headOp) cmp.note('added', `${op}: new operation`)
        continue
      }
      if (!headOp) {
        cmp.report(`${op}: operation removed`)
        continue
      }
      if (!requiresAuth(baseDocument, baseOp) && requiresAuth(headDocument, headOp)) {
        cmp.report(`${op}: now requires authentication`)
      }
      if (requiresAuth(baseDocument, baseOp) && !requiresAuth(headDocument, headOp)) {
        cmp.note('changed', `${op}: no longer requires authentication`)
      }
      if (headOp.deprecated && !baseOp.deprecated) cmp.note('deprecated', `${op}: operation deprecated`)
      compareParameters(cmp, op, effectiveParameters(cmp.base, basePathItem, baseOp), effectiveParameters(cmp.head, headPathItem, headOp))
      compareRequestBodies(cmp, op, baseOp.requestBody, headOp.requestBody)
      compareResponses(cmp, op, baseOp.responses ?? {}, headOp.responses ?? {})
    }
  }
  for (const [path, headPathItem] of Object.entries(headDocument.paths ?? {})) {
    if (baseDocument.paths?.[path]) continue
    for (const method of METHODS) {
      if (headPathItem[method]) cmp.note('added', `${method.toUpperCase()} ${path}: new operation`)
    }
  }
  return cmp
}

/** Every change in `head` that can break a client written against `base`, one human-readable line each. */
export function findBreakingChanges(baseDocument: OpenApiDocument, headDocument: OpenApiDocument): string[] {
  return compareDocuments(baseDocument, headDocument).changes
}

/** One change, with the operation it belongs to picked out of its line. */
export interface Change {
  kind: ChangeKind
  /** The whole line, as findBreakingChanges words it: "GET /api/users: query parameter page became required". */
  message: string
  /** GET, POST, ...; undefined for a change to a whole path ("/api/legacy: path removed"). */
  method: string | undefined
  path: string | undefined
  /** The operationIds concerned: the operation's own, or those of every operation of a removed path. */
  operationIds: string[]
  /** The line after "<METHOD> <path>: ". */
  detail: string
}

export type DocumentDiff = Record<ChangeKind, Change[]>

function operationIdsOf(pathItem: PathItem | undefined, method: string | undefined): string[] {
  if (!pathItem) return []
  const methods = method ? [method.toLowerCase() as Method] : [...METHODS]
  return methods.flatMap((name) => {
    const id = pathItem[name]?.operationId
    return id ? [id] : []
  })
}

/**
 * Every change from `base` to `head`: what breaks existing clients (exactly findBreakingChanges), what is newly
 * deprecated, what was added, and what changed without breaking anything (a relaxed request, a new enum value).
 */
export function diffDocuments(baseDocument: OpenApiDocument, headDocument: OpenApiDocument): DocumentDiff {
  const cmp = compareDocuments(baseDocument, headDocument)
  const diff: DocumentDiff = { breaking: [], deprecated: [], added: [], changed: [] }
  const entries = [...cmp.changes.map((message) => ({ kind: 'breaking' as const, message })), ...cmp.notes]
  for (const { kind, message } of entries) {
    const match = /^(?:([A-Z]+) )?(\/\S*): (.*)$/.exec(message)
    const method = match?.[1]
    const path = match?.[2]
    // A removed operation is only in base, a new one only in head.
    const ids = path ? operationIdsOf(baseDocument.paths?.[path], method).concat(operationIdsOf(headDocument.paths?.[path], method)) : []
    diff[kind].push({ kind, message, method, path, operationIds: [...new Set(ids)], detail: match?.[3] ?? message })
  }
  return diff
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
