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
 * null) and no fewer enum values; a request still accepts whatever a client sent before. Constraints follow the same
 * rule: what a client sends may not be constrained more (a pattern, format or bound added or tightened), what it
 * receives may not be constrained less (a pattern, format or bound removed or loosened), since a client validating
 * strictly, or sized to the old bounds, would reject it. A response enum may gain values: clients must tolerate
 * unknown ones, as they already do for error codes.
 *
 * A change inside a shared schema (`#/components/schemas/<Name>`, reached by the same `$ref` in both documents) is
 * reported once, as a change to that component naming the operations that use it, not once per body that embeds it.
 */

export interface SchemaObject {
  $ref?: string
  type?: string | string[]
  nullable?: boolean
  enum?: unknown[]
  const?: unknown
  format?: string
  pattern?: string
  minLength?: number
  maxLength?: number
  minimum?: number
  maximum?: number
  exclusiveMinimum?: number | boolean
  exclusiveMaximum?: number | boolean
  multipleOf?: number
  minItems?: number
  maxItems?: number
  uniqueItems?: boolean
  minProperties?: number
  maxProperties?: number
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

type SecurityScheme = { type?: string; scheme?: string; bearerFormat?: string; in?: string; name?: string }

export interface OpenApiDocument {
  openapi: string
  info?: { version?: string; title?: string }
  paths?: Record<string, PathItem>
  security?: SecurityRequirement[]
  components?: { securitySchemes?: Record<string, SecurityScheme> }
}

type Method = (typeof METHODS)[number]
const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const

type Direction = 'request' | 'response'

/** What a change means to an existing client: it breaks it, warns it, or gives it something new or looser. */
export type ChangeKind = 'breaking' | 'deprecated' | 'added' | 'changed'

/** Most severe first: when one change means different things to different uses, the worst one is reported. */
const SEVERITY: ChangeKind[] = ['breaking', 'deprecated', 'changed', 'added']

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

/** Numeric bounds: an upper bound is tightened by lowering it, a lower bound by raising it. */
const BOUNDS = [
  ['maxLength', 'upper'],
  ['maxItems', 'upper'],
  ['maxProperties', 'upper'],
  ['maximum', 'upper'],
  ['exclusiveMaximum', 'upper'],
  ['minLength', 'lower'],
  ['minItems', 'lower'],
  ['minProperties', 'lower'],
  ['minimum', 'lower'],
  ['exclusiveMinimum', 'lower'],
] as const satisfies ReadonlyArray<readonly [keyof SchemaObject, 'upper' | 'lower']>

/** Lower bounds whose absence means 0 (a string, array or object is never shorter than empty). */
const ZERO_BY_DEFAULT = new Set<string>(['minLength', 'minItems', 'minProperties'])

const numeric = (value: unknown): number | undefined => (typeof value === 'number' ? value : undefined)

/** allOf: every part applies, so the merged schema keeps the tighter of two bounds. */
function mergeSchemas(a: SchemaObject, b: SchemaObject): SchemaObject {
  const merged: SchemaObject = { ...a, ...b }
  if (a.properties || b.properties) merged.properties = { ...a.properties, ...b.properties }
  if (a.required || b.required) merged.required = [...new Set([...(a.required ?? []), ...(b.required ?? [])])]
  for (const [key, side] of BOUNDS) {
    const [x, y] = [numeric(a[key]), numeric(b[key])]
    if (x !== undefined && y !== undefined) merged[key] = side === 'upper' ? Math.min(x, y) : Math.max(x, y)
  }
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
 * The branch of `anyOf: [X, { type: 'null' }]` that carries the structure, so nullable objects are still compared,
 * with the branch as written (`raw`, to tell a component) and the refs it went through (to stop at a recursion).
 * Other unions are compared by the types they admit only.
 */
function structuralBranch(schema: SchemaObject, doc: Doc): { schema: SchemaObject; raw?: SchemaObject; refs: string[] } {
  const variants = schema.anyOf ?? schema.oneOf
  if (!variants) return { schema, refs: [] }
  const nonNull = variants.filter((variant) => {
    const types = typesOf(doc.schema(variant).schema, doc)
    return !(types?.size === 1 && types.has('null'))
  })
  const [only] = nonNull
  return nonNull.length === 1 && only ? { ...doc.schema(only), raw: only } : { schema, refs: [] }
}

/** Keywords that describe a schema without constraining it: a `$ref` carrying only these is the component itself. */
const ANNOTATIONS = new Set([
  'description',
  'title',
  'example',
  'examples',
  'deprecated',
  'default',
  'readOnly',
  'writeOnly',
  'externalDocs',
  '$comment',
])

const constraining = (schema: object): string[] => Object.keys(schema).filter((key) => !ANNOTATIONS.has(key) && !key.startsWith('x-'))

/**
 * The component a schema is, when it is nothing but a reference to `#/components/schemas/<Name>`: a `$ref`, or the
 * `allOf: [{ $ref }, { description }]` zod-openapi emits to annotate one. Anything that adds a constraint is not.
 */
function componentOf(schema: SchemaObject): string | undefined {
  const keys = constraining(schema)
  if (keys.length !== 1) return undefined
  if (keys[0] === '$ref' && schema.$ref) {
    const match = /^#\/components\/schemas\/([^/]+)$/.exec(schema.$ref)
    return match?.[1] && decodeURIComponent(match[1]).replaceAll('~1', '/').replaceAll('~0', '~')
  }
  if (keys[0] === 'allOf' && schema.allOf) {
    const parts = schema.allOf.filter((part) => constraining(part).length > 0)
    return parts.length === 1 && parts[0] ? componentOf(parts[0]) : undefined
  }
  return undefined
}

/** A value in a code span, cut short when long (patterns are): "`^(?=[^@]{1,64}@)[A-Za-z0-9…`". */
function code(value: unknown, max = 32): string {
  const text = String(value)
  const short = text.length > max ? `${text.slice(0, max - 1)}…` : text
  const fence = '`'.repeat(Math.max(0, ...(short.match(/`+/g) ?? []).map((run) => run.length)) + 1)
  const pad = short.startsWith('`') || short.endsWith('`') ? ' ' : ''
  return `${fence}${pad}${short}${pad}${fence}`
}

/** Where a schema comparison is: in which operation, which body or parameter, and which shared component. */
interface Site {
  /** "GET /api/users" */
  op: string
  /** "response 200 body", "request body", "query parameter page" */
  where: string
  /** The property path from the body or parameter: "data[].address.postcode". */
  path: string
  /** The innermost component both sides reach by the same `$ref`, and the property path inside it. */
  component?: { name: string; path: string }
}

function child(site: Site, segment: string): Site {
  const join = (path: string) => (segment.startsWith('[') || segment.startsWith('{') || !path ? `${path}${segment}` : `${path}.${segment}`)
  return { ...site, path: join(site.path), ...(site.component && { component: { ...site.component, path: join(site.component.path) } }) }
}

/** The site inside a component when both sides are that component, by the same `$ref`. */
function within(site: Site, baseRaw: SchemaObject, headRaw: SchemaObject): Site {
  const name = componentOf(baseRaw)
  return name && name === componentOf(headRaw) ? { ...site, component: { name, path: '' } } : site
}

const subject = (where: string, path: string): string => [where, path && `property ${path}`].filter(Boolean).join(' ')

/** One change at one place, before the changes to a shared component are gathered into one. */
interface Finding {
  kind: ChangeKind
  /** "GET /api/users", or "/api/legacy" for a whole path. */
  op: string
  /** The change as seen from the operation: "response 200 body property data[].age removed". */
  detail: string
  /** The same change as seen from the component it is in: "property age removed". */
  component?: { name: string; detail: string }
}

class Comparison {
  readonly findings: Finding[] = []
  /** Pairs of $ref chains being compared right now: a recursive schema is compared once, not forever. */
  private readonly active = new Set<string>()

  constructor(
    readonly base: Doc,
    readonly head: Doc,
  ) {}

  /** A change to the operation itself (a parameter, a response, its security), outside any schema. */
  record(kind: ChangeKind, op: string, detail: string): void {
    this.findings.push({ kind, op, detail })
  }

  /** A change to a security scheme, seen from an operation that uses it. */
  scheme(kind: ChangeKind, op: string, name: string, what: string): void {
    this.findings.push({ kind, op, detail: `security scheme ${name} ${what}`, component: { name, detail: `security scheme ${what}` } })
  }

  /** A change at a place in a schema: `what` follows the name of the place ("removed", "pattern added (`x`)"). */
  private at(kind: ChangeKind, site: Site, what: string): void {
    const detail = [subject(site.where, site.path), what].filter(Boolean).join(' ')
    const component = site.component && {
      name: site.component.name,
      detail: [subject('', site.component.path), what].filter(Boolean).join(' '),
    }
    this.findings.push({ kind, op: site.op, detail, ...(component && { component }) })
  }

  /** A change that narrows (the new schema admits less) or widens what is admitted; which one breaks depends on the side. */
  private constraint(direction: Direction, site: Site, narrows: boolean, widens: boolean, what: string): void {
    if (narrows && widens) return
    const breaks = direction === 'request' ? !widens : !narrows
    this.at(breaks ? 'breaking' : 'changed', site, what)
  }

  schemas(baseRaw: SchemaObject, headRaw: SchemaObject, direction: Direction, outer: Site): void {
    const base = this.base.schema(baseRaw)
    const head = this.head.schema(headRaw)
    this.once(direction, base.refs, head.refs, () =>
      this.compareResolved(base.schema, head.schema, direction, within(outer, baseRaw, headRaw)),
    )
  }

  /** Runs `compare` unless the same pair of $ref chains is already being compared further up (a recursive schema). */
  private once(direction: Direction, baseRefs: string[], headRefs: string[], compare: () => void): void {
    const key = `${direction}|${baseRefs.join(',')}|${headRefs.join(',')}`
    if (baseRefs.length + headRefs.length > 0) {
      if (this.active.has(key)) return
      this.active.add(key)
    }
    try {
      compare()
    } finally {
      this.active.delete(key)
    }
  }

  private compareResolved(base: SchemaObject, head: SchemaObject, direction: Direction, site: Site): void {
    const baseTypes = typesOf(base, this.base)
    const headTypes = typesOf(head, this.head)
    const compatible = direction === 'response' ? admits(baseTypes, headTypes) : admits(headTypes, baseTypes)
    const typeChange = `type changed from ${describeTypes(baseTypes)} to ${describeTypes(headTypes)}`
    if (!compatible) {
      // Everything below a changed type would be noise: report the cause once.
      this.at('breaking', site, typeChange)
      return
    }
    if (!sameTypes(baseTypes, headTypes)) this.at('changed', site, typeChange)

    const baseEnum = enumOf(base)
    const headEnum = enumOf(head)
    const list = (values: unknown[]) => values.map((value) => JSON.stringify(value)).join(', ')
    if (headEnum) {
      if (baseEnum) {
        // One line per place, however many values: `enum values "A", "B" removed`.
        const values = (found: unknown[]) => `enum value${found.length > 1 ? 's' : ''} ${list(found)}`
        const kept = new Set(headEnum.map((value) => JSON.stringify(value)))
        const removed = baseEnum.filter((value) => !kept.has(JSON.stringify(value)))
        if (removed.length > headEnum.length)
          this.at('breaking', site, `enum narrowed to ${list(headEnum)} (${removed.length} values removed)`)
        else if (removed.length) this.at('breaking', site, `${values(removed)} removed`)
        const had = new Set(baseEnum.map((value) => JSON.stringify(value)))
        const added = headEnum.filter((value) => !had.has(JSON.stringify(value)))
        if (added.length) this.at('added', site, `${values(added)} added`)
      } else {
        this.at(direction === 'request' ? 'breaking' : 'changed', site, `is now restricted to ${list(headEnum)}`)
      }
    } else if (baseEnum) {
      // In a response too: clients already tolerate values they do not know.
      this.at('changed', site, `is no longer restricted to ${list(baseEnum)}`)
    }

    const baseBranch = structuralBranch(base, this.base)
    const headBranch = structuralBranch(head, this.head)
    const inner = baseBranch.raw && headBranch.raw ? within(site, baseBranch.raw, headBranch.raw) : site
    this.once(direction, baseBranch.refs, headBranch.refs, () => {
      const [baseShape, headShape] = [baseBranch.schema, headBranch.schema]
      this.constraints(baseShape, headShape, direction, inner)
      this.properties(baseShape, headShape, direction, inner)
      if (baseShape.items && headShape.items) this.schemas(baseShape.items, headShape.items, direction, child(inner, '[]'))
      this.additionalProperties(baseShape, headShape, direction, inner)
    })
  }

  /** pattern, format, the numeric and length bounds, multipleOf, uniqueItems. */
  private constraints(base: SchemaObject, head: SchemaObject, direction: Direction, site: Site): void {
    for (const key of ['pattern', 'format'] as const) {
      const [was, now] = [base[key], head[key]]
      if (was === now) continue
      if (was === undefined) this.constraint(direction, site, true, false, `${key} added (${code(now)})`)
      else if (now === undefined) this.constraint(direction, site, false, true, `${key} removed (was ${code(was)})`)
      else this.constraint(direction, site, false, false, `${key} changed from ${code(was)} to ${code(now)}`)
    }

    for (const [key, side] of BOUNDS) {
      const [rawWas, rawNow] = [numeric(base[key]), numeric(head[key])]
      const fallback = ZERO_BY_DEFAULT.has(key) ? 0 : undefined
      const [was, now] = [rawWas ?? fallback, rawNow ?? fallback]
      if (was === now) continue
      const unbounded = side === 'upper' ? Infinity : -Infinity
      const tighter = side === 'upper' ? (now ?? unbounded) < (was ?? unbounded) : (now ?? unbounded) > (was ?? unbounded)
      const what =
        rawWas === undefined
          ? `${key} added (${now})`
          : rawNow === undefined
            ? `${key} removed (was ${was})`
            : `${key} ${(now ?? 0) > (was ?? 0) ? 'raised' : 'lowered'} from ${was} to ${now}`
      this.constraint(direction, site, tighter, !tighter, what)
    }

    const [was, now] = [base.multipleOf, head.multipleOf]
    if (was !== now) {
      const divides = (a: number | undefined, b: number | undefined) => b === undefined || (a !== undefined && Number.isInteger(a / b))
      const what =
        was === undefined
          ? `multipleOf added (${now})`
          : now === undefined
            ? `multipleOf removed (was ${was})`
            : `multipleOf changed from ${was} to ${now}`
      this.constraint(direction, site, divides(now, was), divides(was, now), what)
    }

    if (Boolean(base.uniqueItems) !== Boolean(head.uniqueItems)) {
      this.constraint(
        direction,
        site,
        Boolean(head.uniqueItems),
        Boolean(base.uniqueItems),
        `uniqueItems ${head.uniqueItems ? 'added' : 'removed'}`,
      )
    }
  }

  /**
   * Extra properties: none (`false`), any (absent, `true`) or those a schema admits. In a request, rejecting what was
   * accepted breaks; in a response, extra properties whose values are no longer described break (a client reading
   * them as a map), while extra properties newly allowed do not (clients ignore fields they do not know).
   */
  private additionalProperties(base: SchemaObject, head: SchemaObject, direction: Direction, site: Site): void {
    const [was, now] = [base.additionalProperties, head.additionalProperties]
    if (typeof was === 'object' && typeof now === 'object') {
      this.schemas(was, now, direction, child(site, '{}'))
      return
    }
    const extras = (value: boolean | SchemaObject | undefined) => (value === false ? 'none' : typeof value === 'object' ? 'schema' : 'any')
    const [from, to] = [extras(was), extras(now)]
    if (from === to) return
    const phrases: Record<string, string> = {
      'any>none': 'additionalProperties: false added',
      'schema>none': 'additionalProperties changed from a schema to false',
      'none>any': 'additionalProperties: false removed',
      'schema>any': 'additionalProperties schema removed',
      'any>schema': 'additionalProperties schema added',
      'none>schema': 'additionalProperties changed from false to a schema',
    }
    const what = phrases[`${from}>${to}`]
    if (!what) return
    if (to === 'none' || (from === 'any' && to === 'schema')) this.constraint(direction, site, true, false, what)
    else if (direction === 'response' && from === 'none') this.at('changed', site, what)
    else this.constraint(direction, site, false, true, what)
  }

  private properties(base: SchemaObject, head: SchemaObject, direction: Direction, site: Site): void {
    const baseProps = base.properties ?? {}
    const headProps = head.properties ?? {}
    const baseRequired = new Set(base.required ?? [])
    const headRequired = new Set(head.required ?? [])

    for (const [prop, baseProp] of Object.entries(baseProps)) {
      const at = child(site, prop)
      const headProp = headProps[prop]
      if (!headProp) {
        // A request field may go only if the server still accepts it (it is not rejected as unknown).
        if (direction === 'response' || head.additionalProperties === false) this.at('breaking', at, 'removed')
        else this.at('changed', at, 'removed from the document (still accepted)')
        continue
      }
      if (direction === 'response' && baseRequired.has(prop) && !headRequired.has(prop)) this.at('breaking', at, 'became optional')
      if (direction === 'request' && !baseRequired.has(prop) && headRequired.has(prop)) this.at('breaking', at, 'became required')
      if (direction === 'response' && !baseRequired.has(prop) && headRequired.has(prop)) this.at('changed', at, 'is now always present')
      if (direction === 'request' && baseRequired.has(prop) && !headRequired.has(prop)) this.at('changed', at, 'became optional')
      if (this.head.schema(headProp).schema.deprecated && !this.base.schema(baseProp).schema.deprecated) {
        this.at('deprecated', at, 'deprecated')
      }
      this.schemas(baseProp, headProp, direction, at)
    }
    for (const prop of Object.keys(headProps)) {
      if (prop in baseProps) continue
      const at = child(site, prop)
      if (direction === 'response') this.at('added', at, 'added')
      else if (headRequired.has(prop)) this.at('breaking', at, 'is new and required')
      else this.at('added', at, 'added (optional)')
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

/** The one way in of a secured operation (every scheme it needs, with their scopes); undefined when it has several. */
function requirementOf(doc: OpenApiDocument, operation: Operation): SecurityRequirement | undefined {
  const requirements = (operation.security ?? doc.security ?? []).filter((requirement) => Object.keys(requirement).length > 0)
  return requirements.length === 1 ? requirements[0] : undefined
}

const scopesText = (scopes: string[]) => `scope${scopes.length > 1 ? 's' : ''} ${scopes.map((scope) => code(scope)).join(', ')}`

/** What a secured operation asks of its caller: a scheme or a scope more breaks clients that lack it; one less does not. */
function compareSecurity(cmp: Comparison, op: string, base: OpenApiDocument, baseOp: Operation, head: OpenApiDocument, headOp: Operation) {
  if (!requiresAuth(base, baseOp) || !requiresAuth(head, headOp)) return
  const before = requirementOf(base, baseOp)
  const after = requirementOf(head, headOp)
  if (!before || !after) {
    const text = (doc: OpenApiDocument, operation: Operation) => JSON.stringify(operation.security ?? doc.security ?? [])
    if (text(base, baseOp) !== text(head, headOp)) cmp.record('changed', op, 'security requirements changed')
    return
  }
  for (const [scheme, scopes] of Object.entries(after)) {
    const had = before[scheme]
    if (!had) {
      cmp.record('breaking', op, `now requires security scheme ${code(scheme)}`)
      continue
    }
    const added = scopes.filter((scope) => !had.includes(scope))
    const removed = had.filter((scope) => !scopes.includes(scope))
    if (added.length) cmp.record('breaking', op, `security scheme ${code(scheme)} now requires ${scopesText(added)}`)
    if (removed.length) cmp.record('changed', op, `security scheme ${code(scheme)} no longer requires ${scopesText(removed)}`)
  }
  for (const scheme of Object.keys(before)) {
    if (!(scheme in after)) cmp.record('changed', op, `no longer requires security scheme ${code(scheme)}`)
  }
}

/** The operations of `doc` whose security requirement names `scheme`. */
function operationsUsing(doc: OpenApiDocument, scheme: string): string[] {
  return Object.entries(doc.paths ?? {}).flatMap(([path, item]) =>
    METHODS.flatMap((method) => {
      const operation = item[method]
      const requirements = operation ? (operation.security ?? doc.security ?? []) : []
      return requirements.some((requirement) => scheme in requirement) ? [`${method.toUpperCase()} ${path}`] : []
    }),
  )
}

/**
 * The security schemes themselves, as a change to each operation that uses one (gathered into one line, like a shared
 * schema's): what a client sends (type, scheme, where) breaks it when changed; a `bearerFormat` note does not.
 */
function compareSecuritySchemes(cmp: Comparison, base: OpenApiDocument, head: OpenApiDocument) {
  const after = head.components?.securitySchemes ?? {}
  for (const [name, scheme] of Object.entries(base.components?.securitySchemes ?? {})) {
    const now = after[name]
    const changes: Array<[ChangeKind, string]> = []
    if (!now) changes.push(['breaking', 'removed'])
    else {
      for (const field of ['type', 'scheme', 'in', 'name'] as const) {
        if (scheme[field] !== now[field]) changes.push(['breaking', `${field} changed from ${code(scheme[field])} to ${code(now[field])}`])
      }
      if (scheme.bearerFormat !== now.bearerFormat)
        changes.push(['changed', `bearerFormat changed from ${code(scheme.bearerFormat)} to ${code(now.bearerFormat)}`])
    }
    for (const [kind, what] of changes) {
      for (const op of operationsUsing(base, name)) cmp.scheme(kind, op, name, what)
    }
  }
}

function compareParameters(cmp: Comparison, op: string, base: Map<string, Parameter>, head: Map<string, Parameter>): void {
  for (const [key, baseParam] of base) {
    const headParam = head.get(key)
    if (!headParam) {
      cmp.record('breaking', op, `${key} removed`)
      continue
    }
    if (!baseParam.required && headParam.required) cmp.record('breaking', op, `${key} became required`)
    if (baseParam.required && !headParam.required) cmp.record('changed', op, `${key} became optional`)
    if (headParam.deprecated && !baseParam.deprecated) cmp.record('deprecated', op, `${key} deprecated`)
    if (baseParam.schema && headParam.schema) cmp.schemas(baseParam.schema, headParam.schema, 'request', { op, where: key, path: '' })
  }
  for (const [key, headParam] of head) {
    if (base.has(key)) continue
    if (headParam.required) cmp.record('breaking', op, `new required ${key}`)
    else cmp.record('added', op, `new optional ${key}`)
  }
}

function compareRequestBodies(cmp: Comparison, op: string, baseRaw: RequestBody | undefined, headRaw: RequestBody | undefined): void {
  const base = baseRaw && cmp.base.deref(baseRaw).value
  const head = headRaw && cmp.head.deref(headRaw).value
  if (!base) {
    if (head?.required) cmp.record('breaking', op, 'request body is new and required')
    else if (head) cmp.record('added', op, 'optional request body added')
    return
  }
  if (!head) {
    cmp.record('breaking', op, 'request body removed')
    return
  }
  if (!base.required && head.required) cmp.record('breaking', op, 'request body became required')
  if (base.required && !head.required) cmp.record('changed', op, 'request body became optional')
  for (const [type, baseMedia] of Object.entries(base.content ?? {})) {
    const headMedia = head.content?.[type]
    if (!headMedia) {
      cmp.record('breaking', op, `request content type ${type} removed`)
      continue
    }
    if (baseMedia.schema && headMedia.schema)
      cmp.schemas(baseMedia.schema, headMedia.schema, 'request', { op, where: 'request body', path: '' })
  }
  for (const type of Object.keys(head.content ?? {})) {
    if (!base.content?.[type]) cmp.record('added', op, `request content type ${type} added`)
  }
}

function compareResponses(cmp: Comparison, op: string, base: Record<string, Response>, head: Record<string, Response>): void {
  for (const [status, baseRaw] of Object.entries(base)) {
    const headRaw = head[status]
    if (!headRaw) {
      cmp.record('breaking', op, `response ${status} removed`)
      continue
    }
    const baseResponse = cmp.base.deref(baseRaw).value
    const headResponse = cmp.head.deref(headRaw).value
    const has = (headers: Record<string, Reference> | undefined, header: string) =>
      Object.keys(headers ?? {}).some((name) => name.toLowerCase() === header.toLowerCase())
    for (const header of Object.keys(baseResponse.headers ?? {})) {
      if (!has(headResponse.headers, header)) cmp.record('breaking', op, `response ${status} header ${header} removed`)
    }
    for (const header of Object.keys(headResponse.headers ?? {})) {
      if (!has(baseResponse.headers, header)) cmp.record('added', op, `response ${status} header ${header} added`)
    }
    for (const [type, baseMedia] of Object.entries(baseResponse.content ?? {})) {
      const headMedia = headResponse.content?.[type]
      if (!headMedia) {
        cmp.record('breaking', op, `response ${status} content type ${type} removed`)
        continue
      }
      if (baseMedia.schema && headMedia.schema) {
        cmp.schemas(baseMedia.schema, headMedia.schema, 'response', { op, where: `response ${status} body`, path: '' })
      }
    }
    for (const type of Object.keys(headResponse.content ?? {})) {
      if (!baseResponse.content?.[type]) cmp.record('added', op, `response ${status} content type ${type} added`)
    }
  }
  for (const status of Object.keys(head)) {
    if (!(status in base)) cmp.record('added', op, `response ${status} added`)
  }
}

function compareDocuments(baseDocument: OpenApiDocument, headDocument: OpenApiDocument): Comparison {
  const cmp = new Comparison(new Doc(baseDocument), new Doc(headDocument))
  compareSecuritySchemes(cmp, baseDocument, headDocument)
  for (const [path, basePathItem] of Object.entries(baseDocument.paths ?? {})) {
    const headPathItem = headDocument.paths?.[path]
    if (!headPathItem) {
      cmp.record('breaking', path, 'path removed')
      continue
    }
    for (const method of METHODS) {
      const baseOp = basePathItem[method]
      const op = `${method.toUpperCase()} ${path}`
      const headOp = headPathItem[method]
      if (!baseOp) {
        // A new operation is one line: its parameters, bodies and responses are all new with it.
        if (headOp) cmp.record('added', op, 'new operation')
        continue
      }
      if (!headOp) {
        cmp.record('breaking', op, 'operation removed')
        continue
      }
      if (!requiresAuth(baseDocument, baseOp) && requiresAuth(headDocument, headOp))
        cmp.record('breaking', op, 'now requires authentication')
      if (requiresAuth(baseDocument, baseOp) && !requiresAuth(headDocument, headOp))
        cmp.record('changed', op, 'no longer requires authentication')
      compareSecurity(cmp, op, baseDocument, baseOp, headDocument, headOp)
      if (headOp.deprecated && !baseOp.deprecated) cmp.record('deprecated', op, 'operation deprecated')
      compareParameters(cmp, op, effectiveParameters(cmp.base, basePathItem, baseOp), effectiveParameters(cmp.head, headPathItem, headOp))
      compareRequestBodies(cmp, op, baseOp.requestBody, headOp.requestBody)
      compareResponses(cmp, op, baseOp.responses ?? {}, headOp.responses ?? {})
    }
  }
  for (const [path, headPathItem] of Object.entries(headDocument.paths ?? {})) {
    if (baseDocument.paths?.[path]) continue
    for (const method of METHODS) {
      if (headPathItem[method]) cmp.record('added', `${method.toUpperCase()} ${path}`, 'new operation')
    }
  }
  return cmp
}

/** One change, with the operation (or the shared component) it belongs to picked out. */
export interface Change {
  kind: ChangeKind
  /**
   * The whole line, as findBreakingChanges words it: "GET /api/users: query parameter page became required", or for a
   * shared component "User (component): property email removed; used by listUsers, getUser".
   */
  message: string
  /** GET, POST, ...; undefined for a change to a whole path ("/api/legacy: path removed") or to a component. */
  method: string | undefined
  path: string | undefined
  /** The component (`#/components/schemas/<name>`) the change is in, when it is reported once for all its uses. */
  component: string | undefined
  /**
   * The operations concerned: the operation's own id, those of every operation of a removed path, or every operation
   * using the component. An operation without an operationId is named by "<METHOD> <path>".
   */
  operationIds: string[]
  /** The change itself: the line after "<METHOD> <path>: ", or after "<component> (component): " without "used by". */
  detail: string
}

export type DocumentDiff = Record<ChangeKind, Change[]>

/** How many operations a component line names before it only counts them. */
const USED_BY_NAMED = 3

/** "listUsers, getUser" or "18 operations"; `name` formats one operation (the changelog puts each in a code span). */
export function usedBy(operationIds: string[], name: (id: string) => string = (id) => id): string {
  if (operationIds.length > USED_BY_NAMED) return `${operationIds.length} operations`
  return operationIds.map(name).join(', ')
}

/**
 * Gathers the findings: each change to a component becomes one line naming the operations using it (its most severe
 * meaning wins when it means different things to requests and responses), unless that component is used in just one
 * place, where the operation's own line says it better. Component lines come first, then operations in document order.
 */
function gather(findings: Finding[], baseDocument: OpenApiDocument, headDocument: OpenApiDocument): Change[] {
  const operations = new Map<string, { method: string | undefined; path: string; ids: string[] }>()
  for (const document of [baseDocument, headDocument]) {
    for (const [path, pathItem] of Object.entries(document.paths ?? {})) {
      for (const method of METHODS) {
        const operation = pathItem[method]
        if (!operation) continue
        const op = `${method.toUpperCase()} ${path}`
        const id = operation.operationId ?? op
        // A renamed operationId: both names, the old one first.
        for (const [key, entry] of [
          [op, operations.get(op) ?? { method: method.toUpperCase(), path, ids: [] }],
          [path, operations.get(path) ?? { method: undefined, path, ids: [] }],
        ] as const) {
          if (!entry.ids.includes(id)) entry.ids.push(id)
          operations.set(key, entry)
        }
      }
    }
  }

  const byComponent = new Map<string, { name: string; detail: string; uses: Finding[] }>()
  const byOperation = new Map<string, Finding>()
  const place = (finding: Finding) => `${finding.op}\n${finding.detail}`
  const worse = (a: ChangeKind, b: ChangeKind) => (SEVERITY.indexOf(a) <= SEVERITY.indexOf(b) ? a : b)
  for (const finding of findings) {
    if (finding.component) {
      const key = `${finding.component.name}\n${finding.component.detail}`
      const entry = byComponent.get(key) ?? { ...finding.component, uses: [] }
      entry.uses.push(finding)
      byComponent.set(key, entry)
    } else {
      const known = byOperation.get(place(finding))
      byOperation.set(place(finding), known ? { ...known, kind: worse(known.kind, finding.kind) } : finding)
    }
  }

  const componentChanges: Change[] = []
  const placed = new Map<string, Finding>()
  for (const { name, detail, uses } of byComponent.values()) {
    const kind = uses.map((use) => use.kind).reduce(worse)
    const places = new Map(uses.filter((use) => use.kind === kind).map((use) => [place(use), use]))
    const [only] = places.values()
    if (places.size === 1 && only) {
      placed.set(place(only), { kind, op: only.op, detail: only.detail })
      continue
    }
    const ids = [...new Set([...places.values()].flatMap((use) => operations.get(use.op)?.ids ?? [use.op]))]
    const message = `${name} (component): ${detail}; used by ${usedBy(ids)}`
    componentChanges.push({ kind, message, method: undefined, path: undefined, component: name, operationIds: ids, detail })
  }

  // Operation lines in the order they were found, a component change used in one place among them.
  const operationChanges: Change[] = []
  const seen = new Set<string>()
  for (const finding of findings) {
    const key = place(finding)
    const line = byOperation.get(key) ?? placed.get(key)
    if (!line || seen.has(key)) continue
    seen.add(key)
    const info = operations.get(line.op)
    operationChanges.push({
      kind: line.kind,
      message: `${line.op}: ${line.detail}`,
      method: info?.method,
      path: info?.path ?? line.op,
      component: undefined,
      operationIds: info?.ids ?? [],
      detail: line.detail,
    })
  }
  return [...componentChanges, ...operationChanges]
}

/**
 * Every change from `base` to `head`: what breaks existing clients (exactly findBreakingChanges), what is newly
 * deprecated, what was added, and what changed without breaking anything (a relaxed request, a new enum value).
 */
export function diffDocuments(baseDocument: OpenApiDocument, headDocument: OpenApiDocument): DocumentDiff {
  const { findings } = compareDocuments(baseDocument, headDocument)
  const diff: DocumentDiff = { breaking: [], deprecated: [], added: [], changed: [] }
  for (const change of gather(findings, baseDocument, headDocument)) diff[change.kind].push(change)
  return diff
}

/**
 * Every change in `head` that can break a client written against `base`, one human-readable line each; a change to a
 * shared component is one line naming the operations it breaks.
 */
export function findBreakingChanges(baseDocument: OpenApiDocument, headDocument: OpenApiDocument): string[] {
  return diffDocuments(baseDocument, headDocument).breaking.map((change) => change.message)
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
