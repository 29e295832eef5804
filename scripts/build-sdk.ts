// Builds the installable SDK: generated/client.ts + schema.d.ts -> generated/dist (ESM + declarations), ready for `npm pack`
// in generated/. Fails when generated/package.json's version is not the document's info.version, or when
// generated/CHANGELOG.md has no section for that version (docs/versioning.md: `npm run -s openapi:changelog`).
import { execFileSync } from 'node:child_process'
import { copyFileSync, existsSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'

const generated = fileURLToPath(new URL('../generated/', import.meta.url))
const dist = `${generated}dist/`
const readJson = (path: string): unknown => JSON.parse(readFileSync(path, 'utf8'))

const document = readJson(fileURLToPath(new URL('../openapi/openapi.json', import.meta.url))) as { info: { version: string } }
const pkg = readJson(`${generated}package.json`) as { name: string; version: string }
if (pkg.version !== document.info.version) {
  console.error(
    `generated/package.json has version ${pkg.version} but openapi/openapi.json has info.version ${document.info.version}; make them equal.`,
  )
  process.exit(1)
}
const changelog = existsSync(`${generated}CHANGELOG.md`) ? readFileSync(`${generated}CHANGELOG.md`, 'utf8') : ''
const heading = new RegExp(`^## ${pkg.version.replaceAll('.', '\\.')}(?: |$)`, 'm')
if (!heading.test(changelog)) {
  console.error(
    `generated/CHANGELOG.md has no "## ${pkg.version}" section. Add the output of ` +
      '`npm run -s openapi:changelog -- openapi/releases/<latest>.json openapi/openapi.json` on top (docs/versioning.md).',
  )
  process.exit(1)
}

rmSync(dist, { recursive: true, force: true })
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc')
execFileSync(process.execPath, [tsc, '-p', `${generated}tsconfig.build.json`], { stdio: 'inherit' })
// tsc emits nothing for a .d.ts input, and client.d.ts imports ./schema.js: ship the generated types beside it.
copyFileSync(`${generated}schema.d.ts`, `${dist}schema.d.ts`)

console.log(`built ${pkg.name}@${pkg.version} into generated/dist: ${readdirSync(dist).sort().join(', ')}`)
