// `npm run openapi:check` must fail when the committed document is not what src/contract emits.
import { execFile } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'

const root = fileURLToPath(new URL('../../', import.meta.url))
const committed = readFileSync(join(root, 'openapi/openapi.json'), 'utf8')
const temp = mkdtempSync(join(tmpdir(), 'drift-'))

function check(documentText: string): Promise<{ code: number; output: string }> {
  const file = join(temp, `openapi-${Math.random().toString(36).slice(2)}.json`)
  writeFileSync(file, documentText)
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', 'scripts/emit-openapi.ts', '--check'],
      { cwd: root, env: { ...process.env, OPENAPI_FILE: file } },
      (error, stdout, stderr) => {
        resolve({ code: error ? Number(error.code ?? 1) : 0, output: stdout + stderr })
      },
    )
  })
}

afterAll(() => rmSync(temp, { recursive: true, force: true }))

describe('the drift check (openapi:check)', () => {
  it('passes on the document as committed', { timeout: 60_000 }, async () => {
    expect(await check(committed)).toMatchObject({ code: 0 })
  })

  it('fails when one schema constraint differs, as after editing src/contract without `npm run openapi`', { timeout: 60_000 }, async () => {
    const edited = JSON.parse(committed) as { components: { schemas: { Post: { properties: { title: { maxLength: number } } } } } }
    edited.components.schemas.Post.properties.title.maxLength += 1
    const result = await check(`${JSON.stringify(edited, null, 2)}\n`)
    expect(result.code).toBe(1)
    expect(result.output).toContain('openapi/openapi.json is stale')
  })
})
