// Builds a Postman v2.1 collection from the OpenAPI document (openapi/openapi.json): npm run test:collection runs its
// Flow folder with newman against a local `wrangler dev`; the other folders hold every operation, for people who import it.
//
// From the document: methods, paths, parameters (values from their examples), request bodies (their examples), bearer
// auth (from `security`), a fresh Idempotency-Key on every operation that takes one (`{{$guid}}`, as the getting-started
// text asks), and, for each Flow step, the documented status, the response headers it marks required and the response
// schema. Written by hand (the `flow` list below): the order of the steps, the variables threaded between them (email,
// password, token, userId, postId, etag) and a few assertions; plus the envelope check run after every request.

type Schema = { [key: string]: unknown }

interface Parameter {
  name: string
  in: string
  required?: boolean
  description?: string
  schema?: Schema
}

interface MediaType {
  schema?: Schema
  example?: unknown
  examples?: Record<string, { value?: unknown }>
}

interface Response {
  description?: string
  headers?: Record<string, { required?: boolean }>
  content?: Record<string, MediaType>
}

interface Operation {
  operationId?: string
  summary?: string
  description?: string
  tags?: string[]
  parameters?: Parameter[]
  requestBody?: { content?: Record<string, MediaType> }
  responses?: Record<string, Response>
  security?: Array<Record<string, unknown>>
}

export interface OpenApiDocument {
  info: { title: string; version: string; description?: string }
  servers?: Array<{ url: string }>
  paths: Record<string, Record<string, unknown>>
  components?: { schemas?: Record<string, Schema>; securitySchemes?: Record<string, { type?: string; scheme?: string }> }
  security?: Array<Record<string, unknown>>
  tags?: Array<{ name: string; description?: string }>
}

/** One request of the flow: the operation, what the flow threads into it, and its own assertions (Postman script lines). */
interface FlowStep {
  operationId: string
  /** The item's name; defaults to the operationId. */
  name?: string
  /** Path parameter values; the rest come from the parameters' examples. */
  path?: Record<string, string>
  /** Optional query parameters to send (with their example values); the others stay disabled. */
  query?: string[]
  /** Header values, e.g. If-Match. */
  headers?: Record<string, string>
  /** Body fields laid over the documented example. */
  body?: Record<string, string>
  /** The status to expect; defaults to the operation's only documented 2xx. */
  status?: string
  prerequest?: string[]
  test?: string[]
}

/** `npm run dev`'s origin: the template's baseUrl, which the Worker replaces with the origin it serves the collection from. */
export const LOCAL_ORIGIN = 'http://127.0.0.1:8787'

const byHandNote =
  'Runs as downloaded: `baseUrl` is the origin that served this file. The Flow folder walks from registration to deletion with assertions; the other folders hold one request per operation, sent with the token the collection holds (register or log in first). Sign out ends that token: log in again after it.'

const freshEmail = "pm.collectionVariables.set('email', `flow-${Date.now()}-${Math.floor(Math.random() * 1e9)}@example.com`)"

