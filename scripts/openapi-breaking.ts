/**
 * `npm run openapi:breaking -- <base.json> <head.json>`: exit 1 listing every change in head that can break a client
 * of base, exit 0 when head only adds, exit 2 on bad input. CI runs it on pull requests with base = the target branch's
 * document.
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
