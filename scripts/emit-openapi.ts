// Writes openapi/openapi.json from src/contract (no server started). With --check, fails when the committed file is stale.
import { existsSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs'
import { pathToFileURL } from 'node:url'
import { buildDocument } from '../src/contract/document'

// OPENAPI_FILE points --check at another copy (tests/node/drift.test.ts proves the check fails on a stale one).
const target = process.env.OPENAPI_FILE ? pathToFileURL(process.env.OPENAPI_FILE) : new URL('../openapi/openapi.json', import.meta.url)
const emitted = `${JSON.stringify(buildDocument(), null, 2)}\n`

if (process.argv.includes('--check')) {
  const committed = existsSync(target) ? readFileSync(target, 'utf8') : ''
  if (committed !== emitted) {
    console.error('openapi/openapi.json is stale: the contract in src/contract changed. Run `npm run openapi` and commit the result.')
    process.exit(1)
  }
  console.log('openapi/openapi.json matches src/contract')
} else {
  mkdirSync(new URL('../openapi/', import.meta.url), { recursive: true })
  writeFileSync(target, emitted)
  console.log('wrote openapi/openapi.json')
}