// The flow from the getting-started text: register, log in, then a post's life. `body` is the parsed response.
const flow: FlowStep[] = [
  {
    operationId: 'register',
    prerequest: [freshEmail],
    body: { email: '{{email}}', password: '{{password}}' },
    test: [
      "pm.collectionVariables.set('userId', body.data.user.id)",
      "pm.test('registered with the email sent', () => pm.expect(body.data.user.email).to.equal(pm.collectionVariables.get('email')))",
      "pm.test('Location is the new user', () => pm.expect(pm.response.headers.get('Location')).to.equal(`/api/users/${body.data.user.id}`))",
    ],
  },
  {
    operationId: 'login',
    body: { email: '{{email}}', password: '{{password}}' },
    test: [
      "pm.test('a bearer token for the registered user', () => { pm.expect(body.data.tokenType).to.equal('Bearer'); pm.expect(body.data.token).to.be.a('string').that.is.not.empty; pm.expect(body.data.user.id).to.equal(pm.collectionVariables.get('userId')) })",
      "pm.collectionVariables.set('token', body.data.token)",
    ],
  },
  {
    operationId: 'createUserPost',
    path: { id: '{{userId}}' },
    test: [
      "pm.collectionVariables.set('postId', body.data.id)",
      "pm.collectionVariables.set('etag', pm.response.headers.get('ETag'))",
      "pm.test('written by the user', () => pm.expect(body.data.authorId).to.equal(pm.collectionVariables.get('userId')))",
      "pm.test('Location is the new post', () => pm.expect(pm.response.headers.get('Location')).to.equal(`/api/posts/${body.data.id}`))",
    ],
  },
  {
    operationId: 'listUserPosts',
    path: { id: '{{userId}}' },
    query: ['page', 'pageSize'],
    test: [
      'const sent = pm.request.url.query.toObject()',
      "pm.test('meta pages the one post', () => pm.expect(body.meta).to.include({ page: Number(sent.page), pageSize: Number(sent.pageSize), total: 1, totalPages: 1 }))",
      "pm.test('the page holds the post', () => pm.expect(body.data.map((post) => post.id)).to.eql([pm.collectionVariables.get('postId')]))",
    ],
  },
  {
    operationId: 'getPost',
    path: { id: '{{postId}}' },
    test: [
      "pm.test('the post created', () => pm.expect(body.data.id).to.equal(pm.collectionVariables.get('postId')))",
      "pm.test('the ETag of its creation', () => pm.expect(pm.response.headers.get('ETag')).to.equal(pm.collectionVariables.get('etag')))",
    ],
  },
  {
    operationId: 'updateUserPost',
    path: { id: '{{userId}}', postId: '{{postId}}' },
    headers: { 'If-Match': '{{etag}}' },
    test: [
      "pm.test('the change is made', () => pm.expect(body.data.title).to.equal(JSON.parse(pm.request.body.raw).title))",
      "pm.test('a new ETag', () => pm.expect(pm.response.headers.get('ETag')).to.not.equal(pm.collectionVariables.get('etag')))",
      "pm.collectionVariables.set('etag', pm.response.headers.get('ETag'))",
    ],
  },
  {
    operationId: 'deleteUserPost',
    path: { id: '{{userId}}', postId: '{{postId}}' },
    headers: { 'If-Match': '{{etag}}' },
  },
  {
    operationId: 'getPost',
    name: 'getPost (deleted)',
    path: { id: '{{postId}}' },
    status: '404',
    test: ["pm.test('error.code is NOT_FOUND', () => pm.expect(body.error.code).to.equal('NOT_FOUND'))"],
  },
]

// What the folders' requests (one per operation, for trying by hand) send instead of the documented example, so a
// second person, or a second run, is not refused: a fresh email, and the password the collection has reached.
const byHand: Record<string, Pick<FlowStep, 'prerequest' | 'body'>> = {
  register: { prerequest: [freshEmail], body: { email: '{{email}}', password: '{{password}}' } },
  login: { body: { email: '{{email}}', password: '{{password}}' } },
  changePassword: { body: { currentPassword: '{{password}}' } },
}

// Runs after every request: the envelope from the getting-started text (written by hand), on the /api operations (the
// health check answers without it, as its operation says); and whatever token an answer hands out (register, log in, a
// password change, which ends the old one) becomes the collection's, with the new password.
const envelopeTest = [
  'const text = pm.response.text()',
  "const api = pm.request.url.getPath().startsWith('/api/')",
  'if (api && (pm.response.code === 204 || pm.response.code === 304)) {',
  "  pm.test('no body', () => pm.expect(text).to.equal(''))",
  '} else if (api) {',
  '  const body = JSON.parse(text)',
  '  if (pm.response.code < 400) {',
  "    pm.test('envelope { data, meta }', () => pm.expect(body).to.have.all.keys('data', 'meta'))",
  '  } else {',
  "    pm.test('envelope { error, meta }', () => { pm.expect(body).to.have.all.keys('error', 'meta'); pm.expect(body.error.code).to.be.a('string') })",
  '  }',
  "  pm.test('meta.requestId is the X-Request-Id header', () => pm.expect(body.meta.requestId).to.be.a('string').and.equal(pm.response.headers.get('X-Request-Id')))",
  "  if (typeof body.data?.token === 'string') {",
  "    pm.collectionVariables.set('token', body.data.token)",
  '    const sent = pm.request.body?.raw ? JSON.parse(pm.request.body.raw) : {}',
  "    if (typeof sent.newPassword === 'string') pm.collectionVariables.set('password', sent.newPassword)",
  '  }',
  '  if (Array.isArray(body.data)) {',
  "    pm.test('list meta has page, pageSize, total, totalPages', () => { for (const key of ['page', 'pageSize', 'total', 'totalPages']) pm.expect(body.meta[key], key).to.be.a('number') })",
  '  }',
  '}',
]

const methods = ['get', 'put', 'post', 'patch', 'delete', 'head', 'options', 'trace']

interface Located {
  path: string
  method: string
  operation: Operation
}

function operations(document: OpenApiDocument): Located[] {
  return Object.entries(document.paths).flatMap(([path, item]) =>
    methods.filter((method) => method in item).map((method) => ({ path, method, operation: item[method] as Operation })),
  )
}

