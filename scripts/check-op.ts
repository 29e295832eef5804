// npm run check:op -- <operationId>: the checks that matter for one operation, in minutes instead of the whole suite:
// type-check and lint, the document and SDK types re-emitted (then the drift check and the contract linters read what
// was just emitted, not the committed copy), and the tables generated from the document, filtered to this operation
// (authentication, bad input, ownership, round trips, faults, fuzzing), with the resource's own tests.
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { operations } from '../src/contract/operations'

const operationId = process.argv[2]
if (!operationId || !(operationId in operations)) {
  console.error(`usage: npm run check:op -- <operationId>\noperations: ${Object.keys(operations).join(', ')}`)
  process.exit(2)
}
const route = operations[operationId as keyof typeof operations]
const resource = `tests/worker/${(route.tags?.[0] ?? '').toLowerCase().replace(/\s+/g, '-')}.test.ts`
const tables = ['every-operation', 'round-trips', 'faults', 'properties'].map((name) => `tests/worker/${name}.test.ts`)

const steps: [string, string[]][] = [
  ['type-check', ['npx', 'tsc', '-p', 'tsconfig.json']],
  ['lint (layers, file size)', ['npx', 'eslint', 'src', 'tests/worker', 'scripts']],
  ['re-emit the document, collection and llms.txt', ['npm', 'run', '-s', 'openapi']],
  ['re-emit the SDK types', ['npm', 'run', '-s', 'generate']],
  ['drift and version gate', ['npm', 'run', '-s', 'openapi:check']],
  ['contract linters (spectral, redocly)', ['npm', 'run', '-s', 'lint:api']],
  [
    `the tables filtered to ${operationId}${existsSync(resource) ? `, and ${resource}` : ''}`,
    ['npx', 'vitest', 'run', ...tables, ...(existsSync(resource) ? [resource] : []), '-t', `\\b${operationId}\\b`],
  ],
]

for (const [what, [command, ...args]] of steps) {
  const started = Date.now()
  console.log(`\n▶ ${what}`)
  const { status } = spawnSync(command!, args, { stdio: 'inherit' })
  console.log(`${status === 0 ? '✔' : '✘'} ${what} (${((Date.now() - started) / 1000).toFixed(1)} s)`)
  if (status !== 0) process.exit(status ?? 1)
}
console.log(`\n${operationId}: every check passed. Before you push, npm test runs the rest (node tests, browser, generators, collection).`)
