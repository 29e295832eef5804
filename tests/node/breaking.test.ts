import { execFile } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { runGate } from '../../scripts/openapi-breaking'

const root = fileURLToPath(new URL('../../', import.meta.url))
const fixtures = join(root, 'tests/node/fixtures/breaking')
const committed = join(root, 'openapi/openapi.json')

interface GateResult {
  exitCode: number
  /** The breaking changes the gate listed, in order. */
  listed: string[]
  stdout: string
  stderr: string
}

const listedIn = (stdout: string): string[] =>
  stdout
    .split('\n')
    .filter((line) => line.startsWith('  - '))
    .map((line) => line.slice(4))

/** The CLI's own code (argument checks, file reading, output, exit code), run in-process: fast enough for every pair. */
function gate(args: string[], env: NodeJS.ProcessEnv = {}): GateResult {
  const out: string[] = []
  const err: string[] = []
  const exitCode = runGate(
    args,
    (line) => out.push(line),
    (line) => err.push(line),
    { GITHUB_ACTIONS: 'false', ...env },
  )
  const stdout = out.join('\n')
  return { exitCode, listed: listedIn(stdout), stdout, stderr: err.join('\n') }
}

/** The same as a real process, the way `npm run openapi:breaking -- <base> <head>` runs it (tsx, same script). */
function gateProcess(args: string[]): Promise<GateResult> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', 'scripts/openapi-breaking.ts', ...args],
      { cwd: root, env: { ...process.env, GITHUB_ACTIONS: 'false' } },
      (error, stdout, stderr) => {
        resolve({ exitCode: error ? Number(error.code) : 0, listed: listedIn(stdout), stdout, stderr })
      },
    )
  })
}

const pair = (name: string): string[] => [join(fixtures, name, 'base.json'), join(fixtures, name, 'head.json')]

/**
 * One fixture pair per kind of breaking change; each must be reported with exactly these lines. A change inside a
 * schema several operations share (User is returned by three) is one line for the component, naming them.
 */
const breaking: Record<string, string[]> = {
  'path-removed': ['/api/legacy: path removed'],
  'operation-removed': ['DELETE /api/users/{id}: operation removed'],
  'operation-requires-auth': ['GET /api/users/{id}: now requires authentication'],
  // A token or key without the new scope is now refused.
  'operation-scope-added': ['GET /api/users/{id}: security scheme `bearerAuth` now requires scope `write`'],
  // The scheme is shared: one line for it, naming the operations that use it.
  'security-scheme-changed': [
    'bearerAuth (component): security scheme scheme changed from `bearer` to `basic`; used by getUser, deleteUser',
  ],
  'response-status-removed': ['GET /api/users: response 304 removed'],
  'response-content-type-removed': ['POST /api/users: response 201 content type application/json removed'],
  'response-header-removed': ['GET /api/users: response 200 header ETag removed'],
  'response-property-removed': ['User (component): property age removed; used by listUsers, createUser, getUser'],
  // Address is two $refs deep: UserList -> User -> Address.
  'response-nested-property-removed': ['Address (component): property postcode removed; used by listUsers, createUser, getUser'],
  'response-property-type-changed': [
    'User (component): property age type changed from integer to string; used by listUsers, createUser, getUser',
  ],
  'response-property-became-optional': ['User (component): property name became optional; used by listUsers, createUser, getUser'],
  'response-property-became-nullable': [
    'User (component): property address type changed from object to object | null; used by listUsers, createUser, getUser',
  ],
  'response-enum-narrowed': ['User (component): property status enum value "suspended" removed; used by listUsers, createUser, getUser'],
  // A response constrained less: a client validating strictly, or sized to the old bounds, rejects what it now gets.
  'response-format-removed': ['User (component): property id format removed (was `uuid`); used by listUsers, createUser, getUser'],
  'response-pattern-changed': [
    'Address (component): property postcode pattern changed from `^[0-9]{5}$` to `^[0-9A-Z ]{3,10}$`; used by listUsers, createUser, getUser',
  ],
  'response-max-length-raised': [
    'User (component): property name maxLength raised from 100 to 200; used by listUsers, createUser, getUser',
  ],
  'response-minimum-removed': ['User (component): property age minimum removed (was 0); used by listUsers, createUser, getUser'],
  // User.labels was a map of strings; its values are no longer described.
  'response-additional-properties-schema-removed': [
    'User (component): property labels additionalProperties schema removed; used by listUsers, createUser, getUser',
  ],
  'request-property-new-required': ['POST /api/users: request body property email is new and required'],
  'request-property-became-required': ['POST /api/users: request body property nickname became required'],
  // The body rejects unknown fields (additionalProperties: false), so a client still sending it now gets a 400.
  'request-property-removed': ['POST /api/users: request body property nickname removed'],
  'request-property-type-changed': ['POST /api/users: request body property name type changed from string to integer'],
  // Plan is reached through `allOf: [{ $ref }, { description }]`, the shape zod-openapi emits.
  'request-enum-narrowed': ['POST /api/users: request body property plan enum value "team" removed'],
  // A request constrained more: what a client sent before may now be refused.
  'request-pattern-added': ['POST /api/users: request body property name pattern added (`^\\S`)'],
  'request-max-length-added': ['POST /api/users: request body property name maxLength added (100)'],
  'request-min-properties-added': ['POST /api/users: request body minProperties added (2)'],
  'request-additional-properties-false-added': ['POST /api/users: request body additionalProperties: false added'],
  // CreateUserRequest is sent by two operations here: one line for the component.
  'request-component-pattern-added': [
    'CreateUserRequest (component): property name pattern added (`^\\S`); used by createUser, replaceUser',
  ],
  'parameter-new-required': ['GET /api/users: new required query parameter tenant'],
  'parameter-became-required': ['GET /api/users: query parameter page became required'],
  'parameter-type-changed': ['GET /api/users: query parameter page type changed from integer to string'],
  'parameter-enum-narrowed': ['GET /api/users: query parameter order enum value "desc" removed'],
  'parameter-format-added': ['GET /api/users: query parameter page format added (`int32`)'],
  'parameter-minimum-raised': ['GET /api/users: query parameter page minimum raised from 1 to 2'],
  // Comment.replies is Comment[]: the comparison must terminate and still see the change.
  'recursive-schema': ['GET /api/comments: response 200 body property data[].author removed'],
  // Comment.parent is `anyOf: [Comment, null]`: the nullable branch must stop the recursion too.
  'recursive-nullable-schema': ['GET /api/comments: response 200 body property data[].author removed'],
}