function resolve(document: OpenApiDocument, schema: Schema | undefined): Schema | undefined {
  const ref = schema?.$ref
  if (typeof ref !== 'string') return schema
  const name = ref.replace('#/components/schemas/', '')
  const target = document.components?.schemas?.[name]
  if (!target) throw new Error(`unresolved $ref ${ref}`)
  return resolve(document, target)
}

/** The schema with every $ref inlined and what a validator does not need (descriptions, examples) left out. */
function inline(document: OpenApiDocument, schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map((entry) => inline(document, entry))
  if (!schema || typeof schema !== 'object') return schema
  const resolved = resolve(document, schema as Schema) ?? {}
  const kept: Schema = {}
  for (const [key, value] of Object.entries(resolved)) {
    if (key === 'description' || key === 'example' || key === 'examples' || key.startsWith('x-')) continue
    // Formats the JSON Schema vocabulary does not define (int32, ...) would stop the validator.
    if (key === 'format' && !['date-time', 'date', 'email', 'uuid', 'uri'].includes(String(value))) continue
    // properties and the like hold names, not schemas, at their own level.
    kept[key] =
      key === 'properties' || key === 'patternProperties' || key === '$defs'
        ? Object.fromEntries(Object.entries(value as Schema).map(([name, entry]) => [name, inline(document, entry)]))
        : inline(document, value)
  }
  return kept
}

function exampleOf(document: OpenApiDocument, media: MediaType | undefined): unknown {
  if (!media) return undefined
  const first = media.examples ? Object.values(media.examples)[0] : undefined
  return first?.value ?? media.example ?? resolve(document, media.schema)?.example
}

function parameterExample(parameter: Parameter): string {
  const schema = parameter.schema ?? {}
  const value = schema.example ?? schema.default ?? (Array.isArray(schema.enum) ? schema.enum[0] : undefined)
  return value === undefined ? '' : String(value)
}

function needsBearer(document: OpenApiDocument, operation: Operation): boolean {
  const requirements = operation.security ?? document.security ?? []
  return requirements.some((requirement) =>
    Object.keys(requirement).some((name) => {
      const scheme = document.components?.securitySchemes?.[name]
      return scheme?.type === 'http' && scheme.scheme?.toLowerCase() === 'bearer'
    }),
  )
}

/** A Postman request for one operation; `step` supplies what the flow threads in. */
function request(document: OpenApiDocument, { path, method, operation }: Located, step?: FlowStep) {
  const parameters = operation.parameters ?? []
  const query = parameters
    .filter((parameter) => parameter.in === 'query')
    .map((parameter) => ({
      key: parameter.name,
      value: parameterExample(parameter),
      description: parameter.description,
      ...(parameter.required || step?.query?.includes(parameter.name) ? {} : { disabled: true }),
    }))
  const variables = parameters
    .filter((parameter) => parameter.in === 'path')
    .map((parameter) => ({
      key: parameter.name,
      value: step?.path?.[parameter.name] ?? parameterExample(parameter),
      description: parameter.description,
    }))
  const headers = parameters
    .filter((parameter) => parameter.in === 'header')
    .map((parameter) => {
      const idempotent = parameter.name.toLowerCase() === 'idempotency-key'
      const given = step?.headers?.[parameter.name]
      return {
        key: parameter.name,
        value: given ?? (idempotent ? '{{$guid}}' : parameterExample(parameter)),
        description: parameter.description,
        ...(parameter.required || idempotent || given !== undefined ? {} : { disabled: true }),
      }
    })
  const json = operation.requestBody?.content?.['application/json']
  let body: object | undefined
  if (json) {
    headers.push({ key: 'Content-Type', value: 'application/json', description: undefined })
    const example = exampleOf(document, json)
    const raw = JSON.stringify({ ...(example as object), ...step?.body }, null, 2)
    body = { mode: 'raw', raw, options: { raw: { language: 'json' } } }
  }
  const segments = path.split('/').filter(Boolean)
  const queryString = query
    .filter((entry) => !entry.disabled)
    .map((entry) => `${entry.key}=${entry.value}`)
    .join('&')
  const urlPath = segments.map((segment) => segment.replace(/^\{(.+)\}$/, ':$1'))
  return {
    method: method.toUpperCase(),
    header: headers,
    ...(body ? { body } : {}),
    url: {
      raw: `{{baseUrl}}/${urlPath.join('/')}${queryString ? `?${queryString}` : ''}`,
      host: ['{{baseUrl}}'],
      path: urlPath,
      ...(query.length ? { query } : {}),
      ...(variables.length ? { variable: variables } : {}),
    },
    auth: needsBearer(document, operation)
      ? { type: 'bearer', bearer: [{ key: 'token', value: '{{token}}', type: 'string' }] }
      : { type: 'noauth' },
    description: operation.description,
  }
}

