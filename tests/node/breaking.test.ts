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

/** One fixture pair per kind of breaking change; each must be reported with exactly these lines. */
const breaking: Record<string, string[]> = {
  'path-removed': ['/api/legacy: path removed'],
  'operation-removed': ['DELETE /api/users/{id}: operation removed'],
  'operation-requires-auth': ['GET /api/users/{id}: now requires authentication'],
  'response-status-removed': ['GET /api/users: response 304 removed'],
  'response-content-type-removed': ['POST /api/users: response 201 content type application/json removed'],
  'response-header-removed': ['GET /api/users: response 200 header ETag removed'],
  'response-property-removed': [
    'GET /api/users: response 200 body property data[].age removed',
    'POST /api/users: response 201 body property data.age removed',
    'GET /api/users/{id}: response 200 body property data.age removed',
  ],
  // Address is two $refs deep: UserList -> User -> Address.
  'response-nested-property-removed': [
    'GET /api/users: response 200 body property data[].address.postcode removed',
    'POST /api/users: response 201 body property data.address.postcode removed',
    'GET /api/users/{id}: response 200 body property data.address.postcode removed',
  ],
  'response-property-type-changed': [
    'GET /api/users: response 200 body property data[].age type changed from integer to string',
    'POST /api/users: response 201 body property data.age type changed from integer to string',
    'GET /api/users/{id}: response 200 body property data.age type changed from integer to string',
  ],
  'response-property-became-optional': [
    'GET /api/users: response 200 body property data[].name became optional',
    'POST /api/users: response 201 body property data.name became optional',
    'GET /api/users/{id}: response 200 body property data.name became optional',
  ],
  'response-property-became-nullable': [
    'GET /api/users: response 200 body property data[].address type changed from object to object | null',
    'POST /api/users: response 201 body property data.address type changed from object to object | null',
    'GET /api/users/{id}: response 200 body property data.address type changed from object to object | null',
  ],
  'response-enum-narrowed': [
    'GET /api/users: response 200 body property data[].status enum value "suspended" removed',
    'POST /api/users: response 201 body property data.status enum value "suspended" removed',
    'GET /api/users/{id}: response 200 body property data.status enum value "suspended" removed',
  ],
  'request-property-new-required': ['POST /api/users: request body property email is new and required'],
  'request-property-became-required': ['POST /api/users: request body property nickname became required'],
  // The body rejects unknown fields (additionalProperties: false), so a client still sending it now gets a 400.
  'request-property-removed': ['POST /api/users: request body property nickname removed'],
  'request-property-type-changed': ['POST /api/users: request body property name type changed from string to integer'],
  // Plan is reached through `allOf: [{ $ref }, { description }]`, the shape zod-openapi emits.
  'request-enum-narrowed': ['POST /api/users: request body property plan enum value "team" removed'],
  'parameter-new-required': ['GET /api/users: new required query parameter tenant'],
  'parameter-became-required': ['GET /api/users: query parameter page became required'],
  'parameter-type-changed': ['GET /api/users: query parameter page type changed from integer to string'],
  'parameter-enum-narrowed': ['GET /api/users: query parameter order enum value "desc" removed'],
  // Comment.replies is Comment[]: the comparison must terminate and still see the change.
  'recursive-schema': ['GET /api/comments: response 200 body property data[].author removed'],
}

/** Changes an existing client cannot notice: the gate must let them through. */
const additive = [
  'additive-optional-request-property',
  'additive-response-property',
  'additive-operation',
  'additive-optional-query-parameter',
  'additive-request-enum-widened',
  'additive-request-type-widened',
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

  it('reports a response property dropped from the shared User schema on every operation that returns it', () => {
    const head = writeHead((doc) => {
      const user = schemas(doc).User
      if (!user) throw new Error('the document has no User schema')
      delete user.properties.email
      user.required = (user.required ?? []).filter((name) => name !== 'email')
    })
    const result = gate([committed, head])
    expect(result.exitCode).toBe(1)
    expect(result.listed).toContain('GET /api/profile: response 200 body property data.email removed')
    expect(result.listed).toContain('POST /api/auth/login: response 200 body property data.user.email removed')
    expect(result.listed.every((line) => line.endsWith('.email removed'))).toBe(true)
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