/** Changes an existing client cannot notice: the gate must let them through. */
const additive = [
  'additive-optional-request-property',
  'additive-response-property',
  'additive-operation',
  'additive-operation-scope-removed',
  'additive-optional-query-parameter',
  'additive-request-enum-widened',
  'additive-request-type-widened',
  // A request constrained less, a response constrained more, a response enum with a new value (clients tolerate those).
  'additive-parameter-minimum-removed',
  'additive-request-additional-properties-false-removed',
  'additive-response-pattern-added',
  'additive-response-enum-widened',
]

describe('openapi:breaking on fixture pairs', () => {
  it('has a test case for every fixture pair and a fixture pair for every case', () => {
    const dirs = readdirSync(fixtures).sort()
    expect(dirs).toEqual([...Object.keys(breaking), ...additive].sort())
  })

  for (const [name, expected] of Object.entries(breaking)) {
    it(`${name}: exits 1 and lists the change`, () => {
      const result = gate(pair(name))
      expect(result.listed).toEqual(expected)
      expect(result.stdout).toContain(`${expected.length} breaking change(s)`)
      expect(result.exitCode).toBe(1)
    })
  }

  for (const name of additive) {
    it(`${name}: exits 0`, () => {
      const result = gate(pair(name))
      expect(result.listed).toEqual([])
      expect(result.stdout).toContain('no breaking changes')
      expect(result.exitCode).toBe(0)
    })
  }
})

