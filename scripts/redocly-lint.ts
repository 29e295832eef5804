// The second linter: Redocly CLI's `recommended` ruleset on the emitted document, failing on any problem, warnings
// included (redocly itself fails only on errors). Spectral (npm run lint:api) is the first, with our own rules.
// `npx tsx scripts/redocly-lint.ts [document.json]`; exit 1 listing each problem.
import { execFileSync } from 'node:child_process'
import { createRequire } from 'node:module'

interface Problem {
  ruleId: string
  severity: string
  message: string
  location: { pointer: string }[]
}

const file = process.argv[2] ?? 'openapi/openapi.json'
const cli = createRequire(import.meta.url).resolve('@redocly/cli/bin/cli.js')
let output: string
try {
  output = execFileSync(process.execPath, [cli, 'lint', file, '--extends', 'recommended', '--format', 'json'], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
  })
} catch (error) {
  // redocly exits 1 when it finds errors; its JSON report is still on stdout.
  output = String((error as { stdout?: string }).stdout ?? '')
}
const report = JSON.parse(output) as { totals: { errors: number; warnings: number }; problems: Problem[] }
for (const problem of report.problems)
  console.log(`${problem.severity} ${problem.ruleId} ${problem.location[0]?.pointer ?? ''}: ${problem.message}`)
const count = report.totals.errors + report.totals.warnings
console.log(`redocly recommended: ${report.totals.errors} errors, ${report.totals.warnings} warnings in ${file}`)
process.exit(count === 0 ? 0 : 1)
