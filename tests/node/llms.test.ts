// /llms.txt says, for each operation, which credential it takes: what its security requirement in the document says.
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { documentOperations, errorCodesOf } from '../support/openapi'

const llms = readFileSync(new URL('../../public/llms.txt', import.meta.url), 'utf8')

describe('llms.txt', () => {
  it.each(documentOperations.map((op) => [`${op.method.toUpperCase()} ${op.path}`, op] as const))(
    '%s names the credential its security requirement takes',
    (line, op) => {
      const entry = llms.split('\n').find((text) => text.startsWith(`- ${line}: `))
      expect(entry, line).toBeDefined()
      const requirements = (op.operation.security ?? []).filter((requirement) => Object.keys(requirement).length > 0)
      const scopes = requirements.flatMap((requirement) => Object.values(requirement).flat())
      if (requirements.length === 0) expect(entry).not.toContain('(')
      else if (scopes.includes('session')) expect(entry).toMatch(/\(login token only\)$/)
      else for (const scope of scopes) expect(entry).toMatch(new RegExp(`API key with .*\\b${scope}\\b`))
    },
  )

  it.each(documentOperations.map((op) => [`${op.method.toUpperCase()} ${op.path}`, op] as const))(
    '%s lists exactly the error codes its responses carry',
    (line, op) => {
      const lines = llms.split('\n')
      const errors = lines[lines.findIndex((text) => text.startsWith(`- ${line}: `)) + 1]
      const listed = Object.entries(errorCodesOf(op)).flatMap(([status, codes]) => codes.map((code) => `${status} ${code}`))
      expect(listed.length).toBeGreaterThan(0)
      expect(errors).toBe(`  errors: ${listed.join(', ')}`)
    },
  )
})
