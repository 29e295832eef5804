// The SDK as an integrator gets it: build it, `npm pack` it, install the tarball into a throwaway project, type-check an
// example there in strict mode with the project's TypeScript, and run it against a local `wrangler dev`.
import { execFile } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { delimiter, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ApiError, createApiClient, type RetryEvent } from '../../generated/client'
import { startWranglerDev, type WranglerDev } from '../../scripts/lib/wrangler-dev'

const root = fileURLToPath(new URL('../../', import.meta.url))
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc')
const document = JSON.parse(readFileSync(join(root, 'openapi/openapi.json'), 'utf8')) as { info: { version: string } }
const exampleSource = readFileSync(join(root, 'tests/node/fixtures/sdk-example/example.ts'), 'utf8')
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/
/** The base URL the README's examples use; the test runs them against its own server instead. */
const README_BASE_URL = "'http://127.0.0.1:8787'"
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/**
 * A fetch that sends every request from its own client address (wrangler dev passes CF-Connecting-IP through), so the
 * per-address rate limits of one test touch no other, and records what was answered.
 */
function fromOwnAddress() {
  const address = `10.${[0, 0, 0].map(() => Math.floor(Math.random() * 256)).join('.')}`
  const sent: Array<{ status: number; idempotencyKey: string | null }> = []
  const fetchFrom = async (request: Request): Promise<Response> => {
    request.headers.set('CF-Connecting-IP', address)
    const response = await fetch(request)
    sent.push({ status: response.status, idempotencyKey: request.headers.get('Idempotency-Key') })
    return response
  }
  return { fetch: fetchFrom, sent }
}

interface Run {
  code: number
  stdout: string
  stderr: string
}

/** Runs a command to completion with the project's Node first on PATH (npm's `#!/usr/bin/env node` must find Node 24). */
function run(command: string, args: string[], cwd: string, env: Record<string, string> = {}): Promise<Run> {
  const PATH = `${join(root, 'node_modules/.bin')}${delimiter}${process.env.PATH ?? ''}`
  return new Promise((resolve) => {
    execFile(
      command,
      args,
      { cwd, env: { ...process.env, PATH, NO_COLOR: '1', ...env }, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr })
      },
    )
  })
}

async function mustRun(command: string, args: string[], cwd: string, env: Record<string, string> = {}): Promise<string> {
  const result = await run(command, args, cwd, env)
  if (result.code !== 0) throw new Error(`${command} ${args.join(' ')} exited with ${result.code}:\n${result.stdout}\n${result.stderr}`)
  return result.stdout
}

interface PackResult {
  filename: string
  files: Array<{ path: string }>
}

interface InstalledPackage {
  name: string
  version: string
  type: string
  dependencies?: Record<string, string>
  peerDependencies?: Record<string, string>
  repository?: unknown
}

interface Summary {
  email: string
  registered: { status: number; userId: string; role: string }
  login: { status: number; userId: string; tokenType: string }
  created: { status: number; location: string | null; id: string; authorId: string; title: string }
  listed: { status: number; total: number; ids: string[] }
}

/** A misspelling planted in a copy of the example, replacing exactly one occurrence of `find`. */
function misspelt(find: string, replace: string): string {
  expect(exampleSource.split(find)).toHaveLength(2)
  return exampleSource.replace(find, replace)
}

