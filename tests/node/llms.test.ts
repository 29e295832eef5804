// /llms.txt says, for each operation, which credential it takes: what its security requirement in the document says.
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { documentOperations } from '../support/openapi'

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
})
