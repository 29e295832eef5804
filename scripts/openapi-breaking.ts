/**
 * `npm run openapi:breaking -- <base.json> <head.json>`: exit 1 listing every change in head that can break a client
 * of base, exit 0 when head only adds, exit 2 on bad input. CI runs it on pull requests with base = the target branch's
 * document.
 *
 * It stands in for oasdiff's `breaking` command (`oasdiff breaking base.json head.json --fail-on ERR`), the usual tool
 * for this gate, which is not used because it cannot be installed where the gate must run: oasdiff is a Go program,
 * distributed through `go install`, Homebrew, release binaries on GitHub and the tufin/oasdiff Docker image. On npm,
 * `oasdiff` is only a reserved placeholder (`npm view oasdiff`: 0.0.1-security, "Reserved name placeholder. No
 * functionality."), and Debian has no package of it (`apt-cache search oasdiff`: nothing), while the machines this
 * project is developed on reach only the npm registry and Debian packages (and the gate runs locally too, in
 * tests/node). The npm alternative, Atlassian's openapi-diff (0.24.1), refuses our document ("Unsupported OpenAPI
 * version: 3.1.0. Swagger Parser only supports versions 3.0.0, 3.0.1, 3.0.2, 3.0.3") and by its own SPEC_SUPPORT.md
 * compares neither operation parameters nor security; scripts/lib/openapi-diff.ts says why the other npm tools tried
 * were not trusted. Should oasdiff become installable here, its `breaking` command is the replacement for this script,
 * with the same exit-1-on-break contract.
 */
import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { findBreakingChanges, parseDocument } from './lib/openapi-diff'

type Print = (line: string) => void

/** The whole CLI, with its output and environment passed in so tests can run it in-process. */
export function runGate(args: string[], out: Print, err: Print, env: NodeJS.ProcessEnv): number {
  const [basePath, headPath, ...extra] = args
  if (!basePath || !headPath || extra.length > 0) {
    err('usage: openapi-breaking <base.json> <head.json>')
    return 2
  }
  let changes: string[]
  try {
    const base = parseDocument(readFileSync(basePath, 'utf8'), basePath)
    const head = parseDocument(readFileSync(headPath, 'utf8'), headPath)
    changes = findBreakingChanges(base, head)
  } catch (error) {
    err(`openapi-breaking: ${error instanceof Error ? error.message : String(error)}`)
    return 2
  }

  if (changes.length === 0) {
    out(`openapi-breaking: no breaking changes from ${basePath} to ${headPath}`)
    return 0
  }
  out(`openapi-breaking: ${changes.length} breaking change(s) from ${basePath} to ${headPath}:`)
  for (const change of changes) out(`  - ${change}`)
  if (env.GITHUB_ACTIONS === 'true') {
    // Workflow commands turn each line into an annotation on the pull request.
    for (const change of changes) out(`::error file=openapi/openapi.json,title=Breaking API change::${change}`)
  }
  out('If the break is intended, version the API or have a maintainer add the "breaking-change-approved" label.')
  return 1
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  process.exitCode = runGate(process.argv.slice(2), console.log, console.error, process.env)
}