// Concurrent: the 429 test waits out a real minute of rate limiting while the others compile and run.
describe.concurrent('the SDK package', () => {
  const temp = mkdtempSync(join(tmpdir(), 'sdk-package-'))
  const project = join(temp, 'project')
  let server: WranglerDev | undefined
  let packed: PackResult

  beforeAll(async () => {
    const starting = startWranglerDev({ persistTo: join(temp, 'state'), vars: { LOG_LEVEL: 'error' } })
    try {
      await mustRun(process.execPath, ['--import', 'tsx', 'scripts/build-sdk.ts'], root)
      const packOutput = await mustRun('npm', ['pack', '--json', '--pack-destination', temp], join(root, 'generated'))
      const [result] = JSON.parse(packOutput) as PackResult[]
      if (!result) throw new Error(`npm pack printed no result: ${packOutput}`)
      packed = result

      mkdirSync(project)
      writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'sdk-consumer', private: true, type: 'module' }))
      writeFileSync(
        join(project, 'tsconfig.json'),
        JSON.stringify({
          compilerOptions: {
            target: 'ES2022',
            module: 'NodeNext',
            moduleResolution: 'NodeNext',
            lib: ['ES2022'],
            // Node's own globals (fetch, Response, process) from the repo's @types/node: nothing else to download.
            typeRoots: [join(root, 'node_modules/@types')],
            types: ['node'],
            strict: true,
            noUncheckedIndexedAccess: true,
            exactOptionalPropertyTypes: true,
            skipLibCheck: false,
            outDir: 'out',
          },
          files: ['example.ts'],
        }),
      )
      writeFileSync(join(project, 'example.ts'), exampleSource)
      await mustRun('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', join(temp, packed.filename)], project)
      server = await starting
    } catch (error) {
      await (await starting.catch(() => undefined))?.stop()
      throw error
    }
  }, 180_000)

  afterAll(async () => {
    await server?.stop()
    rmSync(temp, { recursive: true, force: true })
  }, 30_000)

  it('ships the built output, README, CHANGELOG and LICENSE, versioned as the document, needing only openapi-fetch', () => {
    expect(packed.files.map((file) => file.path).sort()).toEqual([
      'CHANGELOG.md',
      'LICENSE',
      'README.md',
      'dist/client.d.ts',
      'dist/client.js',
      'dist/errors.d.ts',
      'dist/errors.js',
      'dist/schema.d.ts',
      'dist/transport.d.ts',
      'dist/transport.js',
      'dist/webhooks.d.ts',
      'dist/webhooks.js',
      'package.json',
    ])
    const installed = JSON.parse(
      readFileSync(join(project, 'node_modules/@contract-first-api/client/package.json'), 'utf8'),
    ) as InstalledPackage
    expect(installed.name).toBe('@contract-first-api/client')
    expect(installed.version).toBe(document.info.version)
    expect(installed.type).toBe('module')
    expect(Object.keys(installed.dependencies ?? {})).toEqual(['openapi-fetch'])
    expect(installed.peerDependencies).toBeUndefined()
    // Publish-ready: MIT (the LICENSE says so too), public on npm, Node 20+ (global fetch and crypto.randomUUID).
    expect(installed).toMatchObject({ license: 'MIT', publishConfig: { access: 'public' }, engines: { node: '>=20' } })
    expect(installed.repository).toMatchObject({ type: 'git', directory: 'generated' })
    expect(readFileSync(join(project, 'node_modules/@contract-first-api/client/LICENSE'), 'utf8')).toMatch(/^MIT License\n/)
    // The section of this version: `## 0.2.0`, with its release date once released (`## 0.2.0 (2026-11-29)`).
    expect(readFileSync(join(project, 'node_modules/@contract-first-api/client/CHANGELOG.md'), 'utf8')).toMatch(
      new RegExp(`\n## ${document.info.version.replaceAll('.', '\\.')}(?: \\(\\d{4}-\\d{2}-\\d{2}\\))?\n`),
    )
  })

  it('type-checks the example in strict mode and runs it: register, log in, create a post, list posts', { timeout: 60_000 }, async () => {
    const compiled = await run(process.execPath, [tsc, '-p', 'tsconfig.json', '--pretty', 'false'], project)
    expect(compiled.stdout + compiled.stderr).toBe('')
    expect(compiled.code).toBe(0)

    const baseUrl = server?.baseUrl ?? ''
    const output = await mustRun(process.execPath, ['out/example.js'], project, { API_URL: baseUrl })
    const summary = JSON.parse(output.trim().split('\n').at(-1) ?? '') as Summary

    expect(summary.email).toMatch(/^sdk-.+@example\.com$/)
    expect(summary.registered).toEqual({ status: 201, userId: expect.stringMatching(UUID), role: 'user' })
    const userId = summary.registered.userId
    expect(summary.login).toEqual({ status: 200, userId, tokenType: 'Bearer' })
    expect(summary.created).toEqual({
      status: 201,
      location: `/api/posts/${summary.created.id}`,
      id: expect.stringMatching(UUID),
      authorId: userId,
      title: expect.stringMatching(/^Hello from the SDK /),
    })
    expect(summary.listed).toEqual({ status: 200, total: 1, ids: [summary.created.id] })

    // The post is really there, seen without the SDK.
    const response = await fetch(`${baseUrl}/api/posts/${summary.created.id}`)
    expect(response.status).toBe(200)
    const body = (await response.json()) as { data: { title: string; authorId: string } }
    expect(body.data).toMatchObject({ title: summary.created.title, authorId: userId })
  })

  it('rejects a misspelt request field and a misspelt response field at compile time', { timeout: 60_000 }, async () => {
    mkdirSync(join(project, 'negative'), { recursive: true })
    writeFileSync(join(project, 'negative/titel.ts'), misspelt('body: { title: `Hello', 'body: { titel: `Hello'))
    writeFileSync(join(project, 'negative/tittle.ts'), misspelt('title: post.title', 'title: created.data.data.tittle'))
    writeFileSync(
      join(project, 'tsconfig.negative.json'),
      JSON.stringify({ extends: './tsconfig.json', compilerOptions: { noEmit: true }, files: ['negative/titel.ts', 'negative/tittle.ts'] }),
    )

    const checked = await run(process.execPath, [tsc, '-p', 'tsconfig.negative.json', '--pretty', 'false'], project)
    expect(checked.code).not.toBe(0)
    const errors = checked.stdout.split('\n').filter((line) => line.includes(': error TS'))
    expect(errors.filter((line) => line.startsWith('negative/titel.ts'))).toEqual([
      expect.stringMatching(/error TS\d+: .*'titel' does not exist/),
    ])
    expect(errors.filter((line) => line.startsWith('negative/tittle.ts'))).toEqual([
      expect.stringMatching(/error TS\d+: Property 'tittle' does not exist/),
    ])
  })

  it(
    'refuses a write without If-Match at compile time, in both call styles, and takes * said explicitly',
    { timeout: 60_000 },
    async () => {
      // Every line marked `refused` must fail to compile, exactly once; every other line must compile.
      const source = [
        "import { createApiClient } from '@contract-first-api/client'",
        "const api = createApiClient({ baseUrl: 'http://127.0.0.1:8787' })",
        "const path = { id: '3b241101-e2bb-4255-8caf-4136c566a962' }",
        'const maybe: string | undefined = process.env.ETAG',
        'export async function writes() {',
        "  await api.delete('/api/users/{id}', { params: { path } }) // refused: ifMatch is required",
        "  await api.patch('/api/users/{id}', { params: { path }, body: { name: 'N' }, ifMatch: maybe }) // refused: maybe none",
        "  await api.DELETE('/api/users/{id}', { params: { path } }) // refused: the raw method needs params.header['If-Match']",
        "  await api.put('/api/users/{id}', { params: { path, header: { 'If-Match': '*' } }, body: { email: 'a@b.c', name: 'N' } }) // refused",
        "  await api.delete('/api/users/{id}', { params: { path }, ifMatch: '*' })",
        "  await api.patch('/api/users/{id}', { params: { path }, body: { name: 'N' }, ifMatch: maybe ?? '*' })",
        "  await api.DELETE('/api/users/{id}', { params: { path, header: { 'If-Match': '*' } } })",
        "  await api.put('/api/profile/password', { body: { currentPassword: 'old password', newPassword: 'new password' } })",
        '}',
      ]
      mkdirSync(join(project, 'negative-if-match'), { recursive: true })
      writeFileSync(join(project, 'negative-if-match/writes.ts'), source.join('\n'))
      writeFileSync(
        join(project, 'tsconfig.if-match.json'),
        JSON.stringify({ extends: './tsconfig.json', compilerOptions: { noEmit: true }, files: ['negative-if-match/writes.ts'] }),
      )

      const checked = await run(process.execPath, [tsc, '-p', 'tsconfig.if-match.json', '--pretty', 'false'], project)
      expect(checked.code).not.toBe(0)
      const lines = checked.stdout
        .split('\n')
        .filter((line) => line.includes(': error TS'))
        .map((line) => Number(/^negative-if-match\/writes\.ts\((\d+),/.exec(line)?.[1]))
      const refused = source.flatMap((line, index) => (line.includes('// refused') ? [index + 1] : []))
      expect(lines).toEqual(refused)
      expect(checked.stdout).toContain("Property 'ifMatch' is missing")
      expect(checked.stdout).toMatch(/'If-Match'+ does not exist in type/)
    },
  )

  it('type-checks the README as one strict script, runs it, and it prints what the README says', { timeout: 120_000 }, async () => {
    // The README's ```ts blocks continue one another: together they are one module. Every `// -> text` in them is one
    // line the script prints, in order. Only the base URL changes, to this test's server.
    const readme = readFileSync(join(root, 'generated/README.md'), 'utf8')
    const code = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((match) => match[1] ?? '').join('\n')
    const expected = [...code.matchAll(/\/\/ -> (.*)$/gm)].map((match) => match[1] ?? '')
    expect(expected).toEqual(expect.arrayContaining(['204 undefined', '304 undefined', '204 undefined undefined']))
    expect(code.split(README_BASE_URL)).toHaveLength(2)
    writeFileSync(join(project, 'readme.ts'), code.replace(README_BASE_URL, JSON.stringify(server?.baseUrl ?? '')))
    writeFileSync(
      join(project, 'tsconfig.readme.json'),
      JSON.stringify({ extends: './tsconfig.json', compilerOptions: { outDir: 'out-readme' }, files: ['readme.ts'] }),
    )
    const checked = await run(process.execPath, [tsc, '-p', 'tsconfig.readme.json', '--pretty', 'false'], project)
    expect(checked.stdout + checked.stderr).toBe('')
    expect(checked.code).toBe(0)

    const printed = await mustRun(process.execPath, ['out-readme/readme.js'], project)
    expect(printed.trimEnd().split('\n')).toEqual(expected)
  })

  it(
    'waits out a real 429 as Retry-After asks (a minute) when allowed to, and otherwise rejects at once',
    { timeout: 150_000 },
    async () => {
      const { fetch: fetchFrom, sent } = fromOwnAddress()
      const credentials = { email: `limited-${randomUUID()}@example.com`, password: `correct-horse-${randomUUID()}` }
      const quick = createApiClient({ baseUrl: server?.baseUrl ?? '', fetch: fetchFrom })
      await quick.post('/api/auth/register', { body: { ...credentials, name: 'Rate Limited' } })
      // The limiter's windows are whole minutes of the clock: use the limit up inside one.
      const intoMinute = Date.now() % 60_000
      if (intoMinute > 50_000) await sleep(60_500 - intoMinute)
      const wrong = { ...credentials, password: 'not the password' }
      for (let attempt = 0; attempt < 5; attempt++) {
        await expect(quick.post('/api/auth/login', { body: wrong })).rejects.toMatchObject({ status: 401, code: 'INVALID_CREDENTIALS' })
      }
      const before = sent.length
      const limited = await quick.post('/api/auth/login', { body: credentials }).catch((error: unknown) => error)
      expect(limited).toBeInstanceOf(ApiError)
      expect(limited).toMatchObject({ status: 429, code: 'RATE_LIMITED', retryAfterMs: 60_000 })
      // Retry-After: 60 is over the default maxDelayMs (10 s): not retried.
      expect(sent.length).toBe(before + 1)

      const retries: RetryEvent[] = []
      const patient = createApiClient({
        baseUrl: server?.baseUrl ?? '',
        fetch: fetchFrom,
        retry: { maxDelayMs: 60_000, onRetry: (event) => retries.push(event) },
      })
      const started = Date.now()
      const login = await patient.post('/api/auth/login', { body: credentials })
      expect(Date.now() - started).toBeGreaterThanOrEqual(60_000)
      expect(login.status).toBe(200)
      expect(retries.map(({ attempt, status, delayMs }) => ({ attempt, status, delayMs }))).toEqual([
        { attempt: 1, status: 429, delayMs: 60_000 },
      ])
      const [refused, accepted] = sent.slice(-2)
      expect([refused?.status, accepted?.status]).toEqual([429, 200])
      expect(refused?.idempotencyKey).toMatch(UUID)
      expect(accepted?.idempotencyKey).toBe(refused?.idempotencyKey)
    },
  )

  it('does not retry a real 409 without Retry-After (an email already taken)', { timeout: 60_000 }, async () => {
    // The other 409, for an Idempotency-Key still in flight, could not be provoked against wrangler dev: it runs
    // same-key requests one after another, so the second always finds the first done and gets its replay.
    // tests/node/sdk-client.test.ts covers that retry with a fake fetch.
    const { fetch: fetchFrom, sent } = fromOwnAddress()
    const api = createApiClient({ baseUrl: server?.baseUrl ?? '', fetch: fetchFrom })
    const body = { email: `taken-${randomUUID()}@example.com`, name: 'Taken', password: `correct-horse-${randomUUID()}` }
    await api.post('/api/auth/register', { body })
    const taken = await api.post('/api/auth/register', { body }).catch((error: unknown) => error)
    expect(taken).toMatchObject({ status: 409, code: 'CONFLICT', retryAfterMs: undefined })
    expect(sent.map((request) => request.status)).toEqual([201, 409])
  })
})
