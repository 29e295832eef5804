import { execFile } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'
import { beforeAll, describe, expect, it } from 'vitest'

const root = fileURLToPath(new URL('../../', import.meta.url))
const cli = createRequire(import.meta.url).resolve('@stoplight/spectral-cli/dist/index.js')

interface Finding {
  code: string
  path: string[]
  message: string
}

/**
 * Lints one file with the spectral CLI and the repository's .spectral.yaml, as `npm run lint:api` does, so the
 * test judges the very ruleset CI uses. Exit code 1 only means "found something"; 2 means spectral itself failed.
 */
function lint(file: string): Promise<{ exitCode: number; findings: Finding[] }> {
  const args = [cli, 'lint', file, '--ruleset', '.spectral.yaml', '--format', 'json', '--quiet', '--fail-severity', 'hint']
  return new Promise((resolve, reject) => {
    execFile(process.execPath, args, { cwd: root, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      const exitCode = error ? Number(error.code) : 0
      if (exitCode !== 0 && exitCode !== 1) return reject(new Error(`spectral exited ${String(error?.code)}: ${stderr}${stdout}`))
      resolve({ exitCode, findings: JSON.parse(stdout) as Finding[] })
    })
  })
}

describe('the committed openapi/openapi.json', () => {
  it('passes the contract lint with no finding of any severity', async () => {
    const { exitCode, findings } = await lint('openapi/openapi.json')
    expect(findings.map((f) => `${f.code} at ${f.path.join('.')}: ${f.message}`)).toEqual([])
    expect(exitCode).toBe(0)
  })
})

describe('a document that breaks every convention (tests/node/fixtures/spectral-bad.openapi.yaml)', () => {
  const expected: Record<string, string[][]> = {
    'contract-operation-id-camel-case': [['paths', '/api/widgets', 'get', 'operationId']],
    'contract-operation-tag': [['paths', '/api/widgets', 'post']],
    'contract-security-requirement': [['paths', '/api/widgets', 'post', 'security', '0', 'bearerAuth']],
    'contract-operation-summary': [['paths', '/api/widgets/{id}', 'get']],
    'contract-operation-description': [['paths', '/api/widgets/{id}', 'delete']],
    'contract-success-envelope': [
      ['paths', '/api/widgets', 'get', 'responses', '200', 'content', 'application/json', 'schema', 'properties'],
      ['paths', '/api/widgets/{id}', 'put', 'responses', '200', 'content', 'application/json', 'schema', 'required'],
    ],
    // Not /api/widgets GET, whose 4xx is a $ref to a response that is the envelope, and not /health.
    'contract-error-envelope-4xx': [['paths', '/api/widgets/{id}', 'patch', 'responses', '404']],
    'contract-secured-operation-401': [['paths', '/api/widgets', 'post', 'responses']],
    'contract-secured-operation-403': [['paths', '/api/widgets', 'post', 'responses']],
    'contract-path-prefix': [['paths', '/status']],
    'contract-path-kebab-case': [['paths', '/api/widget_parts']],
    'contract-path-param-camel-case': [['paths', '/api/widgets/{widget_id}/parts']],
    'contract-path-plural-collection': [['paths', '/api/gadget/{id}']],
    'contract-schema-name-pascal-case': [['components', 'schemas', 'widget_list']],
    'contract-schema-example': [['components', 'schemas', 'Widget']],
    // Not the page parameter (example on the parameter) nor the WidgetId one (examples on its schema).
    'contract-parameter-example': [['paths', '/api/widgets', 'get', 'parameters', '1']],
    // Not the loopback http://127.0.0.1:8787 server.
    'contract-server-https': [['servers', '1', 'url']],
  }
  let run: Awaited<ReturnType<typeof lint>>
  beforeAll(async () => {
    run = await lint('tests/node/fixtures/spectral-bad.openapi.yaml')
  })

  it('covers every custom rule that .spectral.yaml defines', () => {
    const defined = [
      ...readFileSync(new URL('../../.spectral.yaml', import.meta.url), 'utf8').matchAll(/^ {2}(contract-[a-z0-9-]+):/gm),
    ].map((m) => m[1])
    expect(defined.length).toBeGreaterThan(0)
    expect(Object.keys(expected).sort()).toEqual(defined.sort())
  })

  it.each(Object.entries(expected))('%s fires exactly where expected', (code, paths) => {
    expect(run.exitCode).toBe(1)
    const found = run.findings.filter((f) => f.code === code).map((f) => f.path)
    expect(found).toEqual(expect.arrayContaining(paths))
    expect(found).toHaveLength(paths.length)
  })

  it('also runs the OWASP ruleset: a missing 429 is caught; only the RateLimit-headers rule is off (the binding reports no quota)', () => {
    const codes = new Set(run.findings.map((f) => f.code))
    expect(codes).toContain('owasp:api2:2023-write-restricted')
    expect(codes).toContain('owasp:api4:2023-rate-limit-responses-429')
    expect(codes).not.toContain('owasp:api4:2023-rate-limit')
  })
})