describe('openapi:breaking on the committed openapi/openapi.json', () => {
  type Json = Record<string, unknown>
  const document = (): Json => JSON.parse(readFileSync(committed, 'utf8')) as Json
  type ObjectSchema = Json & { properties: Record<string, Json>; required?: string[] }
  const schemas = (doc: Json): Record<string, ObjectSchema | undefined> =>
    (doc.components as { schemas: Record<string, ObjectSchema | undefined> }).schemas

  function writeHead(mutate: (doc: Json) => void): string {
    const doc = document()
    mutate(doc)
    const file = join(mkdtempSync(join(tmpdir(), 'openapi-breaking-')), 'head.json')
    writeFileSync(file, JSON.stringify(doc))
    return file
  }

  it('finds nothing between the document and itself', () => {
    const result = gate([committed, committed])
    expect(result.stderr).toBe('')
    expect(result.listed).toEqual([])
    expect(result.exitCode).toBe(0)
  })

  it('reports a response property dropped from the shared User schema once, as a change to the component', () => {
    const head = writeHead((doc) => {
      const user = schemas(doc).User
      if (!user) throw new Error('the document has no User schema')
      delete user.properties.email
      user.required = (user.required ?? []).filter((name) => name !== 'email')
    })
    const result = gate([committed, head])
    expect(result.exitCode).toBe(1)
    expect(result.listed).toEqual([expect.stringMatching(/^User \(component\): property email removed; used by \d+ operations$/)])
  })

  it('names only the operations a shared schema breaks: Role tightened breaks what is sent, not what is read', () => {
    const head = writeHead((doc) => {
      const role = schemas(doc).Role
      if (!role) throw new Error('the document has no Role schema')
      role.maxLength = 5
    })
    const result = gate([committed, head])
    expect(result.listed).toEqual(['Role (component): maxLength added (5); used by createUser, replaceUser, updateUser'])
    expect(result.exitCode).toBe(1)
  })

  it('sees a pattern added to a request body property and to a header parameter', () => {
    const head = writeHead((doc) => {
      const paths = doc.paths as Record<string, Record<string, { parameters: Json[] }>>
      const ifMatch = paths['/api/users/{id}']?.delete?.parameters.find((parameter) => parameter.name === 'If-Match')
      if (!ifMatch) throw new Error('DELETE /api/users/{id} has no If-Match parameter')
      ;(ifMatch.schema as Json).pattern = '^"[^"]*"$'
      const email = schemas(doc).RegisterRequest?.properties.email
      if (!email) throw new Error('the document has no RegisterRequest.email')
      email.pattern = '^[^@]+@[^@]+$'
    })
    const result = gate([committed, head])
    expect(result.listed).toEqual([
      "POST /api/auth/register: request body property email pattern changed from ``^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]…`` to `^[^@]+@[^@]+$`",
      // The committed pattern is cut short in the line; only its start is certain.
      expect.stringMatching(
        /^DELETE \/api\/users\/\{id\}: header parameter If-Match pattern changed from `\^\(\?:.*…` to `\^"\[\^"\]\*"\$`$/,
      ),
    ])
    expect(result.exitCode).toBe(1)
  })

  it('sees a request enum narrowed inside the allOf wrapper of a PUT body (the case @useoptic/optic missed)', () => {
    const head = writeHead((doc) => {
      const role = schemas(doc).ReplaceUserRequest?.properties.role as { allOf: Json[] } | undefined
      if (!role) throw new Error('the document has no ReplaceUserRequest.role')
      role.allOf[0] = { type: 'string', enum: ['admin', 'user'] }
    })
    const result = gate([committed, head])
    expect(result.listed).toEqual(['PUT /api/users/{id}: request body property role enum value "guest" removed'])
    expect(result.exitCode).toBe(1)
  })

  it('annotates each change for GitHub when run in Actions', () => {
    const result = gate(pair('operation-removed'), { GITHUB_ACTIONS: 'true' })
    expect(result.stdout).toContain(
      '::error file=openapi/openapi.json,title=Breaking API change::DELETE /api/users/{id}: operation removed',
    )
    expect(result.exitCode).toBe(1)
  })

  it('exits 2 with a usage line when an argument is missing, and on a file that is not OpenAPI', () => {
    const missing = gate([committed])
    expect(missing.stderr).toContain('usage: openapi-breaking <base.json> <head.json>')
    expect(missing.exitCode).toBe(2)

    const notOpenApi = gate([join(root, 'package.json'), committed])
    expect(notOpenApi.stderr).toContain('package.json is not an OpenAPI document')
    expect(notOpenApi.exitCode).toBe(2)
  })
})

describe.concurrent('openapi:breaking as a process', () => {
  it('exits 0 on the committed document against itself', async () => {
    const result = await gateProcess(['openapi/openapi.json', 'openapi/openapi.json'])
    expect(result.stderr).toBe('')
    expect(result.stdout).toContain('no breaking changes')
    expect(result.exitCode).toBe(0)
  })

  it('exits 1 and lists the change on a breaking pair', async () => {
    const result = await gateProcess(pair('response-status-removed'))
    expect(result.listed).toEqual(['GET /api/users: response 304 removed'])
    expect(result.exitCode).toBe(1)
  })

  it('exits 2 on a missing argument', async () => {
    const result = await gateProcess([])
    expect(result.stderr).toContain('usage: openapi-breaking <base.json> <head.json>')
    expect(result.exitCode).toBe(2)
  })
})
