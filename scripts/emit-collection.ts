// Writes public/assets/collection.template.json (Postman v2.1) from openapi/openapi.json; the Worker serves it at
// /assets/collection.json with this deployment's origin as its baseUrl (src/http/collection.ts). With --check, fails when the committed file is stale.
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { pathToFileURL } from 'node:url'
import { buildCollection, type OpenApiDocument } from './lib/collection'

const documentUrl = new URL('../openapi/openapi.json', import.meta.url)
const target = new URL('../public/assets/collection.template.json', import.meta.url)

export function emittedCollection(): string {
  const document = JSON.parse(readFileSync(documentUrl, 'utf8')) as OpenApiDocument
  return `${JSON.stringify(buildCollection(document), null, 2)}\n`
}

/** Writes public/assets/collection.template.json when it differs; says whether it did. */
export function writeCollection(): boolean {
  const emitted = emittedCollection()
  const committed = existsSync(target) ? readFileSync(target, 'utf8') : ''
  if (committed === emitted) return false
  writeFileSync(target, emitted)
  return true
}

// Run directly (not imported by scripts/test-collection.ts).
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  if (process.argv.includes('--check')) {
    const committed = existsSync(target) ? readFileSync(target, 'utf8') : ''
    if (committed !== emittedCollection()) {
      console.error(
        'public/assets/collection.template.json is stale: openapi/openapi.json (or scripts/lib/collection.ts) changed. Run `npx tsx scripts/emit-collection.ts` and commit the result.',
      )
      process.exit(1)
    }
    console.log('public/assets/collection.template.json matches openapi/openapi.json')
  } else {
    console.log(writeCollection() ? 'wrote public/assets/collection.template.json' : 'public/assets/collection.template.json is up to date')
  }
}
