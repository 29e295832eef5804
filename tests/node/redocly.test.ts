// The second linter bites: Redocly's recommended ruleset passes the committed document and fails the one released as
// 0.1.0 (which lacked `security: []` on public operations, used example.com servers and gave /health no 4xx).
import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const root = fileURLToPath(new URL('../../', import.meta.url))
const lint = (file: string) =>
  new Promise<{ code: number; stdout: string }>((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', 'scripts/redocly-lint.ts', file], { cwd: root }, (error, stdout) =>
      resolve({ code: error ? Number(error.code ?? 1) : 0, stdout }),
    )
  })

describe('redocly recommended (scripts/redocly-lint.ts)', () => {
  it('finds no problem of any severity in openapi/openapi.json', async () => {
    const result = await lint('openapi/openapi.json')
    expect(result.stdout).toContain('0 errors, 0 warnings')
    expect(result.code).toBe(0)
  })

  it('fails on warnings too, naming each rule: the 0.1.0 document', async () => {
    const result = await lint('openapi/releases/0.1.0.json')
    expect(result.code).toBe(1)
    expect(result.stdout).toContain('security-defined')
    expect(result.stdout).toContain('no-server-example.com')
    expect(result.stdout).toContain('operation-4xx-response')
  })
})
