// One version number everywhere: the contract's info.version is the SDK's, the repository's and the collection's.
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { document } from '../support/openapi'

const json = (path: string) => JSON.parse(readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8')) as Record<string, unknown>

describe('versions', () => {
  it('the root package, the SDK package and the Postman collection carry info.version', () => {
    const version = document.info.version
    expect(json('package.json').version).toBe(version)
    expect(json('generated/package.json').version).toBe(version)
    expect((json('public/assets/collection.template.json').info as { version: string }).version).toBe(version)
    const lock = json('package-lock.json') as { version: string; packages: Record<string, { version?: string }> }
    expect([lock.version, lock.packages['']?.version]).toEqual([version, version])
  })
})