/** The assertions the document makes for the expected status: the status, its required headers, its body's schema. */
function contractTest(document: OpenApiDocument, { path, method, operation }: Located, step: FlowStep): string[] {
  const responses = operation.responses ?? {}
  const successes = Object.keys(responses).filter((status) => /^2\d\d$/.test(status))
  const status = step.status ?? successes[0]
  if (!status || (!step.status && successes.length !== 1))
    throw new Error(`${operation.operationId}: give the flow step a status (documented 2xx: ${successes.join(', ') || 'none'})`)
  const response = responses[status]
  if (!response) throw new Error(`${operation.operationId} documents no ${status} response`)
  const required = Object.entries(response.headers ?? {})
    .filter(([, header]) => header.required)
    .map(([name]) => name)
  const schema = response.content?.['application/json']?.schema
  const lines = [
    `// ${method.toUpperCase()} ${path} ${status} in openapi/openapi.json: ${response.description ?? ''}`,
    `pm.test('status ${status}', () => pm.response.to.have.status(${status}))`,
  ]
  if (required.length)
    lines.push(
      `pm.test('headers the document requires: ${required.join(', ')}', () => { for (const name of ${JSON.stringify(required)}) pm.expect(pm.response.headers.has(name), name).to.be.true })`,
    )
  if (schema) {
    const name = typeof schema.$ref === 'string' ? schema.$ref.replace('#/components/schemas/', '') : 'the documented schema'
    lines.push(`pm.test('body matches ${name}', () => pm.response.to.have.jsonSchema(${JSON.stringify(inline(document, schema))}))`)
  }
  return lines
}

const script = (type: 'prerequest' | 'test', exec: string[]) => ({ listen: type, script: { type: 'text/javascript', exec } })

export function buildCollection(document: OpenApiDocument): object {
  const all = operations(document)
  const byId = new Map(all.map((located) => [located.operation.operationId, located]))

  const flowItems = flow.map((step) => {
    const located = byId.get(step.operationId)
    if (!located) throw new Error(`the flow names operation ${step.operationId}, which the document lacks`)
    const test = contractTest(document, located, step)
    const own = step.test ?? []
    // The flow's own lines read the parsed response as `body`.
    if (own.length)
      test.push(
        '// The flow (scripts/lib/collection.ts)',
        ...(own.some((line) => /\bbody\./.test(line)) ? ['const body = pm.response.json()'] : []),
        ...own,
      )
    return {
      name: step.name ?? step.operationId,
      event: [...(step.prerequest ? [script('prerequest', step.prerequest)] : []), script('test', test)],
      request: request(document, located, step),
    }
  })

  // A folder per tag (an operation goes where its first tag is), in the document's order of tags.
  const folderOf = (operation: Operation) => operation.tags?.[0] ?? 'Untagged'
  const tags = (document.tags ?? []).map((tag) => tag.name)
  for (const { operation } of all) if (!tags.includes(folderOf(operation))) tags.push(folderOf(operation))
  // The folder that signs out goes last: run in order, the others still hold the Flow's token.
  const signsOut = folderOf(byId.get('logout')?.operation ?? {})
  tags.sort((a, b) => Number(a === signsOut) - Number(b === signsOut))
  const folders = tags.map((tag) => ({
    name: tag,
    description: document.tags?.find((entry) => entry.name === tag)?.description,
    item: all
      .filter(({ operation }) => folderOf(operation) === tag)
      .map((located) => {
        const step = byHand[located.operation.operationId ?? '']
        return {
          name: located.operation.summary ?? located.operation.operationId,
          ...(step?.prerequest ? { event: [script('prerequest', step.prerequest)] } : {}),
          request: request(document, located, step && { operationId: located.operation.operationId ?? '', ...step }),
        }
      }),
  }))

  const registerExample = exampleOf(document, byId.get('register')?.operation.requestBody?.content?.['application/json'])
  const password = (registerExample as { password?: unknown } | undefined)?.password
  return {
    info: {
      name: document.info.title,
      description: `${byHandNote}\n\n${document.info.description ?? ''}`,
      version: document.info.version,
      schema: 'https://schema.getpostman.com/json/collection/v2.1.0/collection.json',
    },
    item: [
      {
        name: 'Flow',
        description: 'Register, log in, and a post from creation to deletion; `npm run test:collection` runs this folder with newman.',
        item: flowItems,
      },
      ...folders,
    ],
    event: [script('test', envelopeTest)],
    variable: [
      // The Worker serves this file with its own origin here (src/http/collection.ts); the template keeps the local default.
      { key: 'baseUrl', value: LOCAL_ORIGIN },
      { key: 'password', value: typeof password === 'string' ? password : '' },
      ...['email', 'token', 'userId', 'postId', 'etag'].map((key) => ({ key, value: '' })),
    ],
  }
}
