// openapi:changelog (the Markdown changelog between two documents) and the version gate (scripts/openapi-version-check.ts),
// on the breaking-change fixture pairs, a mixed pair of their own, and the committed document with its release snapshot.
import { execFile } from 'node:child_process'
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { delimiter, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { diffDocuments, findBreakingChanges, parseDocument, type OpenApiDocument } from '../../scripts/lib/openapi-diff'
import { renderChangelog, runChangelog, sdkNotes } from '../../scripts/openapi-changelog'
import { compareVersions, parseVersion, runVersionCheck } from '../../scripts/openapi-version-check'

const root = fileURLToPath(new URL('../../', import.meta.url))
const breakingFixtures = join(root, 'tests/node/fixtures/breaking')
const fixtures = join(root, 'tests/node/fixtures/changelog')
const committed = join(root, 'openapi/openapi.json')

const read = (file: string): OpenApiDocument => parseDocument(readFileSync(file, 'utf8'), file)
const pair = (name: string): [OpenApiDocument, OpenApiDocument] => [
  read(join(breakingFixtures, name, 'base.json')),
  read(join(breakingFixtures, name, 'head.json')),
]
/** The list items of one `### title` section of a rendered changelog. */
function section(markdown: string, title: string): string[] {
  const start = markdown.indexOf(`### ${title}\n`)
  if (start < 0) return []
  const rest = markdown.slice(start + title.length + 5)
  const end = rest.indexOf('\n### ')
  return (end < 0 ? rest : rest.slice(0, end)).split('\n').filter((line) => line.startsWith('- '))
}

const BREAKING = 'Breaking: change your code'
const CONSTRAINTS = 'Breaking, constraints only: check your values'
const DEPRECATED = 'Deprecated: move off before the sunset'
const ADDED = 'Added: nothing to do'
const CHANGED = 'Changed: nothing to do'
/** Both breaking sections, code changes first. */
const breaking = (markdown: string) => [...section(markdown, BREAKING), ...section(markdown, CONSTRAINTS)]

function inProcess(run: (out: (line: string) => void, err: (line: string) => void) => number) {
  const out: string[] = []
  const err: string[] = []
  const exitCode = run(
    (line) => out.push(line),
    (line) => err.push(line),
  )
  return { exitCode, stdout: out.join('\n'), stderr: err.join('\n') }
}

/** A script as a process, the way `npm run -s <script> -- ...` runs it, with the project's Node first on PATH. */
function npmRun(args: string[]): Promise<{ exitCode: number; stdout: string; stderr: string }> {
  const PATH = `${join(root, 'node_modules/.bin')}${delimiter}${process.env.PATH ?? ''}`
  return new Promise((resolve) => {
    execFile('npm', ['run', '-s', ...args], { cwd: root, env: { ...process.env, PATH } }, (error, stdout, stderr) => {
      resolve({ exitCode: error ? Number(error.code ?? 1) : 0, stdout, stderr })
    })
  })
}

describe('openapi:changelog', () => {
  it('lists breaking changes first, then deprecations, additions and other changes, naming operation and field', () => {
    const markdown = renderChangelog(read(join(fixtures, 'mixed/base.json')), read(join(fixtures, 'mixed/head.json')))
    expect(markdown).toBe(readFileSync(join(fixtures, 'mixed/CHANGELOG.md'), 'utf8'))

    const titles = [...markdown.matchAll(/^### (.+)$/gm)].map((match) => match[1])
    expect(titles).toEqual([
      'Breaking: change your code',
      'Breaking, constraints only: check your values',
      'Deprecated: move off before the sunset',
      'Added: nothing to do',
      'Changed: nothing to do',
    ])
    expect(markdown.split('\n').slice(0, 3)).toEqual([
      '## 2.0.0',
      '',
      'Changes to the contract since 1.0.0: 2 breaking changes (1 of them constraints only), 4 deprecations, 7 additions, 4 other changes.',
    ])
    // Address and User are returned by three operations: each change to them is one line, naming the three.
    expect(section(markdown, BREAKING)).toEqual([
      '- **Address** (component): property `postcode` removed; used by `listUsers`, `createUser`, `getUser`',
    ])
    // A pattern added to a request field breaks only values that break it: apart, as a constraint.
    expect(section(markdown, CONSTRAINTS)).toEqual([
      '- **POST /api/users** (`createUser`): request body property `name` pattern added (`\\S`)',
    ])
    expect(section(markdown, DEPRECATED)).toEqual([
      '- **User** (component): property `age` deprecated; used by `listUsers`, `createUser`, `getUser`',
      '- **GET /api/users** (`listUsers`): query parameter `order` deprecated',
      '- **POST /api/users** (`createUser`): request body property `plan` deprecated',
      '- **GET /api/legacy** (`getLegacy`): operation deprecated',
    ])
    // The new operation is one line, not one per parameter and response.
    expect(section(markdown, ADDED)).toEqual([
      '- **User** (component): property `status` enum value "invited" added; used by `listUsers`, `createUser`, `getUser`',
      '- **User** (component): property `birthYear` added; used by `listUsers`, `createUser`, `getUser`',
      '- **GET /api/users** (`listUsers`): new optional query parameter `q`',
      '- **GET /api/users/{id}** (`getUser`): new optional header parameter `If-None-Match`',
      '- **GET /api/users/{id}** (`getUser`): response 200 header `ETag` added',
      '- **GET /api/users/{id}** (`getUser`): response 404 added',
      '- **PATCH /api/users/{id}** (`updateUser`): new operation',
    ])
    // A response constrained more and a request constrained less break nothing.
    expect(section(markdown, CHANGED)).toEqual([
      '- **User** (component): property `name` maxLength added (100); used by `listUsers`, `createUser`, `getUser`',
      '- **GET /api/users** (`listUsers`): query parameter `page` minimum removed (was 1)',
      '- **POST /api/users** (`createUser`): request body property `name` became optional',
      '- **DELETE /api/users/{id}** (`deleteUser`): no longer requires authentication',
    ])
  })

  it('lists exactly what openapi:breaking finds as breaking, on every breaking-change fixture pair', () => {
    const names = readdirSync(breakingFixtures).sort()
    expect(names.length).toBeGreaterThan(20)
    for (const name of names) {
      const [base, head] = pair(name)
      const expected = findBreakingChanges(base, head)
      expect(
        diffDocuments(base, head).breaking.map((change) => change.message),
        name,
      ).toEqual(expected)
      const listed = breaking(renderChangelog(base, head))
      expect(listed, name).toHaveLength(expected.length)
      // Each line names the operation by method, path and operationId (a removed path, by its path and its operations),
      // or a shared component and the operations using it.
      for (const item of listed) {
        expect(item, name).toMatch(/^- \*\*(?:(?:[A-Z]+ )?\/\S*\*\* \(`\w+`(?:, `\w+`)*\): \S|\w+\*\* \(component\): \S.*; used by `\w+`)/)
      }
    }
  })

  it('says what the additive fixture pairs add or relax, and finds nothing breaking in them', () => {
    const expected: Record<string, { added?: string[]; changed?: string[] }> = {
      'additive-operation': {
        added: ['- **PATCH /api/users/{id}** (`updateUser`): new operation', '- **GET /api/teams** (`listTeams`): new operation'],
      },
      'additive-operation-scope-removed': {
        changed: ['- **GET /api/users/{id}** (`getUser`): security scheme `bearerAuth` no longer requires scope `write`'],
      },
      'additive-optional-query-parameter': { added: ['- **GET /api/users** (`listUsers`): new optional query parameter `q`'] },
      'additive-optional-request-property': {
        added: ['- **POST /api/users** (`createUser`): request body property `bio` added (optional)'],
      },
      'additive-request-enum-widened': {
        added: ['- **POST /api/users** (`createUser`): request body property `plan` enum value "enterprise" added'],
      },
      'additive-request-type-widened': {
        changed: [
          '- **GET /api/users** (`listUsers`): query parameter `page` type changed from integer to number',
          '- **POST /api/users** (`createUser`): request body property `nickname` type changed from string to string | null',
        ],
      },
      'additive-response-property': {
        added: ['- **User** (component): property `email` added; used by `listUsers`, `createUser`, `getUser`'],
      },
      'additive-parameter-minimum-removed': {
        changed: ['- **GET /api/users** (`listUsers`): query parameter `page` minimum removed (was 1)'],
      },
      'additive-request-additional-properties-false-removed': {
        changed: ['- **POST /api/users** (`createUser`): request body additionalProperties: false removed'],
      },
      'additive-response-pattern-added': {
        changed: ['- **User** (component): property `name` pattern added (`^\\S`); used by `listUsers`, `createUser`, `getUser`'],
      },
      'additive-response-enum-widened': {
        added: ['- **User** (component): property `status` enum value "invited" added; used by `listUsers`, `createUser`, `getUser`'],
      },
    }
    const pairs = readdirSync(breakingFixtures).filter((name) => name.startsWith('additive-'))
    expect(Object.keys(expected).sort()).toEqual(pairs.sort())
    for (const [name, { added = [], changed = [] }] of Object.entries(expected)) {
      const markdown = renderChangelog(...pair(name))
      expect(breaking(markdown), name).toEqual([])
      expect(section(markdown, ADDED), name).toEqual(added)
      expect(section(markdown, CHANGED), name).toEqual(changed)
    }
  })

  it('reports a code added to an error response as an addition to each operation whose response it is, not a break', () => {
    const document = read(committed)
    type Narrowed = { content: { 'application/json': { schema: { properties: { error: { properties: { code: { enum: string[] } } } } } } } }
    const head = structuredClone(document) as OpenApiDocument & { components: { responses: Record<string, Narrowed> } }
    head.components.responses.NotFound!.content['application/json'].schema.properties.error.properties.code.enum.push('TEAPOT')
    const markdown = renderChangelog(document, head)
    expect(breaking(markdown)).toEqual([])
    // One line for the response, naming every operation that sends it.
    const [line, ...others] = section(markdown, ADDED)
    expect(others).toEqual([])
    expect(line).toMatch(
      /^- response 404 body property `error\.code` enum value "TEAPOT" added: \*\*DELETE \/api\/api-keys\/\{id\}\*\* \(`revokeApiKey`\), \*\*GET \/api\/users\/\{id\}\*\* \(`getUser`\), /,
    )
  })

  it('quotes a pattern in a code span that holds even with backticks in it, cut short when long', () => {
    const document = read(committed)
    type Schemas = Record<string, { properties: Record<string, { pattern?: string }> }>
    const head = structuredClone(document) as OpenApiDocument & { components: { schemas: Schemas } }
    const email = head.components.schemas.RegisterRequest?.properties.email
    if (!email) throw new Error('the document has no RegisterRequest.email')
    email.pattern = '`[a-z]+`@example\\.com'
    expect(breaking(renderChangelog(document, head))).toEqual([
      "- **POST /api/auth/register** (`register`): request body property `email` pattern changed from ``^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]…`` to `` `[a-z]+`@example\\.com ``",
    ])
  })

  it('finds no change between the committed document and itself, and every operation new against an empty one', () => {
    const document = read(committed)
    const version = document.info?.version ?? ''
    expect(renderChangelog(document, document)).toBe(`## ${version}\n\nNo change since ${version}.\n`)
    const described = { ...document, info: { ...document.info, description: 'Only the words changed.' } } as OpenApiDocument
    expect(renderChangelog(document, described)).toBe(
      `## ${version}\n\nNo change to operations, parameters, bodies or responses since ${version} (documentation only).\n`,
    )
    const first = renderChangelog(read(join(fixtures, 'empty.json')), document)
    expect(section(first, ADDED)).toHaveLength(Object.values(document.paths ?? {}).flatMap((item) => Object.keys(item)).length)
    expect(section(first, ADDED)).toContain('- **POST /api/users/{id}/posts** (`createUserPost`): new operation')
  })

  it("generated/CHANGELOG.md's first release is what openapi:changelog printed for openapi/releases/0.1.0.json", () => {
    const printed = inProcess((out, err) =>
      runChangelog([join(fixtures, 'empty.json'), join(root, 'openapi/releases/0.1.0.json')], out, err),
    )
    expect(printed.exitCode).toBe(0)
    expect(readFileSync(join(root, 'generated/CHANGELOG.md'), 'utf8')).toContain(`\n${printed.stdout}\n`)
  })

  it("every later release's section is what openapi:changelog printed between it and the release before, on its date", () => {
    const changelog = readFileSync(join(root, 'generated/CHANGELOG.md'), 'utf8')
    const versions = readdirSync(join(root, 'openapi/releases'))
      .map((file) => file.replace(/\.json$/, ''))
      .sort((a, b) => compareVersions(parseVersion(a)!, parseVersion(b)!))
    expect(versions.length).toBeGreaterThan(1)
    for (const [index, version] of versions.entries()) {
      if (index === 0) continue
      const date = new RegExp(`^## ${version.replaceAll('.', '\\.')} \\((\\d{4}-\\d{2}-\\d{2})\\)$`, 'm').exec(changelog)?.[1]
      expect(date, `generated/CHANGELOG.md has no dated section for ${version}`).toBeDefined()
      const [previous, current] = [versions[index - 1], version].map((name) => join(root, `openapi/releases/${name}.json`))
      const printed = inProcess((out, err) => runChangelog([previous!, current!, '--date', date!], out, err))
      expect(printed.exitCode).toBe(0)
      expect(changelog).toContain(`\n${printed.stdout}\n`)
    }
  })

  it("ends each release with the SDK's own changes, from generated/sdk-changes/<version>.md, even when the contract is unchanged", () => {
    const document = read(committed)
    const markdown = renderChangelog(document, document, { sdk: ['- The client now does X.'] })
    expect(markdown.endsWith("\n\n### SDK: the package's own behaviour\n\n- The client now does X.\n")).toBe(true)
    const version = document.info?.version ?? ''
    expect(sdkNotes(version).length, `generated/sdk-changes/${version}.md`).toBeGreaterThan(0)
    expect(sdkNotes('0.0.0')).toEqual([])
  })

  it('takes --date, and exits 2 with a usage line on wrong arguments or a file that is not OpenAPI', () => {
    const dated = inProcess((out, err) => runChangelog([committed, committed, '--date', '2026-12-01'], out, err))
    expect(dated.stdout.split('\n')[0]).toBe(`## ${read(committed).info?.version} (2026-12-01)`)
    for (const args of [[committed], [committed, committed, committed], [committed, committed, '--date', 'tomorrow']]) {
      const result = inProcess((out, err) => runChangelog(args, out, err))
      expect(result.stderr).toContain('usage: openapi-changelog <base.json> <head.json> [--date YYYY-MM-DD]')
      expect(result.exitCode).toBe(2)
    }
    const notOpenApi = inProcess((out, err) => runChangelog([join(root, 'package.json'), committed], out, err))
    expect(notOpenApi.stderr).toContain('package.json is not an OpenAPI document')
    expect(notOpenApi.exitCode).toBe(2)
  })

  it('runs as `npm run -s openapi:changelog -- <base> <head>` and prints only the Markdown', async () => {
    const result = await npmRun([
      'openapi:changelog',
      '--',
      'tests/node/fixtures/changelog/mixed/base.json',
      'tests/node/fixtures/changelog/mixed/head.json',
    ])
    expect(result.stderr).toBe('')
    expect(result.stdout).toBe(readFileSync(join(fixtures, 'mixed/CHANGELOG.md'), 'utf8'))
    expect(result.exitCode).toBe(0)
  })
})

describe('the version gate', () => {
  type Json = Record<string, unknown> & { info: { version: string; description?: string } }
  const load = (file: string): Json => JSON.parse(readFileSync(file, 'utf8')) as Json
  const versioned = (document: Json, version: string): Json => ({ ...document, info: { ...document.info, version } })

  /** A document and its release snapshots in a temp dir, checked by the gate in-process. */
  function check(document: Json, snapshots: Record<string, Json>) {
    const dir = mkdtempSync(join(tmpdir(), 'openapi-version-'))
    const releases = join(dir, 'releases')
    mkdirSync(releases)
    for (const [name, snapshot] of Object.entries(snapshots)) writeFileSync(join(releases, `${name}.json`), JSON.stringify(snapshot))
    writeFileSync(join(dir, 'openapi.json'), JSON.stringify(document))
    return inProcess((out, err) => runVersionCheck(['--document', join(dir, 'openapi.json'), '--releases', releases], out, err))
  }

  const additive = {
    base: load(join(breakingFixtures, 'additive-operation/base.json')),
    head: load(join(breakingFixtures, 'additive-operation/head.json')),
  }
  const breaking = {
    base: load(join(breakingFixtures, 'response-property-removed/base.json')),
    head: load(join(breakingFixtures, 'response-property-removed/head.json')),
  }

  it('passes the committed document against openapi/releases (its version was raised for every change since the last release)', () => {
    const result = inProcess((out, err) => runVersionCheck([], out, err))
    expect(result.stdout).toMatch(/^openapi-version-check: /)
    expect(result.exitCode).toBe(0)
  })

  it('passes an unchanged document, also when only the order of its keys differs', () => {
    expect(check(additive.base, { '1.0.0': additive.base }).exitCode).toBe(0)
    const reordered = Object.fromEntries(Object.entries(additive.base).reverse()) as Json
    const result = check(reordered, { '1.0.0': additive.base })
    expect(result.stdout).toContain('unchanged')
    expect(result.exitCode).toBe(0)
  })

  it('fails a changed document whose version was not raised (even a description), and passes it once it is', () => {
    const same = check(additive.head, { '1.0.0': additive.base })
    expect(same.stdout).toContain('the document changed since release 1.0.0 but its info.version is 1.0.0')
    expect(same.stdout).toContain('2.0.0 for a breaking change')
    expect(same.exitCode).toBe(1)

    const described = { ...additive.base, info: { ...additive.base.info, description: 'Now with a description.' } }
    expect(check(described, { '1.0.0': additive.base }).exitCode).toBe(1)
    expect(check(versioned(described, '1.0.1'), { '1.0.0': additive.base }).exitCode).toBe(0)

    for (const version of ['1.0.1', '1.1.0', '2.0.0']) {
      const result = check(versioned(additive.head, version), { '1.0.0': additive.base })
      expect(result.stdout, version).toBe(`openapi-version-check: ${version} follows release 1.0.0 (no breaking change).`)
      expect(result.exitCode, version).toBe(0)
    }
    expect(check(versioned(additive.head, '0.9.0'), { '1.0.0': additive.base }).exitCode).toBe(1)
  })

  it('from 1.0.0 on, fails a breaking change without a new major version, listing the change', () => {
    const minor = check(versioned(breaking.head, '1.1.0'), { '1.0.0': breaking.base })
    expect(minor.stdout).toContain('1 breaking change(s) since release 1.0.0, but info.version is only 1.1.0')
    expect(minor.stdout).toContain('a breaking change raises the major version, so it must be at least 2.0.0')
    expect(minor.stdout).toContain('  - User (component): property age removed; used by listUsers, createUser, getUser')
    expect(minor.exitCode).toBe(1)

    const major = check(versioned(breaking.head, '2.0.0'), { '1.0.0': breaking.base })
    expect(major.stdout).toBe('openapi-version-check: 2.0.0 follows release 1.0.0 (1 breaking change(s)).')
    expect(major.exitCode).toBe(0)
  })

  it('before 1.0.0, fails a breaking change without a new minor version', () => {
    const released = versioned(breaking.base, '0.3.0')
    const patch = check(versioned(breaking.head, '0.3.1'), { '0.3.0': released })
    expect(patch.stdout).toContain('before 1.0.0 a breaking change raises the minor version, so it must be at least 0.4.0')
    expect(patch.exitCode).toBe(1)
    expect(check(versioned(breaking.head, '0.4.0'), { '0.3.0': released }).exitCode).toBe(0)
    expect(check(versioned(breaking.head, '1.0.0'), { '0.3.0': released }).exitCode).toBe(0)
    // An addition needs no more than a patch, before 1.0.0 too.
    expect(check(versioned(additive.head, '0.3.1'), { '0.3.0': versioned(additive.base, '0.3.0') }).exitCode).toBe(0)
  })

  it('compares with the highest released version, by semver rather than by name', () => {
    const snapshots = { '0.9.0': versioned(additive.base, '0.9.0'), '0.10.0': versioned(additive.head, '0.10.0') }
    const result = check(versioned(additive.head, '0.10.0'), snapshots)
    expect(result.stdout).toBe('openapi-version-check: 0.10.0 is the released 0.10.0, unchanged.')
    expect(result.exitCode).toBe(0)

    expect(compareVersions(parseVersion('0.10.0')!, parseVersion('0.9.0')!)).toBeGreaterThan(0)
    const order = ['1.0.0-alpha', '1.0.0-alpha.1', '1.0.0-alpha.beta', '1.0.0-beta', '1.0.0-beta.2', '1.0.0-beta.11', '1.0.0-rc.1', '1.0.0']
    const shuffled = [...order].reverse()
    expect(shuffled.sort((a, b) => compareVersions(parseVersion(a)!, parseVersion(b)!))).toEqual(order)
    for (const bad of ['1.0', 'v1.0.0', '01.0.0', '1.0.0-']) expect(parseVersion(bad), bad).toBeUndefined()
  })

  it('fails clearly without a snapshot, with a snapshot that is not its name, or a version that is not semver', () => {
    const none = check(additive.base, {})
    expect(none.stdout).toContain('no released snapshot')
    expect(none.exitCode).toBe(1)

    const misnamed = check(additive.base, { '1.0.0': versioned(additive.base, '1.0.1') })
    expect(misnamed.stdout).toContain("has info.version 1.0.1; a snapshot's file name is its version")
    expect(misnamed.exitCode).toBe(1)

    const notSemver = check(versioned(additive.base, 'one'), { '1.0.0': additive.base })
    expect(notSemver.stdout).toContain('not a semantic version')
    expect(notSemver.exitCode).toBe(1)

    const badName = check(additive.base, { latest: additive.base })
    expect(badName.stderr).toContain('a snapshot is named <semver>.json')
    expect(badName.exitCode).toBe(2)

    const usage = inProcess((out, err) => runVersionCheck(['--bogus'], out, err))
    expect(usage.stderr).toContain('usage: openapi-version-check')
    expect(usage.exitCode).toBe(2)
  })

  it('runs as a process on the committed document and exits 1 on a stale version', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'openapi-version-process-'))
    cpSync(join(root, 'openapi/releases'), join(dir, 'releases'), { recursive: true })
    // The latest release, changed without raising its version.
    const latest = readdirSync(join(root, 'openapi/releases'))
      .map((name) => name.replace(/\.json$/, ''))
      .sort((a, b) => a.localeCompare(b, 'en', { numeric: true }))
      .at(-1)!
    const changed = load(join(root, 'openapi/releases', `${latest}.json`))
    changed.info.description = `${changed.info.description ?? ''}\n\nOne more sentence.`
    writeFileSync(join(dir, 'openapi.json'), JSON.stringify(changed))
    const run = (args: string[]) =>
      new Promise<{ exitCode: number; stdout: string }>((resolve) => {
        execFile(process.execPath, ['--import', 'tsx', 'scripts/openapi-version-check.ts', ...args], { cwd: root }, (error, stdout) => {
          resolve({ exitCode: error ? Number(error.code ?? 1) : 0, stdout })
        })
      })
    const [clean, stale] = await Promise.all([run([]), run(['--document', join(dir, 'openapi.json'), '--releases', join(dir, 'releases')])])
    expect(clean.exitCode).toBe(0)
    expect(stale.exitCode).toBe(1)
    expect(stale.stdout).toContain(`but its info.version is ${changed.info.version}`)
  })
})
