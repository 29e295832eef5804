// Writes public/llms.txt (served at /llms.txt) from openapi/openapi.json. With --check, fails when it is stale.
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import type { OpenAPIObject } from 'openapi3-ts/oas31'
import { buildLlmsTxt } from './lib/llms'

const target = new URL('../public/llms.txt', import.meta.url)
const document = JSON.parse(readFileSync(new URL('../openapi/openapi.json', import.meta.url), 'utf8')) as OpenAPIObject
const emitted = buildLlmsTxt(document)
const committed = existsSync(target) ? readFileSync(target, 'utf8') : ''

if (process.argv.includes('--check')) {
  if (committed !== emitted) {
    console.error('public/llms.txt is stale: openapi/openapi.json changed. Run `npm run openapi` and commit the result.')
    process.exit(1)
  }
  console.log('public/llms.txt matches openapi/openapi.json')
} else if (committed !== emitted) {
  writeFileSync(target, emitted)
  console.log('wrote public/llms.txt')
}
