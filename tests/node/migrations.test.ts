// migrations/ must be what drizzle-kit makes of src/infrastructure/d1/schema.ts: a schema change without
// `npm run db:generate` fails here, as the document's drift check fails without `npm run openapi`.
import { execFile } from 'node:child_process'
import { cpSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'

const root = fileURLToPath(new URL('../../', import.meta.url))
const drizzleKit = join(root, 'node_modules', 'drizzle-kit', 'bin.cjs')
// drizzle-kit wants paths relative to the project, so the scratch copies live in the git-ignored test-output/.
const scratch = join('test-output', `migrations-drift-${process.pid}`)

/** Runs `drizzle-kit generate` for `schema` into a copy of migrations/, and returns the SQL files it then holds. */
function generate(name: string, schema: string): Promise<{ output: string; files: string[] }> {
  const out = join(scratch, name)
  cpSync(join(root, 'migrations'), join(root, out), { recursive: true })
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [drizzleKit, 'generate', '--dialect', 'sqlite', '--schema', schema, '--out', out],
      { cwd: root },
      (error, stdout, stderr) => {
        if (error) return reject(new Error(`drizzle-kit generate failed: ${stdout}\n${stderr}`))
        resolve({ output: stdout + stderr, files: readdirSync(join(root, out)).filter((file) => file.endsWith('.sql')) })
      },
    )
  })
}

const committed = readdirSync(join(root, 'migrations')).filter((file) => file.endsWith('.sql'))

afterAll(() => rmSync(join(root, scratch), { recursive: true, force: true }))

describe('migrations/ and the drizzle schema', () => {
  it('agree: drizzle-kit has nothing to generate', { timeout: 60_000 }, async () => {
    const { output, files } = await generate('as-is', 'src/infrastructure/d1/schema.ts')
    expect(output).toContain('No schema changes')
    expect(files).toEqual(committed)
  })

  it('the check bites: a table added to the schema alone makes a new migration', { timeout: 60_000 }, async () => {
    mkdirSync(join(root, scratch), { recursive: true })
    const changed = join(scratch, 'schema-with-extra.ts')
    writeFileSync(
      join(root, changed),
      "export * from '../../src/infrastructure/d1/schema'\nimport { sqliteTable, text } from 'drizzle-orm/sqlite-core'\nexport const extra = sqliteTable('extra', { id: text('id').primaryKey() })\n",
    )
    const { files } = await generate('changed', changed)
    expect(files.length).toBe(committed.length + 1)
  })
})
