import type { OpenAPIHono } from '@hono/zod-openapi'

/**
 * What the emitted document gains after zod-openapi made it: composed examples, and the response headers and error
 * responses that many operations repeat, moved to `components` and referenced (a generator then emits each once).
 */
export type Document = ReturnType<OpenAPIHono['getOpenAPI31Document']>
type Schemas = NonNullable<NonNullable<Document['components']>['schemas']>
type Media = { schema?: unknown; examples?: Record<string, unknown> }
type Header = { required?: boolean; description?: string; schema?: { example?: unknown } }
type Response = { description?: string; headers?: Record<string, Header | { $ref: string }>; content?: Record<string, Media> }
type Operation = { summary?: string; requestBody?: { content?: Record<string, Media> }; responses?: Record<string, Response> }

const operationsOf = (document: Document) =>
  Object.values(document.paths ?? {}).flatMap((item) => Object.values(item as Record<string, Operation>))

/**
 * The `{ data, meta }` envelopes have no example of their own; compose one from the examples of their parts, so the
 * docs show a whole response and it cannot drift from those parts. Then name an example on each JSON request body and
 * success response, taken from the component's own (one source, validated with the rest).
 */
export function addExamples(document: Document) {
  const schemas: Schemas = document.components?.schemas ?? {}
  const exampleOf = (schema: Schemas[string] | undefined): unknown => {
    if (!schema) return undefined
    if ('$ref' in schema && schema.$ref) return exampleOf(schemas[schema.$ref.replace('#/components/schemas/', '')])
    if ('type' in schema && schema.type === 'array') return [exampleOf(schema.items)]
    return 'example' in schema ? schema.example : undefined
  }
  for (const schema of Object.values(schemas)) {
    if ('$ref' in schema || 'example' in schema) continue
    const { data, meta } = schema.properties ?? {}
    if (data && meta) schema.example = { data: exampleOf(data), meta: exampleOf(meta) }
  }
  const named = (media: Media | undefined, name: string, summary: string) => {
    const value = exampleOf(media?.schema as Schemas[string] | undefined)
    if (media && value !== undefined && !media.examples) media.examples = { [name]: { summary, value } }
  }
  for (const operation of operationsOf(document)) {
    const summary = operation.summary ?? 'Example'
    named(operation.requestBody?.content?.['application/json'], 'request', summary)
    for (const [status, response] of Object.entries(operation.responses ?? {})) {
      if (status.startsWith('2')) named(response.content?.['application/json'], status === '201' ? 'created' : 'ok', summary)
    }
  }
}

/** The component name of a response header: its name, or for a header that comes in two forms, the form's name. */
function headerName(name: string, header: Header): string {
  const example = String(header.schema?.example ?? '')
  if (name === 'Retry-After') return header.required ? 'Retry-After' : 'Retry-After-When-In-Flight'
  if (name === 'Cache-Control') return example.startsWith('public') ? 'Cache-Control-Public' : 'Cache-Control-No-Store'
  if (name === 'ETag') return header.description?.startsWith('Version') ? 'ETag' : 'ETag-Of-Representation'
  return name
}

const pascal = (code: string) => code.toLowerCase().replace(/(^|_)([a-z])/g, (_, __: string, c: string) => c.toUpperCase())

/** The component name of an error response: the codes its examples show (`ValidationErrorOrInvalidJson`). */
function errorResponseName(response: Response): string {
  const examples = Object.values(response.content?.['application/json']?.examples ?? {}) as { value?: { error?: { code?: string } } }[]
  return examples.map((example) => pascal(example.value?.error?.code ?? 'Error')).join('Or')
}

/** Moves every response header, and every error-envelope response, into `components` once, referenced from each use. */
export function shareComponents(document: Document) {
  const headers: Record<string, Header> = {}
  const responses: Record<string, Response> = {}
  // One name, one object: a second, different object under a name already taken is a contract bug named here.
  const share = <T>(store: Record<string, T>, name: string, value: T, kind: string) => {
    const existing = store[name]
    if (existing && JSON.stringify(existing) !== JSON.stringify(value)) {
      throw new Error(`Two different ${kind} components would both be named ${name}: give one a name of its own in contract/components.ts`)
    }
    store[name] = value
    return { $ref: `#/components/${kind}/${name}` }
  }
  for (const operation of operationsOf(document)) {
    for (const [status, response] of Object.entries(operation.responses ?? {})) {
      for (const [name, header] of Object.entries(response.headers ?? {})) {
        if ('$ref' in header) continue
        response.headers![name] = share(headers, headerName(name, header), header, 'headers')
      }
      const schema = response.content?.['application/json']?.schema as { properties?: { error?: unknown } } | undefined
      if (/^[45]/.test(status) && schema?.properties?.error) {
        ;(operation.responses as Record<string, unknown>)[status] = share(responses, errorResponseName(response), response, 'responses')
      }
    }
  }
  document.components = { ...document.components, headers: sortKeys(headers), responses: sortKeys(responses) } as Document['components']
}

const sortKeys = <T>(record: Record<string, T>) => Object.fromEntries(Object.entries(record).sort(([a], [b]) => a.localeCompare(b)))
